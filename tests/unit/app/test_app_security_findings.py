"""Issue 19's findings, one test (or a few) each, named by number: each failed on the code before
the fix and passes after (docs/security.md lists them).

The county (tests/app_county.py): Kayleigh has records in all four agencies; Liam only police
and education; Darren (an adult) only police. `pat` is a social care practitioner, so Liam and
Darren are outside pat's agency; `ana` analyst, `sue`/`sue2` supervisors, `aud` auditor, `adm`
admin.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from app_harness import (
    AUDIT_KEY,
    PASSWORD,
    SECRET,
    csrf_of,
    fresh_county,
    make_app,
    signed_in,
    write_unkeyed_entries,
)
from lantern.app import accounts, audit
from lantern.app.accounts import Throttle
from lantern.app.models import Alert, AuditEntry, AuditHead, SignInAttempt, User, WebSession


def _alert_of(app, subject: str) -> Alert:  # type: ignore[no-untyped-def]
    with app.state.lantern.session() as db:
        alert = db.scalar(select(Alert).where(Alert.subject_id == subject))
        assert alert is not None
        return alert


def _actions(app, action: str) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    with app.state.lantern.session() as db:
        return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _post(client: TestClient, url: str, form_page: str, **data: str):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get(form_page).text)
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=False)


# 1. Scope on every route that names a child, adult, network or alert -------------------------
def test_f1_an_alert_outside_the_practitioners_scope_asks_why_first(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    liam = _alert_of(app, county.liam)
    pat = signed_in(app, "pat")
    first = pat.get(f"/alerts/{liam.id}", follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"].startswith(f"/children/{county.liam}/reason?next=")
    assert unquote(first.headers["location"]).endswith(f"next=/alerts/{liam.id}")
    assert not _actions(app, "view_alert")
    # The reason is audited, and leads back to the alert, which now opens.
    given = _post(
        pat,
        f"/children/{county.liam}/reason",
        first.headers["location"],
        reason="new_referral",
        detail="A referral about Liam reached me today",
        next=f"/alerts/{liam.id}",
    )
    assert given.status_code == 303 and given.headers["location"] == f"/alerts/{liam.id}"
    assert [e.subject for e in _actions(app, "access_reason")] == [county.liam]
    page = pat.get(f"/alerts/{liam.id}", follow_redirects=False)
    assert page.status_code == 200 and "Liam Carter" in page.text


def test_f1_assigning_to_oneself_is_not_a_way_round_the_reason(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    liam = _alert_of(app, county.liam)
    pat = signed_in(app, "pat")
    refused = _post(
        pat,
        f"/alerts/{liam.id}/decide",
        "/search",
        action="assign",
        assignee="pat",
        rationale="Mine now",
    )
    assert refused.status_code == 403
    assert "say why you need it" in refused.text
    assert _alert_of(app, county.liam).assigned_to is None
    # Even an alert assigned to oneself (say, after a reason that has since run out) does not
    # make the child one's caseload: only an allocation by someone else does.
    with app.state.lantern.session() as db:
        alert = db.get(Alert, liam.id)
        pat_user = db.scalar(select(User).where(User.username == "pat"))
        from lantern.app import alerts

        alerts.decide(db, alert, pat_user, "assign", "pat", "assigned to myself")
    child = pat.get(f"/children/{county.liam}", follow_redirects=False)
    assert child.status_code == 303 and "/reason?next=" in child.headers["location"]


def test_f1_triage_and_closing_need_the_scope_to_see_the_alert(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    liam = _alert_of(app, county.liam)
    pat = signed_in(app, "pat")
    for outcome in ("monitor", "nfa"):
        response = _post(
            pat,
            f"/alerts/{liam.id}/decide",
            "/search",
            action="triage",
            outcome=outcome,
            rationale="Close it",
        )
        assert response.status_code == 403
    assert _alert_of(app, county.liam).status == "open"
    assert not _actions(app, "decision")
    assert [json.loads(e.detail)["scope"] for e in _actions(app, "refused")] == ["child", "child"]


def test_f1_network_alerts_follow_the_network_pages_scope(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    with app.state.lantern.session() as db:
        accounts.add_user(db, "hal", PASSWORD, "practitioner", agency="health")
    network = _alert_of(app, county.network)
    hal = signed_in(app, "hal")
    assert hal.get(f"/networks/{county.network}").status_code == 403
    assert hal.get(f"/alerts/{network.id}").status_code == 403
    closed = _post(
        hal,
        f"/alerts/{network.id}/decide",
        "/search",
        action="triage",
        outcome="nfa",
        rationale="Not mine",
    )
    assert closed.status_code == 403
    assert _alert_of(app, county.network).status == "open"
    assert f"/networks/{county.network}" not in hal.get("/alerts?status=all").text
    # An analyst still works it.
    analyst = signed_in(app, "ana")
    assert analyst.get(f"/alerts/{network.id}").status_code == 200


def test_f1_an_adult_outside_the_practitioners_scope_asks_why_first(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    pat = signed_in(app, "pat")
    first = pat.get(f"/adults/{county.darren}", follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"].startswith(f"/children/{county.darren}/reason?next=")
    form = pat.get(first.headers["location"])
    assert "no record about this person" in form.text
    _post(
        pat,
        f"/children/{county.darren}/reason",
        first.headers["location"],
        reason="mace_or_mash",
        detail="MACE meeting preparation this week",
        next=f"/adults/{county.darren}",
    )
    page = pat.get(f"/adults/{county.darren}", follow_redirects=False)
    assert page.status_code == 200 and "Darren Mills" in page.text


# 2. Separate duties ---------------------------------------------------------------------------
def test_f2_the_admin_reads_no_audit_log_and_no_childs_record(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    admin = signed_in(app, "adm")
    assert admin.get("/admin/audit").status_code == 403
    assert admin.get("/admin/audit/1").status_code == 403
    assert admin.get(f"/children/{county.kayleigh}").status_code == 403
    assert admin.get("/alerts").status_code == 403


def test_f2_the_auditor_sees_personal_details_only_on_purpose_and_that_is_audited(
    tmp_path: Path,
) -> None:
    app, county = make_app(tmp_path)
    analyst = signed_in(app, "ana")
    analyst.get("/search?name=Kayleigh+Brookes&dob=1997-06-12")
    pat = signed_in(app, "pat")
    reason_form = f"/children/{county.liam}/reason"
    _post(pat, reason_form, reason_form, reason="other", detail="Private words about Liam here")
    auditor = signed_in(app, "aud")
    log = auditor.get("/admin/audit")
    assert log.status_code == 200
    assert "Kayleigh Brookes" not in log.text and "1997-06-12" not in log.text
    assert "Private words about Liam" not in log.text
    assert "name: withheld" in log.text
    [search] = _actions(app, "search")
    entry = auditor.get(f"/admin/audit/{search.id}")
    assert entry.status_code == 200 and "Kayleigh Brookes" in entry.text
    opened = _actions(app, "view_audit_detail")
    assert [(e.actor, e.subject) for e in opened] == [("aud", str(search.id))]


@pytest.mark.parametrize("role", ["analyst", "supervisor", "auditor", "admin"])
def test_f2_granting_a_reading_role_needs_a_second_admin(tmp_path: Path, role: str) -> None:
    app, _ = make_app(tmp_path)
    with app.state.lantern.session() as db:
        accounts.add_user(db, "adm2", PASSWORD, "admin")
    admin, second = signed_in(app, "adm"), signed_in(app, "adm2")
    asked = _post(
        admin,
        "/admin/users",
        "/admin/users",
        username="eve",
        role=role,
        password="a long enough password",
    )
    assert asked.status_code == 303 and asked.headers["location"] == "/admin/users?requested=eve"
    fresh = TestClient(app)
    token = csrf_of(fresh.get("/sign-in").text)
    refused = fresh.post(
        "/sign-in",
        data={"username": "eve", "password": "a long enough password", "csrf_token": token},
    )
    assert refused.status_code == 401  # not until approved
    own = _post(admin, "/admin/users/eve/approve", "/admin/users")
    assert own.status_code == 400 and "another admin must approve" in own.text
    approved = _post(second, "/admin/users/eve/approve", "/admin/users")
    assert approved.status_code == 303
    signed_in(app, "eve", "a long enough password")
    assert [e.actor for e in _actions(app, "user_requested")] == ["adm"]
    assert [e.actor for e in _actions(app, "user_approved")] == ["adm2"]


def test_f2_a_practitioner_needs_no_second_admin(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    admin = signed_in(app, "adm")
    done = _post(
        admin,
        "/admin/users",
        "/admin/users",
        username="jo",
        role="practitioner",
        agency="police",
        password="a long enough password",
    )
    assert done.headers["location"] == "/admin/users?added=jo"
    signed_in(app, "jo", "a long enough password")


# 4. A keyed audit chain and its anchor --------------------------------------------------------
def _rehash_without_the_key(db) -> None:  # type: ignore[no-untyped-def]
    """What someone with the database but not the key can do: recompute every hash and the
    head with plain SHA-256 (the old scheme)."""
    prev = "0" * 64
    for entry in db.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        entry.prev_hash = prev
        fields = [prev, entry.at.isoformat(timespec="microseconds"), entry.actor, entry.action]
        fields += [entry.subject, entry.detail]
        payload = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
        entry.hash = prev = hashlib.sha256(payload.encode()).hexdigest()
    head = db.get(AuditHead, 1)
    head.last_hash = prev
    head.last_id = db.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))


def test_f4_deleting_entries_and_rehashing_is_detected(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    pat = signed_in(app, "pat")
    pat.get(f"/children/{county.kayleigh}")
    signed_in(app, "ana").get(f"/children/{county.jade}")
    with app.state.lantern.session() as db:
        db.execute(text("DELETE FROM audit_log WHERE actor = 'pat' AND action = 'view_child'"))
        _rehash_without_the_key(db)
    with app.state.lantern.session() as db:
        result = audit.verify(db)
    assert not result.ok and result.broken_at == 1
    assert "without the key" in result.problem


def test_f4_a_missing_head_is_detected(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    signed_in(app, "ana").get(f"/children/{county.kayleigh}")
    with app.state.lantern.session() as db:
        db.execute(text("DELETE FROM audit_head"))
    with app.state.lantern.session() as db:
        result = audit.verify(db)
    assert not result.ok and "head row is missing" in result.problem


def test_f4_a_head_older_than_the_anchor_is_detected(tmp_path: Path) -> None:
    """Restoring an older copy of the database (entries gone, every hash still good) is noticed
    against the anchor written before."""
    app, county = make_app(tmp_path)
    analyst = signed_in(app, "ana")
    analyst.get(f"/children/{county.kayleigh}")
    database = Path(str(app.state.lantern.settings.database_url).removeprefix("sqlite:///"))
    with app.state.lantern.session() as db:
        db.execute(text("PRAGMA wal_checkpoint(FULL)"))
    shutil.copy(database, tmp_path / "old.db")
    analyst.get(f"/children/{county.jade}")
    anchors = tmp_path / "anchors.log"
    with app.state.lantern.session() as db:
        audit.append_anchor(anchors, audit.anchor_line(db))
        assert audit.verify(db, anchors).ok
    old_engine_url = f"sqlite:///{tmp_path / 'old.db'}"
    from lantern.app import database as app_database

    engine = app_database.make_engine(old_engine_url)
    factory = app_database.session_factory(engine, AUDIT_KEY.encode())
    with factory() as db:
        assert audit.verify(db).ok  # the old copy is a good chain in itself
        result = audit.verify(db, anchors)
    engine.dispose()
    assert not result.ok and "older than the anchor" in result.problem


def test_f4_an_anchor_not_signed_with_the_key_is_refused(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    anchors = tmp_path / "anchors.log"
    with app.state.lantern.session() as db:
        line = json.loads(audit.anchor_line(db))
        line["last_id"] = 99  # edited by hand: the signature no longer matches
        anchors.write_text(json.dumps(line) + "\n")
        result = audit.verify(db, anchors)
    assert not result.ok and "not signed" in result.problem


def test_f4_audit_anchor_and_verify_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from lantern.cli import main

    county = fresh_county(tmp_path)
    db_file = tmp_path / "app.db"
    anchors = tmp_path / "anchors.log"
    monkeypatch.setenv("LANTERN_STORE", str(county.path))
    monkeypatch.setenv("LANTERN_DATABASE_URL", f"sqlite:///{db_file}")
    key_file = tmp_path / "audit.key"
    key_file.write_text(AUDIT_KEY + "\n")
    monkeypatch.setenv("LANTERN_AUDIT_KEY_FILE", str(key_file))
    assert main(["users", "add", "jo", "--role", "analyst", "--password", PASSWORD]) == 0
    assert main(["audit", "anchor", "--anchor", str(anchors)]) == 0
    assert main(["audit", "verify", "--anchor", str(anchors)]) == 0
    assert "holds all 1 anchored heads" in capsys.readouterr().out
    import sqlite3

    with sqlite3.connect(db_file) as con:  # cut the chain back to its first entry
        con.execute("DELETE FROM audit_log WHERE id > 1")
        con.execute(
            "UPDATE audit_head SET last_id = 1, last_hash = (SELECT hash FROM audit_log WHERE id = 1)"
        )
    assert main(["audit", "verify"]) == 0  # the cut chain is consistent in itself...
    assert main(["audit", "verify", "--anchor", str(anchors)]) == 6  # ...but not with its anchor
    assert "older than the anchor" in capsys.readouterr().err
    monkeypatch.delenv("LANTERN_AUDIT_KEY_FILE")
    assert main(["audit", "verify"]) == 5  # no key, no verification
    assert "LANTERN_AUDIT_KEY" in capsys.readouterr().err


def test_f4_an_unkeyed_chain_is_rekeyed_once_on_purpose(tmp_path: Path) -> None:
    from lantern.app.web import create_app
    from lantern.errors import ConfigError
    from lantern.settings import load_settings

    app, county = make_app(tmp_path)
    signed_in(app, "ana").get(f"/children/{county.kayleigh}")
    with app.state.lantern.session() as db:  # as a store written before the key looks
        _rehash_without_the_key(db)
        db.get(AuditHead, 1).scheme = audit.UNKEYED
    settings = load_settings(
        {},
        store=county.path,
        database_url=app.state.lantern.settings.database_url,
        secret_key=SECRET,
        audit_key=AUDIT_KEY,
    )
    app.state.lantern.analytics.close()
    with pytest.raises(ConfigError, match="lantern audit rekey"):
        create_app(settings, sync_alerts=False)
    with app.state.lantern.session() as db:
        entries = audit.rekey(db)
    assert entries >= 2
    with app.state.lantern.session() as db:
        assert audit.verify(db).ok
        [keyed] = db.scalars(select(AuditEntry).where(AuditEntry.action == "audit_rekeyed"))
        assert json.loads(keyed.detail)["entries"] == entries


def test_f4_a_store_from_before_the_key_migrates_and_is_rekeyed(tmp_path: Path) -> None:
    from lantern.app import database
    from lantern.errors import ConfigError

    engine = database.make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    database.migrate(engine, "0001")
    write_unkeyed_entries(engine, 3)
    database.migrate(engine)
    factory = database.session_factory(engine, AUDIT_KEY.encode())
    with factory() as db:
        with pytest.raises(ConfigError, match="lantern audit rekey"):
            audit.require_keyed(db)
        with pytest.raises(audit.ChainBroken, match="rekey"):
            audit.record(db, "ana", "view_child", "P9")
    with factory() as db:
        db.execute(text("UPDATE audit_log SET subject = 'P7' WHERE id = 2"))  # tampered before
        with pytest.raises(audit.ChainBroken, match="not rekeying"):
            audit.rekey(db)
        db.rollback()
    with factory() as db:
        assert audit.rekey(db) == 3
        db.commit()
    with factory() as db:
        assert audit.verify(db).ok
        audit.record(db, "ana", "view_child", "P4")
        db.commit()
        assert audit.verify(db).entries == 5
    engine.dispose()


# 5. CSRF bound to the session; __Host- cookies; an absolute session lifetime -------------------
def test_f5_a_planted_pre_session_token_is_refused_beside_a_live_session(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    attacker = TestClient(app, base_url="http://127.0.0.1")
    planted_token = csrf_of(attacker.get("/sign-in").text)
    planted_cookie = attacker.cookies.get("lantern_pre")
    assert planted_cookie
    victim = signed_in(app, "sue")
    victim.cookies.set("lantern_pre", planted_cookie)
    forged = victim.post(
        "/alerts/1/decide",
        data={
            "action": "triage",
            "outcome": "nfa",
            "rationale": "forged",
            "csrf_token": planted_token,
        },
        follow_redirects=False,
    )
    assert forged.status_code == 400 and "Form expired" in forged.text
    assert not _actions(app, "decision")


def test_f5_cookies_are_host_prefixed_and_secure_over_https(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    client = TestClient(app, base_url="https://lantern.example")
    page = client.get("/sign-in")
    assert "__Host-lantern_pre=" in page.headers["set-cookie"]
    response = client.post(
        "/sign-in",
        data={"username": "ana", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-lantern_session=")
    assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie
    assert response.headers["strict-transport-security"].startswith("max-age=")
    assert client.get("/alerts", follow_redirects=False).status_code == 200
    # Over HTTPS a cookie without the prefix (one a subdomain could set) is not a session.
    value = client.cookies.get("__Host-lantern_session")
    other = TestClient(app, base_url="https://lantern.example")
    other.cookies.set("lantern_session", value)
    assert other.get("/alerts", follow_redirects=False).status_code == 303


def test_f5_a_session_ends_after_its_absolute_lifetime_however_busy(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    client = signed_in(app, "ana")
    with app.state.lantern.session() as db:
        for row in db.scalars(select(WebSession)):
            row.created_at = datetime.now() - timedelta(hours=12, minutes=1)  # a long day
            row.last_seen_at = datetime.now()  # in use a moment ago
    assert client.get("/alerts", follow_redirects=False).status_code == 303


# 6. The account lifecycle ---------------------------------------------------------------------
def test_f6_users_disable_enable_reset_password_and_sessions_end_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from lantern.cli import main

    app, _ = make_app(tmp_path)
    settings = app.state.lantern.settings
    monkeypatch.setenv("LANTERN_STORE", str(settings.store))
    monkeypatch.setenv("LANTERN_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LANTERN_AUDIT_KEY", AUDIT_KEY)

    def live(username: str) -> int:
        with app.state.lantern.session() as db:
            user = db.scalar(select(User).where(User.username == username))
            return len(db.scalars(select(WebSession).where(WebSession.user_id == user.id)).all())

    ana = signed_in(app, "ana")
    assert main(["users", "disable", "ana"]) == 0
    assert live("ana") == 0 and ana.get("/alerts", follow_redirects=False).status_code == 303
    fresh = TestClient(app)
    token = csrf_of(fresh.get("/sign-in").text)
    disabled = fresh.post(
        "/sign-in", data={"username": "ana", "password": PASSWORD, "csrf_token": token}
    )
    assert disabled.status_code == 401
    assert main(["users", "enable", "ana"]) == 0
    signed_in(app, "ana")
    assert main(["users", "sessions-end", "ana"]) == 0
    assert live("ana") == 0
    capsys.readouterr()
    assert main(["users", "reset-password", "ana"]) == 0
    new = capsys.readouterr().out.split("New password for ana: ")[1].split()[0]
    signed_in(app, "ana", new)
    assert main(["users", "reset-password", "ana", "--password", "short"]) == 2
    actions = [(e.actor, e.action, e.subject) for e in _actions(app, "user_disabled")]
    actions += [(e.actor, e.action, e.subject) for e in _actions(app, "user_enabled")]
    actions += [(e.actor, e.action, e.subject) for e in _actions(app, "sessions_ended")]
    actions += [(e.actor, e.action, e.subject) for e in _actions(app, "password_reset")]
    assert actions == [
        ("cli", "user_disabled", "ana"),
        ("cli", "user_enabled", "ana"),
        ("cli", "sessions_ended", "ana"),
        ("cli", "password_reset", "ana"),
    ]


def test_f6_the_same_in_the_admin_pages(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    admin = signed_in(app, "adm")
    sue = signed_in(app, "sue")
    assert _post(admin, "/admin/users/sue/sessions-end", "/admin/users").status_code == 303
    assert sue.get("/alerts", follow_redirects=False).status_code == 303
    assert _post(admin, "/admin/users/sue/disable", "/admin/users").status_code == 303
    page = admin.get("/admin/users")
    assert "Disabled" in page.text
    assert _post(admin, "/admin/users/sue/enable", "/admin/users").status_code == 303
    reset = _post(admin, "/admin/users/sue/reset-password", "/admin/users")
    assert reset.status_code == 200 and 'data-testid="new-password"' in reset.text
    new = reset.text.split('<code class="lantern-ref">')[1].split("</code>")[0]
    signed_in(app, "sue", new)
    assert _post(admin, "/admin/users/adm/disable", "/admin/users").status_code == 400
    done = {e.action for e in _actions(app, "user_disabled") + _actions(app, "user_enabled")}
    done |= {e.action for e in _actions(app, "password_reset") + _actions(app, "sessions_ended")}
    assert done == {"user_disabled", "user_enabled", "password_reset", "sessions_ended"}


# 7. Throttling that slows an attacker without locking out the owner ---------------------------
def _attempt(app, username: str, password: str, client: str) -> int:  # type: ignore[no-untyped-def]
    browser = TestClient(app, client=(client, 50000))
    token = csrf_of(browser.get("/sign-in").text)
    return browser.post(
        "/sign-in",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    ).status_code


def test_f7_failures_elsewhere_do_not_lock_the_owner_out(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    assert _attempt(app, "ana", PASSWORD, "10.0.0.5") == 303  # ana's usual machine
    results = [_attempt(app, "ana", "guess", f"198.51.100.{n % 3}") for n in range(30)]
    assert results[:5] == [401] * 5 and 429 in results  # the guesser is slowed
    assert _attempt(app, "ana", PASSWORD, "10.0.0.5") == 303  # the owner is not


def test_f7_the_wait_backs_off_and_ends(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path, throttle=Throttle(per_pair=3))
    for _ in range(3):
        assert _attempt(app, "sue", "guess", "203.0.113.7") == 401
    assert _attempt(app, "sue", PASSWORD, "203.0.113.7") == 429  # must wait 30 seconds
    with app.state.lantern.session() as db:
        throttle = app.state.lantern.throttle
        waits = [throttle.wait(n, 3) for n in (3, 4, 5, 12, 40)]
        assert waits == [
            timedelta(seconds=30),
            timedelta(seconds=60),
            timedelta(seconds=120),
            timedelta(minutes=15),
            timedelta(minutes=15),
        ]
        for row in db.scalars(select(SignInAttempt)):  # the wait has passed
            row.at -= timedelta(minutes=1)
    assert _attempt(app, "sue", PASSWORD, "203.0.113.7") == 303


def test_f7_one_client_spraying_many_accounts_is_slowed(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    results = [_attempt(app, f"user{n}", "guess", "192.0.2.9") for n in range(22)]
    assert results[:20] == [401] * 20 and results[-1] == 429
    assert _attempt(app, "ana", PASSWORD, "10.0.0.8") == 303


def test_f7_behind_a_trusted_proxy_the_users_address_and_https_count(tmp_path: Path) -> None:
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    app, _ = make_app(tmp_path)
    proxied = ProxyHeadersMiddleware(app, trusted_hosts=["10.0.0.1"])
    browser = TestClient(proxied, base_url="http://lantern.internal", client=("10.0.0.1", 5000))
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.50"}
    page = browser.get("/sign-in", headers=forwarded)
    assert page.headers["strict-transport-security"].startswith("max-age=")
    # The client speaks plain HTTP to the proxy's back end: carry the Secure cookie by hand.
    browser.cookies.set("__Host-lantern_pre", page.cookies["__Host-lantern_pre"])
    response = browser.post(
        "/sign-in",
        data={"username": "ana", "password": "wrong password", "csrf_token": csrf_of(page.text)},
        headers=forwarded,
    )
    assert response.status_code == 401
    with app.state.lantern.session() as db:
        assert [a.client for a in db.scalars(select(SignInAttempt))] == ["203.0.113.50"]


def test_f7_serve_passes_the_proxys_address_to_uvicorn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    from lantern.cli import main

    county = fresh_county(tmp_path)
    monkeypatch.setenv("LANTERN_STORE", str(county.path))
    monkeypatch.setenv("LANTERN_DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    monkeypatch.setenv("LANTERN_SECRET_KEY", SECRET)
    monkeypatch.setenv("LANTERN_AUDIT_KEY", AUDIT_KEY)
    seen: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: seen.update(options))
    args = ["serve", "--port", "0", "--no-warm", "--forwarded-allow-ips", "10.0.0.1"]
    assert main(args) == 0
    assert seen["forwarded_allow_ips"] == "10.0.0.1" and seen["proxy_headers"] is True


# 8. Demo mode only over what `make demo` built -------------------------------------------------
def test_f8_demo_mode_refuses_a_store_make_demo_did_not_build(tmp_path: Path) -> None:
    from lantern.app.web import create_app
    from lantern.errors import ConfigError
    from lantern.settings import load_settings

    county = fresh_county(tmp_path)
    url = f"sqlite:///{tmp_path / 'demo-app.db'}"
    demo = load_settings({}, store=county.path, database_url=url, demo=True)
    with pytest.raises(ConfigError, match="not built by `make demo`"):
        create_app(demo)
    from lantern.app.demo import write_marker  # what scripts/demo.sh runs after its build

    write_marker(county.path, url)
    elsewhere = load_settings(
        {}, store=county.path, database_url=f"sqlite:///{tmp_path / 'real.db'}", demo=True
    )
    with pytest.raises(ConfigError, match="not the one `make demo` made"):
        create_app(elsewhere)
    app = create_app(demo)  # the demo's own store and database
    assert TestClient(app).get("/sign-in").status_code == 200
    assert (tmp_path / "demo-audit.key").exists()


def test_f8_demo_account_resets_are_audited(tmp_path: Path) -> None:
    from lantern.app.demo import ensure_demo_users

    app, _ = make_app(tmp_path)
    with app.state.lantern.session() as db:
        ensure_demo_users(db)
        ensure_demo_users(db)
    added = [e.subject for e in _actions(app, "user_added") if e.actor == "demo"]
    reset = [e.subject for e in _actions(app, "password_reset") if e.actor == "demo"]
    assert "analyst" in added and sorted(added) == sorted(reset)


# 9. Audit gaps ----------------------------------------------------------------------------------
def test_f9_the_queue_the_network_graph_and_the_users_page_are_audited(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    analyst = signed_in(app, "ana")
    assert analyst.get("/alerts").status_code == 200
    assert analyst.get(f"/networks/{county.network}/graph.json").status_code == 200
    assert signed_in(app, "adm").get("/admin/users").status_code == 200
    [queue] = _actions(app, "view_alerts_queue")
    assert queue.actor == "ana" and f"child:{county.kayleigh}" in json.loads(queue.detail)["shown"]
    [graph] = _actions(app, "view_network_graph")
    assert (graph.actor, graph.subject) == ("ana", county.network)
    [users] = _actions(app, "view_users")
    assert users.actor == "adm"
    with app.state.lantern.session() as db:
        assert audit.verify(db).ok
