"""Administration: users and the audit log (admin role only)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select

from lantern.app import accounts, audit
from lantern.app.context import current_user, require_csrf, state_of
from lantern.app.models import AuditEntry, User
from lantern.app.policy import ROLES
from lantern.app.templating import render
from lantern.errors import UserError

router = APIRouter()
AGENCIES = ("police", "social_care", "health", "education")


def _users_page(
    request: Request, db, errors: dict[str, str], form: dict[str, str], status_code: int = 200
) -> Response:  # type: ignore[no-untyped-def]
    users = db.scalars(select(User).order_by(User.role, User.username)).all()
    return render(
        request,
        "users.html",
        status_code,
        users=users,
        errors=errors,
        form=form,
        roles=ROLES,
        agencies=AGENCIES,
    )


@router.get("/admin/users")
def users_page(request: Request) -> Response:
    state = state_of(request)
    with state.session() as db:
        current_user(request, db, "users")
        return _users_page(request, db, {}, {})


@router.post("/admin/users")
def add_user(
    request: Request,
    username: str = Form(""),
    display_name: str = Form(""),
    role: str = Form(""),
    agency: str = Form(""),
    password: str = Form(""),
    csrf_token: str = Form(""),
) -> Response:
    require_csrf(request, csrf_token)
    state = state_of(request)
    form = {"username": username, "display_name": display_name, "role": role, "agency": agency}
    with state.session() as db:
        admin = current_user(request, db, "add_user")
        try:
            user = accounts.add_user(
                db,
                username.strip(),
                password,
                role,
                display_name=display_name.strip() or None,
                agency=agency or None,
            )
        except UserError as error:
            return _users_page(request, db, {"username": str(error)}, form, 400)
        audit.record(db, admin.username, "user_added", user.username, role=role, agency=agency)
    return RedirectResponse("/admin/users?added=" + username.strip(), status_code=303)


@router.get("/admin/audit")
def audit_page(request: Request, actor: str = "", action: str = "") -> Response:
    state = state_of(request)
    with state.session() as db:
        user = current_user(request, db, "audit")
        query = select(AuditEntry).order_by(AuditEntry.id.desc())
        if actor:
            query = query.where(AuditEntry.actor == actor)
        if action:
            query = query.where(AuditEntry.action == action)
        entries = db.scalars(query.limit(200)).all()
        check = audit.verify(db)
        total = db.scalar(select(func.count()).select_from(AuditEntry))
        audit.record(db, user.username, "view_audit_log", "", who=actor, what=action)
    return render(
        request, "audit.html", entries=entries, check=check, total=total, actor=actor, action=action
    )
