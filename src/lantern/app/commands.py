"""CLI commands of the web app: serve, users (add, disable, enable, reset-password,
sessions-end), alerts sync, audit (verify, anchor, rekey)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lantern.settings import StoreOption, command_settings

users_app = typer.Typer(help="Manage the web app's users.", no_args_is_help=True)
alerts_app = typer.Typer(help="Alerts in the operational store.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)


AnchorOpt = Annotated[
    Path | None,
    typer.Option(
        "--anchor",
        help="Append-only file of anchored heads (default: LANTERN_AUDIT_ANCHOR).",
    ),
]


def _settings(store: Path | None = None, demo: bool | None = None):  # type: ignore[no-untyped-def]
    return command_settings(store, **({"demo": True} if demo else {}))


def _operational_db(settings):  # type: ignore[no-untyped-def]
    """The operational store, migrated, with sessions that sign audit entries with the key."""
    from lantern.app import audit, database

    key = audit.load_key(settings)
    engine = database.make_engine(settings.database_url)
    database.migrate(engine)
    return engine, database.session_factory(engine, key)


def _check_port_free(host: str, port: int) -> None:
    """Refuse before any work when the address is taken (often a `lantern serve` left running)."""
    import socket

    from lantern.errors import UserError

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            raise UserError(
                f"cannot listen on {host}:{port} ({error.strerror}): another program, perhaps "
                "a `lantern serve` or `make demo` still running, is using it. Stop it (Ctrl-C in "
                "its terminal), or choose another port with --port (make demo DEMO_PORT=8001)"
            ) from error


def serve_command(
    host: Annotated[
        str, typer.Option(help="Address to listen on (keep 127.0.0.1 unless behind a proxy).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    store: StoreOption = None,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Demo mode: a generated secret and demo users (one per role, a practitioner per agency).",
        ),
    ] = False,
    warm: Annotated[
        bool, typer.Option(help="Load the children with open alerts into memory in the background.")
    ] = True,
    workers: Annotated[
        int, typer.Option(help="Worker processes (each opens the store read-only).", min=1)
    ] = 1,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            help="Addresses of the reverse proxy that terminates TLS (comma-separated), trusted "
            "for X-Forwarded-For and X-Forwarded-Proto: throttling then sees each user's "
            "address, and cookies are Secure and __Host- with HSTS (docs/security.md). "
            "Default: uvicorn's, 127.0.0.1.",
        ),
    ] = None,
) -> None:
    """Serve the web app (uvicorn)."""
    import os
    import threading

    import uvicorn

    from lantern.app.demo import ensure_demo_users
    from lantern.app.security import checked_secret
    from lantern.app.web import create_app, warm_up

    _check_port_free(host, port)
    settings = _settings(store, demo)
    # One secret for every worker, so a session signed by one is good in all.
    settings.secret_key = checked_secret(settings.secret_key, settings.demo)
    app = create_app(settings)
    state = app.state.lantern
    if settings.demo:
        with state.session() as db:
            state.demo_logins = ensure_demo_users(db)
        typer.echo("Demo logins (synthetic data only; new passwords at every start):")
        for username, password, role in state.demo_logins:
            typer.echo(f"  {role:<26} username {username:<13} password {password}")
    options = {
        "host": host,
        "port": port,
        "log_level": "warning",
        "access_log": False,
        "server_header": False,
        "proxy_headers": True,
    }
    if forwarded_allow_ips is not None:
        options["forwarded_allow_ips"] = forwarded_allow_ips
    if workers > 1:
        # The alerts are synced and the demo users made; each worker builds its own app.
        state.analytics.close()
        os.environ.update(
            {
                "LANTERN_STORE": str(settings.store),
                "LANTERN_DATABASE_URL": settings.database_url,
                "LANTERN_SECRET_KEY": settings.secret_key,
                "LANTERN_DEMO": "1" if settings.demo else "0",
                "LANTERN_APP_WARM": "1" if warm else "0",
            }
        )
        # The audit key as the parent found it (demo mode: the demo's key file).
        if settings.audit_key_file:
            os.environ["LANTERN_AUDIT_KEY_FILE"] = str(settings.audit_key_file)
        typer.echo(
            f"Lantern is serving {settings.store} on http://{host}:{port} ({workers} workers)"
        )
        uvicorn.run("lantern.app.web:app_for_worker", factory=True, workers=workers, **options)  # type: ignore[arg-type]
        return
    if warm:
        threading.Thread(target=warm_up, args=(state,), name="lantern-warm-up", daemon=True).start()
        state.live.after_switch = lambda: threading.Thread(
            target=warm_up, args=(state,), name="lantern-warm-up", daemon=True
        ).start()  # each new store generation a run makes, too
    typer.echo(f"Lantern is serving {settings.store} on http://{host}:{port}")
    uvicorn.run(app, **options)  # type: ignore[arg-type]


def users_add_command(
    username: Annotated[str, typer.Argument(help="Sign-in name.")],
    role: Annotated[str, typer.Option(help="analyst, practitioner, supervisor, auditor or admin.")],
    agency: Annotated[
        str | None,
        typer.Option(help="The practitioner's agency (police, social_care, health, education)."),
    ] = None,
    name: Annotated[str | None, typer.Option(help="Full name shown in the app.")] = None,
    password: Annotated[
        str | None, typer.Option(help="Password (prompted for if omitted; at least 12 characters).")
    ] = None,
) -> None:
    """Add a user to the operational store."""
    from lantern.app import accounts, audit

    settings = _settings()
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    engine, factory = _operational_db(settings)
    with factory() as db:
        accounts.add_user(db, username, password, role, display_name=name, agency=agency)
        audit.record(db, "cli", "user_added", username, role=role, agency=agency)
        db.commit()
    engine.dispose()
    typer.echo(f"Added {role} {username}.")


def alerts_sync_command(store: StoreOption = None) -> None:
    """Copy children and networks newly at medium/high (or risen) from the store into alerts."""
    from lantern.app import alerts
    from lantern.app.store_reader import Analytics

    settings = _settings(store)
    analytics = Analytics(
        settings.store, threads=settings.threads, memory_limit=settings.memory_limit
    )
    engine, factory = _operational_db(settings)
    with factory() as db:
        summary = alerts.sync(db, analytics)
        db.commit()
    analytics.close()
    engine.dispose()
    typer.echo(f"Alerts: {summary}.")


def audit_verify_command(anchor: AnchorOpt = None) -> None:
    """Check the audit log's keyed chain, its head and its anchors; name the first problem
    (exit 6) if it was tampered with."""
    from lantern.app import audit

    settings = _settings()
    path = anchor or settings.audit_anchor
    engine, factory = _operational_db(settings)
    with factory() as db:
        result = audit.verify(db, Path(path) if path else None)
    engine.dispose()
    if not result.ok:
        raise audit.ChainBroken(
            f"the audit log was TAMPERED with: entry {result.broken_at}: {result.problem}"
        )
    anchored = f", and it holds all {result.anchors} anchored heads" if path else ""
    typer.echo(f"Audit log verified: {result.entries} entries, chain intact{anchored}.")


UsernameArg = Annotated[str, typer.Argument(help="The user's sign-in name.")]


def _account_change(change: str, username: str, **options: object) -> object:
    """Apply one account change through `accounts` (which audits it, as `cli`)."""
    from lantern.app import accounts

    settings = _settings()
    engine, factory = _operational_db(settings)
    with factory() as db:
        result = getattr(accounts, change)(db, "cli", username, **options)
        db.commit()
    engine.dispose()
    return result


def users_disable_command(username: UsernameArg) -> None:
    """Stop a user signing in and end their sessions (their history stays)."""
    _account_change("disable", username)
    typer.echo(f"Disabled {username}; their sessions have ended.")


def users_enable_command(username: UsernameArg) -> None:
    """Let a disabled user sign in again."""
    _account_change("enable", username)
    typer.echo(f"Enabled {username}.")


def users_reset_password_command(
    username: UsernameArg,
    password: Annotated[
        str | None,
        typer.Option(help="The new password (at least 12 characters); generated if omitted."),
    ] = None,
) -> None:
    """Give a user a new password and end their sessions."""
    new = _account_change("reset_password", username, password=password)
    if password is None:
        typer.echo(f"New password for {username}: {new}")
    typer.echo(f"Reset the password of {username}; their sessions have ended.")


def users_sessions_end_command(username: UsernameArg) -> None:
    """Sign a user out everywhere."""
    ended = _account_change("sessions_end", username)
    typer.echo(f"Ended {ended} session(s) of {username}.")


def audit_anchor_command(
    anchor: AnchorOpt = None,
    syslog: Annotated[
        bool, typer.Option("--syslog", help="Also send the anchor to syslog (facility AUTH).")
    ] = False,
) -> None:
    """Write the audit chain's head, signed with the key, to an append-only file (or syslog):
    `audit verify` then notices entries removed or an older copy of the database restored."""
    from lantern.app import audit
    from lantern.errors import UserError

    settings = _settings()
    path = anchor or settings.audit_anchor
    if path is None and not syslog:
        raise UserError("name the anchor file with --anchor or LANTERN_AUDIT_ANCHOR (or --syslog)")
    engine, factory = _operational_db(settings)
    with factory() as db:
        audit.record(db, "cli", "audit_anchored", "", file=str(path or ""), syslog=syslog)
        db.commit()
        line = audit.anchor_line(db)
    engine.dispose()
    if path is not None:
        audit.append_anchor(Path(path), line)
    if syslog:
        import syslog as sys_log

        sys_log.openlog("lantern-audit", 0, sys_log.LOG_AUTH)
        sys_log.syslog(sys_log.LOG_NOTICE, "audit anchor " + line)
    typer.echo(f"Anchored the audit log's head: {line}")


def audit_rekey_command() -> None:
    """Re-link an audit log written before Lantern keyed it (plain SHA-256) under the audit key,
    after checking it; run once when upgrading a store (docs/security.md)."""
    from lantern.app import audit

    settings = _settings()
    engine, factory = _operational_db(settings)
    with factory() as db:
        count = audit.rekey(db)
        db.commit()
    engine.dispose()
    if count:
        typer.echo(f"Audit log keyed: {count} entries checked and re-linked under the key.")
    else:
        typer.echo("The audit log is keyed already: nothing to do.")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
    users_app.command("add")(users_add_command)
    users_app.command("disable")(users_disable_command)
    users_app.command("enable")(users_enable_command)
    users_app.command("reset-password")(users_reset_password_command)
    users_app.command("sessions-end")(users_sessions_end_command)
    alerts_app.command("sync")(alerts_sync_command)
    audit_app.command("verify")(audit_verify_command)
    audit_app.command("anchor")(audit_anchor_command)
    audit_app.command("rekey")(audit_rekey_command)
    app.add_typer(users_app, name="users")
    app.add_typer(alerts_app, name="alerts")
    app.add_typer(audit_app, name="audit")
