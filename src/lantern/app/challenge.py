"""Challenged access: a reason before a child's record outside one's agency and caseload opens.

A user of a challenged role (`access_reasons.yaml`) who opens a child none of whose records their
agency holds, and whose alert is not assigned to them, is asked first for a reason (a list and
free text). The reason is an `access_reason` entry in the hash-chained audit log, and that entry
is also the permission: it covers the same child for the same user for `valid_hours`. The
supervisors' report reads the same entries.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from lantern.app import audit
from lantern.app.context import NotFound, current_user, require_csrf, state_of
from lantern.app.models import Alert, AuditEntry, Decision, User
from lantern.app.store_reader import Person
from lantern.app.templating import render
from lantern.config_files import read_mapping

REASONS_FILE = Path(__file__).resolve().parent / "access_reasons.yaml"
ACTION = "access_reason"
MIN_DETAIL = 10
router = APIRouter()


@dataclass(frozen=True)
class Rules:
    roles: frozenset[str]
    valid_hours: int
    reasons: dict[str, str]


@cache
def rules() -> Rules:
    raw = read_mapping(REASONS_FILE, "access reasons file")
    return Rules(frozenset(raw["challenged_roles"]), int(raw["valid_hours"]), raw["reasons"])


def outside_caseload(db: Session, user: User, person: Person) -> bool:
    """Whether this child is outside the user's agency and caseload (for a challenged role)."""
    if user.role not in rules().roles:
        return False
    if user.agency and user.agency in person.agencies:
        return False
    # Allocated by someone else: assigning the alert to oneself is not a way round the question.
    allocated = db.scalar(
        select(Alert.id)
        .join(Decision, Decision.alert_id == Alert.id)
        .where(
            Alert.subject_kind == "child",
            Alert.subject_id == person.person_id,
            Alert.assigned_to == user.username,
            Decision.action == "assign",
            Decision.outcome == user.username,
            Decision.decided_by != user.username,
        )
        .limit(1)
    )
    return allocated is None


def has_reason(db: Session, user: User, person_id: str) -> bool:
    since = datetime.now() - timedelta(hours=rules().valid_hours)
    found = db.scalar(
        select(AuditEntry.id)
        .where(
            AuditEntry.actor == user.username,
            AuditEntry.action == ACTION,
            AuditEntry.subject == person_id,
            AuditEntry.at >= since,
        )
        .limit(1)
    )
    return found is not None


def ask_reason(request: Request, db: Session, user: User, person: Person) -> Response | None:
    """The hook for the child's page: a redirect to the reason form, or None to go on."""
    if not outside_caseload(db, user, person) or has_reason(db, user, person.person_id):
        return None
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(
        f"/children/{quote(person.person_id, safe='')}/reason?next={quote(target, safe='')}",
        status_code=303,
    )


def _next_for(person_id: str, target: str, db: Session | None = None) -> str:
    """Only back to this person's own page, or the alert about them (never an open redirect)."""
    own = f"/children/{person_id}"
    for page in (own, f"/adults/{person_id}"):
        if target == page or target.startswith(page + "?"):
            return target
    if db is not None and re.fullmatch(r"/alerts/[0-9]{1,9}", target):
        alert = db.get(Alert, int(target.rsplit("/", 1)[1]))
        if alert is not None and alert.subject_kind == "child" and alert.subject_id == person_id:
            return target
    return own


def _form(
    request: Request,
    person: Person,
    next_url: str,
    errors: dict[str, str],
    form: dict[str, str],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "challenge_reason.html",
        status_code,
        person=person,
        next_url=next_url,
        errors=errors,
        form=form,
        reasons=rules().reasons,
    )


@router.get("/children/{person_id}/reason")
def reason_page(request: Request, person_id: str, next: str = "") -> Response:
    state = state_of(request)
    person = state.analytics.person(person_id)
    with state.session() as db:
        user = current_user(request, db, "access_reason")
        if person is None:
            raise NotFound("child with that id")
        # The form names the child: asking is audited too, so a question left unanswered shows.
        audit.record(db, user.username, "asked_access_reason", person_id)
        next_url = _next_for(person_id, next, db)
    return _form(request, person, next_url, {}, {})


@router.post("/children/{person_id}/reason")
def give_reason(
    request: Request,
    person_id: str,
    reason: str = Form(""),
    detail: str = Form(""),
    next: str = Form(""),
    csrf_token: str = Form(""),
) -> Response:
    require_csrf(request, csrf_token)
    state = state_of(request)
    with state.session() as db:
        user = current_user(request, db, "give_access_reason")
        next_url = _next_for(person_id, next, db)
        person = state.analytics.person(person_id)
        if person is None:
            raise NotFound("child with that id")
        errors = {}
        if reason not in rules().reasons:
            errors["reason"] = "Choose why you need to open this record"
        if len(detail.strip()) < MIN_DETAIL:
            errors["detail"] = "Say in a few words why (for example, the referral or meeting)"
        if errors:
            form = {"reason": reason, "detail": detail}
            return _form(request, person, next_url, errors, form, 400)
        audit.record(
            db,
            user.username,
            ACTION,
            person_id,
            reason=reason,
            detail=detail.strip(),
            role=user.role,
            agency=user.agency,
            child_agencies=person.agencies,
        )
    return RedirectResponse(next_url, status_code=303)


@router.get("/challenged-access")
def challenged_access_report(request: Request, who: str = "", reason: str = "") -> Response:
    state = state_of(request)
    with state.session() as db:
        viewer = current_user(request, db, "challenged_access")
        entries = db.scalars(
            select(AuditEntry).where(AuditEntry.action == ACTION).order_by(AuditEntry.id.desc())
        ).all()
        audit.record(db, viewer.username, "view_challenged_access", "", who=who)
    rows: list[dict[str, Any]] = []
    for entry in entries:
        detail = json.loads(entry.detail or "{}")
        rows.append(
            {
                "at": entry.at,
                "actor": entry.actor,
                "subject": entry.subject,
                "reason": detail.get("reason", ""),
                "reason_text": rules().reasons.get(detail.get("reason", ""), detail.get("reason")),
                "detail": detail.get("detail", ""),
                "agency": detail.get("agency"),
            }
        )
    by_user = Counter(r["actor"] for r in rows)
    by_pair = Counter((r["actor"], r["reason"]) for r in rows)
    shown = [
        r for r in rows if (not who or r["actor"] == who) and (not reason or r["reason"] == reason)
    ]
    people = state.analytics.people(sorted({r["subject"] for r in shown[:200]}))
    return render(
        request,
        "challenge_report.html",
        rows=shown[:200],
        total=len(shown),
        by_user=by_user.most_common(),
        by_pair=sorted(by_pair.items(), key=lambda item: (item[0][0], -item[1])),
        reasons=rules().reasons,
        people=people,
        who=who,
        reason=reason,
    )
