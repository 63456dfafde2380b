"""The FastAPI application: state, middleware, templates and error pages.

`create_app(settings)` builds everything from the settings it is given (nothing at import time):
the operational store (migrated to head), the read-only analytical store, the session signer
and the access policy. Pages live in `pages.py`, `people_pages.py` and `admin_pages.py`.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    select_autoescape,
)
from markupsafe import Markup
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lantern.app import accounts, alerts, audit, database
from lantern.app.analytics import Analytics, Memo
from lantern.app.models import User
from lantern.app.policy import Policy, default_policy
from lantern.app.security import (
    PRE_SESSION_COOKIE,
    SECURITY_HEADERS,
    SESSION_COOKIE,
    CsrfError,
    Sessions,
    checked_secret,
    cookie_name,
)
from lantern.errors import UserError
from lantern.settings import Settings

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
log = logging.getLogger("lantern.app")


@dataclass(frozen=True)
class Viewer:
    """The signed-in user as pages see them: a snapshot, safe after the session closes."""

    username: str
    display_name: str
    role: str
    agency: str | None


class NotSignedIn(Exception):
    pass


class Forbidden(Exception):
    pass


class NotFound(Exception):
    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


@dataclass
class AppState:
    settings: Settings
    db: sessionmaker[Session]
    analytics: Analytics
    sessions: Sessions
    policy: Policy
    templates: Jinja2Templates
    throttle: accounts.Throttle = field(default_factory=accounts.Throttle)
    demo_logins: list[tuple[str, str, str]] = field(default_factory=list)
    # Rendered parts of pages that come only from the analytical store (see child_page).
    pages: Memo = field(default_factory=lambda: Memo(size=1000))
    # SQLite has one writer at a time and its busy handler waits in sleeps of up to 100 ms;
    # queueing this process's sessions on a lock instead keeps waits short and fair.
    serialise: threading.RLock | None = None

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        if self.serialise is not None:
            self.serialise.acquire()
        db = self.db()
        try:
            yield db
            db.commit()
        except BaseException:
            db.rollback()
            raise
        finally:
            db.close()
            if self.serialise is not None:
                self.serialise.release()


def state_of(request: Request) -> AppState:
    return request.app.state.lantern  # type: ignore[no-any-return]


def _https(request: Request) -> bool:
    return request.url.scheme == "https"


def session_cookie(request: Request) -> str | None:
    """This browser's session cookie (over HTTPS only the `__Host-` one counts)."""
    return request.cookies.get(cookie_name(SESSION_COOKIE, _https(request)))


def pre_session_cookie(request: Request) -> str | None:
    return request.cookies.get(cookie_name(PRE_SESSION_COOKIE, _https(request)))


def set_cookie(response: Response, request: Request, base: str, value: str, **options: Any) -> None:
    """Set one of Lantern's cookies: HttpOnly, Path=/, and Secure with the `__Host-` prefix
    over HTTPS (directly, or behind a proxy trusted with `serve --forwarded-allow-ips`)."""
    response.set_cookie(
        cookie_name(base, _https(request)),
        value,
        httponly=True,
        secure=_https(request),
        path="/",
        **options,
    )


def delete_cookie(response: Response, request: Request, base: str) -> None:
    response.delete_cookie(
        cookie_name(base, _https(request)), path="/", secure=_https(request), httponly=True
    )


def current_user(request: Request, db: Session, page: str) -> User:
    """The signed-in user, if the policy lets their role open `page`; otherwise raise."""
    state = state_of(request)
    user = state.sessions.user(db, session_cookie(request))
    if user is None:
        raise NotSignedIn()
    request.state.user = Viewer(user.username, user.display_name, user.role, user.agency)
    if page != "home" and not state.policy.allows(user.role, page):
        audit.record(db, user.username, "refused", str(request.url.path), page=page, role=user.role)
        db.commit()
        raise Forbidden()
    return user


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


def _csrf_cookie(request: Request) -> str | None:
    """The cookie a form's token is bound to: the session's while it is live, and only before
    sign-in (no session, or one that has ended) the pre-session cookie."""
    state = state_of(request)
    cookie = session_cookie(request)
    if cookie:
        with state.session() as db:
            if state.sessions.user(db, cookie) is not None:
                return cookie
    return pre_session_cookie(request)


def require_csrf(request: Request, submitted: str | None) -> None:
    """The form's token must be bound to this browser's live session; a pre-session cookie and
    token are accepted only when there is none (the sign-in form)."""
    state_of(request).sessions.check_csrf(_csrf_cookie(request), submitted)


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    state = state_of(request)
    user = getattr(request.state, "user", None)
    cookie = session_cookie(request) if user else _csrf_cookie(request)
    new_pre = None
    if user is None and not cookie:
        new_pre = cookie = state.sessions.new_pre_session()
    context.update(
        request=request,
        user=user,
        csrf_token=state.sessions.csrf_token(cookie),
        can=lambda page: user is not None and state.policy.allows(user.role, page),
        nav=_navigation(request, user, state.policy),
        demo=state.settings.demo,
    )
    response = state.templates.TemplateResponse(request, template, context, status_code=status_code)
    if new_pre:
        set_cookie(response, request, PRE_SESSION_COOKIE, new_pre, samesite="strict", max_age=3600)
    return response


NAVIGATION = (
    ("alerts", "/alerts", "Alerts"),
    ("search", "/search", "Search"),
    ("mace", "/mace", "MACE pack"),
    ("most_connected", "/workbench/connected", "Most connected"),
    ("find_path", "/workbench/path", "Find the path"),
    ("hotspots", "/workbench/places", "Places"),
    ("review", "/review", "Review"),
    ("challenged_access", "/challenged-access", "Challenged access"),
    ("users", "/admin/users", "Users"),
    ("audit", "/admin/audit", "Audit log"),
)


def _navigation(request: Request, user: User | None, policy: Policy) -> list[dict[str, Any]]:
    if user is None:
        return []
    path = request.url.path
    return [
        {"href": href, "text": text, "active": path.startswith(href)}
        for page, href, text in NAVIGATION
        if policy.allows(user.role, page)
    ]


def _date(value: Any, fmt: str = "%d %b %Y") -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime | date):
        return value.strftime(fmt)
    return str(value)


# Words of an identifier that are read as letters ("ed_attendance" is an ED attendance).
ACRONYMS = {"ed": "ED", "gp": "GP", "sti": "STI", "cp": "CP", "nfa": "NFA", "mash": "MASH"}


def _label(value: Any) -> str:
    words = str(value or "").replace("_", " ").split(" ")
    return " ".join(ACRONYMS.get(word, word) for word in words)


def _sentence(value: Any) -> str:
    """The first letter capitalised and the rest left alone (Jinja's `capitalize` lowers it)."""
    text = str(value or "")
    return text[:1].upper() + text[1:]


# How each kind of link reads on a page: what the records show, never a finding about a person
# (Lantern ranks and explains; a person decides). Kinds are graph_edges.kind (docs/graph.md).
LINK_KINDS = {
    "suspect_of": "named as suspect in a record about the child",
    "co_event": "in the same record",
    "with_thing": "recorded with",
    "text_mention": "named in a narrative",
    "shared_thing": "recorded with the same vehicle, phone or handle",
    "at_place": "recorded at the place",
    "same_place": "at the same place within two days",
}


def _link_kind(value: Any) -> str:
    return LINK_KINDS.get(str(value or ""), _label(value))


NOT_ROLES = {"on_record": "on their record", "named_in_narrative": "named in the narrative"}


def _recorded_as(value: Any) -> str:
    """An agency's role for a person in one record ("victim", "suspect/victim"): the record's
    words, shown as such, so the page itself never calls anyone a victim or a suspect."""
    parts = [p.strip() for p in re.split(r"[/,]", str(value or "")) if p.strip() not in ("", "-")]
    if len(parts) == 1 and parts[0] in NOT_ROLES:
        return NOT_ROLES[parts[0]]
    return ("recorded as " + " / ".join(_label(p) for p in parts)) if parts else ""


def _short_reasons(value: Any, count: int = 2, width: int = 150) -> list[str]:
    """The first few of a `;`-separated list of reasons, each cut to `width` characters."""
    reasons = [r.strip() for r in str(value or "").split("; ") if r.strip()]
    return [r if len(r) <= width else r[: width - 1].rstrip() + "…" for r in reasons[:count]]


def _agency(value: Any) -> str:
    if value is None or value == "":
        return ""
    return {
        "social_care": "Children's social care",
        "police": "Police",
        "health": "Health",
        "education": "Education",
    }.get(str(value), _sentence(_label(value)))


BAND_COLOURS = {
    "high": "govuk-tag--red",
    "medium": "govuk-tag--orange",
    "low": "govuk-tag--yellow",
    "none": "govuk-tag--grey",
}
STATUS_COLOURS = {
    "open": "govuk-tag--blue",
    "assigned": "govuk-tag--light-blue",
    "awaiting_sign_off": "govuk-tag--purple",
    "closed": "govuk-tag--grey",
}


def band_tag(band: str | None) -> Markup:
    return Markup('<strong class="govuk-tag {} lantern-band">{}</strong>').format(
        BAND_COLOURS.get(band or "", "govuk-tag--grey"), band or "not scored"
    )


def status_tag(status: str) -> Markup:
    return Markup('<strong class="govuk-tag {}">{}</strong>').format(
        STATUS_COLOURS.get(status, ""), alerts.STATUSES.get(status, status)
    )


def build_templates() -> Jinja2Templates:
    env = Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader(HERE / "templates"),
                PrefixLoader(
                    {"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja", "templates")}
                ),
            ]
        ),
        autoescape=select_autoescape(["html"]),
        auto_reload=False,  # templates ship with the package: no stat() per page
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date"] = _date
    env.filters["datetime"] = lambda v: _date(v, "%d %b %Y %H:%M")
    env.filters["label"] = _label
    env.filters["link_kind"] = _link_kind
    env.filters["sentence"] = _sentence
    env.filters["recorded_as"] = _recorded_as
    env.filters["agency"] = _agency
    env.filters["short_reasons"] = _short_reasons
    env.filters["urlquote"] = lambda v: quote(str(v), safe="")
    env.globals["TRIAGE_OUTCOMES"] = alerts.TRIAGE_OUTCOMES
    env.globals["STATUSES"] = alerts.STATUSES
    env.globals["band_tag"] = band_tag
    env.globals["status_tag"] = status_tag
    return Jinja2Templates(env=env)


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
    analytics = Analytics(
        settings.store, threads=settings.threads, memory_limit=settings.memory_limit
    )
    state = AppState(
        settings=settings,
        db=database.session_factory(engine, audit_key),
        analytics=analytics,
        sessions=Sessions(secret),
        policy=default_policy(),
        templates=build_templates(),
        throttle=throttle or accounts.Throttle(),
        serialise=threading.RLock() if engine.dialect.name == "sqlite" else None,
    )
    from lantern.app.most_connected import stats_of  # the workbench's figures on people's pages

    state.templates.env.globals["graph_stats_of"] = lambda node_id: analytics.memoised(
        ("graph_stats", node_id), lambda: stats_of(analytics, node_id)
    )
    with state.session() as db:
        audit.require_keyed(db)
        purged = state.sessions.purge_expired(db)
        if purged:
            log.info("expired sessions removed: %d", purged)
    if sync_alerts:
        with state.session() as db:
            summary = alerts.sync(db, analytics)
            log.info("alerts synced: %s", summary)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI):  # type: ignore[no-untyped-def]
        import anyio.to_thread

        # Pages run in a thread pool. Python runs one thread at a time (the GIL), and a thread
        # holding the SQLite lock waits for the GIL after every statement, so many runnable
        # threads make lock holders queue behind page rendering: a few threads serve more.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.web_threads
        yield
        analytics.close()
        engine.dispose()

    app = FastAPI(
        title="Lantern", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.state.lantern = state

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

    from lantern.app import admin_pages, pages, people_pages
    from lantern.app.challenge import router as challenge_router
    from lantern.app.review_pages import router as review_router
    from lantern.app.workbench_pages import router as workbench_router

    app.include_router(pages.router)
    app.include_router(people_pages.router)
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
        threading.Thread(target=warm_up, args=(app.state.lantern,), daemon=True).start()
    return app
