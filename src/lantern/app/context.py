"""What a page knows about its request: the app's state, the signed-in user and the form's token.

The lowest layer of the web app: page modules (`pages.py`, `people_pages.py`, …) and the factory
(`web.py`) import from here, never the other way round.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session, sessionmaker

from lantern.app import accounts, audit
from lantern.app.live import LiveStore, pinned
from lantern.app.models import User
from lantern.app.policy import Policy
from lantern.app.security import PRE_SESSION_COOKIE, SESSION_COOKIE, Sessions, cookie_name
from lantern.app.store_reader import Analytics, Memo
from lantern.settings import Settings


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
    live: LiveStore  # the store generation served, and the one each request reads
    sessions: Sessions
    policy: Policy
    templates: Jinja2Templates
    throttle: accounts.Throttle = field(default_factory=accounts.Throttle)
    demo_logins: list[tuple[str, str, str]] = field(default_factory=list)
    # SQLite has one writer at a time and its busy handler waits in sleeps of up to 100 ms;
    # queueing this process's sessions on a lock instead keeps waits short and fair.
    serialise: threading.RLock | None = None

    @property
    def analytics(self) -> Analytics:
        """The store generation this request reads (pinned when it started: `app/live.py`),
        or outside a request the one current now."""
        return pinned.get() or self.live.current

    @analytics.setter
    def analytics(self, analytics: Analytics) -> None:
        self.live.replace(analytics)

    @property
    def pages(self) -> Memo:
        """Rendered parts of pages that come only from the analytical store (see child_page):
        kept per generation, so a new one never shows an older one's."""
        return self.analytics.pages

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


def csrf_cookie(request: Request) -> str | None:
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
    state_of(request).sessions.check_csrf(csrf_cookie(request), submitted)


def clocks_now(state: Any) -> datetime:
    """The time clocks run to: now, or the end of the store's as-of date if that is earlier."""
    now = datetime.now()
    as_of = state.analytics.as_of()
    if as_of is not None:
        end_of_as_of = datetime.combine(as_of, datetime.max.time())
        return min(now, end_of_as_of)
    return now
