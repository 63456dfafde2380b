"""Administration: accounts (admin role) and the audit log (auditor role), separate duties.

An admin manages accounts and sees no child's data nor the audit log; granting a role that reads
records or the log waits for a second admin (accounts.NEEDS_APPROVAL). An auditor reads the log
with the personal details in each entry (search terms, reasons given, rationales) withheld; one
entry's details open on purpose, and that view is itself an audit entry.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lantern.app import accounts, audit
from lantern.app.context import NotFound, current_user, require_csrf, state_of
from lantern.app.models import AuditEntry, User
from lantern.app.policy import ROLES
from lantern.app.templating import render
from lantern.errors import UserError

router = APIRouter()
AGENCIES = ("police", "social_care", "health", "education")
CHANGES = {
    "approve": "approved",
    "disable": "disabled",
    "enable": "enabled",
    "reset-password": "given a new password",
    "sessions-end": "signed out everywhere",
}
# Detail keys shown in the list: what happened, never what was searched for or written.
PLAIN_DETAIL = {
    "action", "agency", "alert_id", "available", "band", "category", "child_agencies", "edges",
    "format", "kind", "least", "members", "nodes", "outcome", "page", "paths", "reason",
    "results", "role", "score", "scope", "sessions_ended", "shown", "sort", "status", "what",
    "entries", "requested_by", "demo", "entry",
}  # fmt: skip


def _users_page(
    request: Request,
    db: Session,
    errors: dict[str, str],
    form: dict[str, str],
    status_code: int = 200,
    **extra: Any,
) -> Response:
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
        needs_approval=accounts.NEEDS_APPROVAL,
        changes=CHANGES,
        **extra,
    )


@router.get("/admin/users")
def users_page(request: Request) -> Response:
    state = state_of(request)
    with state.session() as db:
        user = current_user(request, db, "users")
        audit.record(db, user.username, "view_users", "")
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
                requested_by=admin.username,
            )
        except UserError as error:
            return _users_page(request, db, {"username": str(error)}, form, 400)
        audit.record(
            db,
            admin.username,
            "user_requested" if user.pending else "user_added",
            user.username,
            role=role,
            agency=agency,
        )
        done = "requested" if user.pending else "added"
    return RedirectResponse(f"/admin/users?{done}=" + username.strip(), status_code=303)


@router.post("/admin/users/{username}/{change}")
def change_user(
    request: Request, username: str, change: str, csrf_token: str = Form("")
) -> Response:
    require_csrf(request, csrf_token)
    if change not in CHANGES:
        raise NotFound("change of that kind")
    state = state_of(request)
    password = None
    with state.session() as db:
        admin = current_user(request, db, "change_user")
        try:
            if change == "approve":
                accounts.approve(db, admin.username, username)
            elif change == "disable":
                accounts.disable(db, admin.username, username)
            elif change == "enable":
                accounts.enable(db, admin.username, username)
            elif change == "reset-password":
                password = accounts.reset_password(db, admin.username, username)
            else:
                accounts.sessions_end(db, admin.username, username)
        except UserError as error:
            db.rollback()
            return _users_page(request, db, {"username": str(error)}, {}, 400)
        if password is not None:
            # Shown once, to the admin who reset it, to pass on by a separate channel.
            return _users_page(
                request, db, {}, {}, new_password={"username": username, "password": password}
            )
    return RedirectResponse(f"/admin/users?{change}={username}", status_code=303)


def _redacted(detail: str) -> list[tuple[str, str]]:
    """An entry's detail with personal values withheld (search terms, reasons' text, names)."""
    try:
        data = json.loads(detail or "{}")
    except ValueError:
        return [("detail", "withheld")]
    out = []
    for key, value in sorted(data.items()):
        shown = value if key in PLAIN_DETAIL else ("withheld" if value not in ("", None) else "")
        out.append((key, shown if isinstance(shown, str) else json.dumps(shown)))
    return out


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
        check = audit.verify(db, state.settings.audit_anchor)
        total = db.scalar(select(func.count()).select_from(AuditEntry))
        audit.record(db, user.username, "view_audit_log", "", who=actor, what=action)
    rows: list[dict[str, Any]] = [{"entry": e, "detail": _redacted(e.detail)} for e in entries]
    return render(
        request, "audit.html", rows=rows, check=check, total=total, actor=actor, action=action
    )


@router.get("/admin/audit/{entry_id}")
def audit_entry_page(request: Request, entry_id: int) -> Response:
    """One entry in full, personal details included: opened on purpose, and audited."""
    state = state_of(request)
    with state.session() as db:
        user = current_user(request, db, "audit_entry")
        entry = db.get(AuditEntry, entry_id)
        if entry is None:
            raise NotFound("audit entry with that number")
        audit.record(db, user.username, "view_audit_detail", str(entry_id), entry=entry_id)
    try:
        detail = sorted(json.loads(entry.detail or "{}").items())
    except ValueError:
        detail = [("detail", entry.detail)]
    return render(request, "audit_entry.html", entry=entry, detail=detail)
