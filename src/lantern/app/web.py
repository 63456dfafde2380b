"""The FastAPI application: the factory, middleware, error pages and warm-up.

`create_app(settings)` builds everything from the settings it is given (nothing at import time):
the operational store (migrated to head), the read-only analytical store, the session signer
and the access policy. Imports go one way: `context.py` (state, the signed-in user, CSRF) <
`templating.py` (Jinja, `render`) < the page modules (`sign_in_pages.py`, `alert_pages.py`,
`search_page.py`, `mace_pages.py`, `people_pages.py`, `admin_pages.py`, …) < this module, which
includes their routers.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lantern.app import accounts, alerts, audit, database
from lantern.app.context import AppState, Forbidden, NotFound, NotSignedIn
from lantern.app.live import LiveStore, PinGeneration
from lantern.app.policy import default_policy
from lantern.app.security import SECURITY_HEADERS, CsrfError, Sessions, checked_secret
from lantern.app.store_reader import Analytics
from lantern.app.templating import STATIC, build_templates, render
from lantern.errors import UserError
from lantern.settings import Settings

log = logging.getLogger("lantern.app")


def served_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every (path, method) the app answers, looking inside included routers."""

    def walk(routes: list[Any]) -> Iterator[tuple[str, str]]:
        for route in routes:
            inner = getattr(route, "original_router", None)
            if inner is not None:
                yield from walk(inner.routes)
                continue
            for method in getattr(route, "methods", None) or []:
                yield route.path, method

    return sorted(set(walk(list(app.routes))))


def warm_up(state: AppState) -> int:
    """Build the path finder's graph and fill the per-person memo for every child with an open
    alert (run in the background by `lantern serve`), so the first analyst to find a path and
    the first practitioner to open a child do not wait for DuckDB."""
    from sqlalchemy import select

    from lantern.app.models import Alert

    with state.session() as db:
        ids = list(
            db.scalars(
                select(Alert.subject_id)
                .where(Alert.subject_kind == "child", Alert.status.in_(alerts.OPEN_STATUSES))
                .order_by(Alert.score.desc())
            )
        )
    analytics = state.analytics
    try:  # the path finder's graph, built once per app (seconds on a county-sized store)
        from lantern.app.workbench_pages import warm_graph_view

        warm_graph_view(analytics)
    except Exception:  # no graph in the store, or the store was closed: the page will say so
        log.info("warm-up: the path finder's graph was not built")
    done = 0
    for person_id in ids:
        try:
            person = analytics.person(person_id)
            if person is None:
                continue
            analytics.chronology(person)
            analytics.language_findings(person)
            analytics.links(person_id)
            analytics.score_history(person_id)
            analytics.score_reasons(person_id)
            analytics.clock_events_of(person)
        except Exception:  # the store was closed (the app is stopping): stop quietly
            log.info("warm-up stopped after %d children", done)
            return done
        done += 1
    log.info("warm-up done: %d children", done)
    return done


def create_app(
    settings: Settings,
    *,
    throttle: accounts.Throttle | None = None,
    sync_alerts: bool = True,
) -> FastAPI:
    if settings.demo:
        from lantern.app.demo import check_marker

        check_marker(settings)  # demo mode only over the store and database `make demo` made
    secret = checked_secret(settings.secret_key, settings.demo)
    audit_key = audit.load_key(settings)
    if not (STATIC / "vendor" / "govuk" / "govuk-frontend.min.css").exists():
        log.warning("the web assets are not built (run `make assets`): pages will have no styling")
    engine = database.make_engine(settings.database_url)
    database.migrate(engine)
    live = LiveStore(
        settings.store,
        lambda path: Analytics(path, threads=settings.threads, memory_limit=settings.memory_limit),
    )
    state = AppState(
        settings=settings,
        db=database.session_factory(engine, audit_key),
        live=live,
        sessions=Sessions(secret),
        policy=default_policy(),
        templates=build_templates(),
        throttle=throttle or accounts.Throttle(),
        serialise=threading.RLock() if engine.dialect.name == "sqlite" else None,
    )
    from lantern.app.most_connected import stats_of  # the workbench's figures on people's pages

    state.templates.env.globals["graph_stats_of"] = lambda node_id: state.analytics.memoised(
        ("graph_stats", node_id), lambda: stats_of(state.analytics, node_id)
    )
    with state.session() as db:
        audit.require_keyed(db)
        purged = state.sessions.purge_expired(db)
        if purged:
            log.info("expired sessions removed: %d", purged)
    if sync_alerts:
        with state.session() as db:
            summary = alerts.sync(db, live.current)
            log.info("alerts synced: %s", summary)

    def synced(fresh: Analytics) -> None:
        """A new generation's alerts reach the queue before its first page is served."""
        with state.session() as db:
            log.info("alerts synced from the new generation: %s", alerts.sync(db, fresh))

    live.on_switch = synced

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI):  # type: ignore[no-untyped-def]
        import anyio.to_thread

        # Pages run in a thread pool. Python runs one thread at a time (the GIL), and a thread
        # holding the SQLite lock waits for the GIL after every statement, so many runnable
        # threads make lock holders queue behind page rendering: a few threads serve more.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.web_threads
        # A run that finishes while the app serves switches the store's link: look every few
        # seconds and move to the new generation (`app/live.py`).
        stop = threading.Event()
        live.watch(stop, settings.refresh_seconds)
        yield
        stop.set()
        live.close()
        engine.dispose()

    app = FastAPI(
        title="Lantern", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.state.lantern = state

    app.add_middleware(PinGeneration, live=lambda: state.live)
    app.add_middleware(SecureHeaders)

    @app.exception_handler(NotSignedIn)
    async def _not_signed_in(request: Request, _exc: NotSignedIn) -> Response:
        if request.url.path.endswith(".json"):
            return JSONResponse({"error": "not signed in"}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/sign-in?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, _exc: Forbidden) -> Response:
        if request.url.path.endswith(".json"):
            return JSONResponse({"error": "forbidden"}, status_code=403)
        return render(
            request,
            "error.html",
            403,
            title="You do not have access to this page",
            message=str(_exc)
            or "Your role does not give access to this page. If you need it, ask your "
            "Lantern administrator.",
        )

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        return render(
            request, "error.html", 404, title="Page not found", message=f"There is no {exc.what}."
        )

    @app.exception_handler(CsrfError)
    async def _csrf(request: Request, exc: CsrfError) -> Response:
        return render(request, "error.html", 400, title="Form expired", message=str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        title = "Page not found" if exc.status_code == 404 else "Something went wrong"
        return render(request, "error.html", exc.status_code, title=title, message=str(exc.detail))

    @app.exception_handler(UserError)
    async def _user_error(request: Request, exc: UserError) -> Response:
        return render(request, "error.html", 400, title="There is a problem", message=str(exc))

    from lantern.app import (
        admin_pages,
        alert_pages,
        evidence_pages,
        mace_pages,
        people_pages,
        search_page,
        sign_in_pages,
        thing_pages,
    )
    from lantern.app.challenge import router as challenge_router
    from lantern.app.review_pages import router as review_router
    from lantern.app.workbench_pages import router as workbench_router

    app.include_router(sign_in_pages.router)
    app.include_router(alert_pages.router)
    app.include_router(search_page.router)
    app.include_router(mace_pages.router)
    app.include_router(people_pages.router)
    app.include_router(thing_pages.router)
    app.include_router(evidence_pages.router)
    app.include_router(admin_pages.router)
    app.include_router(workbench_router)
    app.include_router(challenge_router)
    app.include_router(review_router)
    app.mount(
        "/assets",
        StaticFiles(directory=STATIC / "vendor" / "assets", check_dir=False),
        name="assets",
    )
    app.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")
    return app


class SecureHeaders:
    """Adds the security headers to every response (plain ASGI: no per-request task or stream)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith(("/static/", "/assets/"))
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name == "Cache-Control" and static:
                        headers[name] = "public, max-age=3600"
                        continue
                    headers.setdefault(name, value)
                if https:
                    headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def app_for_worker() -> FastAPI:
    """The app in one of `lantern serve --workers N`'s processes (uvicorn calls this factory).

    The parent process has migrated the store, synced the alerts and fixed one secret, all
    passed in the environment.
    """
    import os
    import threading

    from lantern.settings import load_settings

    app = create_app(load_settings(), sync_alerts=False)
    if os.environ.get("LANTERN_APP_WARM") == "1":
        state = app.state.lantern
        threading.Thread(target=warm_up, args=(state,), daemon=True).start()
        state.live.after_switch = lambda: threading.Thread(
            target=warm_up, args=(state,), daemon=True
        ).start()  # each new store generation a run makes, too
    return app
