"""The viewer's scope on every route that names a child, adult, network or alert.

One rule, the child page's: a role the access policy lets open the page may; a challenged role
(a practitioner, `access_reasons.yaml`) opening a person none of whose records their agency
holds, and who was not allocated to them by someone else, is first asked why (challenge.py).
An alert is a view of its subject: a child's alert asks the same question as the child's page,
and acting on it (assign, triage, sign-off) needs the same scope — so assigning an alert to
oneself is not a way round the question. A network's alert follows the network page's policy.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from lantern.app import audit, challenge
from lantern.app.context import Forbidden
from lantern.app.models import Alert, User


def person_gate(request: Request, db: Session, user: User, person: Any) -> Response | None:
    """The reason form for a person outside the viewer's scope, or None to go on."""
    return challenge.ask_reason(request, db, user, person)


def _forbid(request: Request, db: Session, user: User, what: str, message: str) -> None:
    audit.record(db, user.username, "refused", str(request.url.path), scope=what, role=user.role)
    db.commit()
    raise Forbidden(message)


def alert_gate(
    request: Request, db: Session, user: User, alert: Alert, *, acting: bool = False
) -> Response | None:
    """None when the viewer may see (or, `acting`, act on) this alert; else the reason form to
    answer first (a page), or a refusal (raised)."""
    state = request.app.state.lantern
    if alert.subject_kind == "network":
        if not state.policy.allows(user.role, "network"):
            _forbid(
                request,
                db,
                user,
                "network",
                "Networks are for analysts and supervisors: your role does not open this "
                "network's page, so it does not open or act on its alert either.",
            )
        return None
    person = state.analytics.person(alert.subject_id)
    if person is None or not challenge.outside_caseload(db, user, person):
        return None
    if challenge.has_reason(db, user, person.person_id):
        return None
    if acting:
        _forbid(
            request,
            db,
            user,
            "child",
            "This child is outside your agency's records and your caseload. Open the alert and "
            "say why you need it before you assign, triage or close it.",
        )
    return challenge.ask_reason(request, db, user, person)
