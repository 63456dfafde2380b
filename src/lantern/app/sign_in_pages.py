"""Signing in and out, and the home page that sends each role to its first page."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from lantern.app import accounts, audit
from lantern.app.context import (
    current_user,
    delete_cookie,
    require_csrf,
    session_cookie,
    set_cookie,
    state_of,
)
from lantern.app.security import PRE_SESSION_COOKIE, SESSION_COOKIE
from lantern.app.templating import render

router = APIRouter()


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _safe_next(target: str | None) -> str:
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/sign-in")
def sign_in_page(request: Request, next: str = "/") -> Response:
    return render(request, "sign_in.html", next=_safe_next(next), errors={}, username="")


@router.post("/sign-in")
def sign_in(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    next: str = Form("/"),
    csrf_token: str = Form(""),
) -> Response:
    require_csrf(request, csrf_token)
    state = state_of(request)
    with state.session() as db:
        try:
            user = accounts.sign_in(
                db, username.strip(), password, _client(request), state.throttle
            )
        except (accounts.SignInThrottled, accounts.SignInRefused) as error:
            throttled = isinstance(error, accounts.SignInThrottled)
            audit.record(
                db,
                username.strip()[:80] or "(blank)",
                "sign_in_throttled" if throttled else "sign_in_failed",
                "",
                client=_client(request),
            )
            db.commit()
            return render(
                request,
                "sign_in.html",
                429 if throttled else 401,
                next=_safe_next(next),
                errors={"password": str(error)},
                username=username,
            )
        state.sessions.purge_expired(db)
        cookie = state.sessions.start(db, user)
        audit.record(db, user.username, "sign_in", "", client=_client(request))
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_cookie(response, request, SESSION_COOKIE, cookie, samesite="lax")
    delete_cookie(response, request, PRE_SESSION_COOKIE)
    return response


@router.post("/sign-out")
def sign_out(request: Request, csrf_token: str = Form("")) -> Response:
    require_csrf(request, csrf_token)
    state = state_of(request)
    with state.session() as db:
        user = state.sessions.user(db, session_cookie(request))
        state.sessions.end(db, session_cookie(request))
        if user:
            audit.record(db, user.username, "sign_out", "")
    response = RedirectResponse("/sign-in", status_code=303)
    delete_cookie(response, request, SESSION_COOKIE)
    return response


@router.get("/")
def home(request: Request) -> Response:
    state = state_of(request)
    with state.session() as db:
        user = current_user(request, db, "home")
        for page, href in (
            ("alerts", "/alerts"),
            ("users", "/admin/users"),
            ("audit", "/admin/audit"),
        ):
            if state.policy.allows(user.role, page):
                return RedirectResponse(href, status_code=303)
        return RedirectResponse("/search", status_code=303)
