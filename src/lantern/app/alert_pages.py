"""The alerts queue, one alert's page and the decisions on it (triage, assign, close, sign-off).

`present_alerts` is what the queue shows for each alert; the MACE pack shows the same.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from lantern.app import alerts, audit, clocks, disclosure, scope
from lantern.app.context import NotFound, clocks_now, current_user, require_csrf, state_of
from lantern.app.models import Alert, Decision, User
from lantern.app.policy import ROLES
from lantern.app.templating import render

router = APIRouter()


def present_alerts(state: Any, db: Session, rows: list[Alert], viewer: Any) -> list[dict[str, Any]]:
    """Everything the queue shows for each alert, in a handful of queries for the page."""
    analytics = state.analytics
    child_ids = [a.subject_id for a in rows if a.subject_kind == "child"]
    network_ids = [a.subject_id for a in rows if a.subject_kind == "network"]
    members = analytics.network_members(network_ids)
    people = analytics.people(child_ids)
    events = analytics.clock_events(child_ids)
    now = clocks_now(state)
    first_decisions = {
        alert_id: at
        for alert_id, at in db.execute(
            select(Decision.alert_id, Decision.decided_at)
            .where(Decision.alert_id.in_([a.id for a in rows]), Decision.action == "triage")
            .order_by(Decision.decided_at.desc())
        ).all()
    }
    out = []
    for alert in rows:
        item: dict[str, Any] = {"alert": alert}
        decision_clock = clocks.decision_clock(
            alert.raised_at, first_decisions.get(alert.id), datetime.now()
        )
        item["clocks"] = [decision_clock] if alert.status in ("open", "assigned") else []
        if alert.subject_kind == "child":
            person = people.get(alert.subject_id)
            item["person"] = person
            item["name"] = person.name if person else alert.subject_id
            item["href"] = f"/children/{alert.subject_id}"
            item["age"] = person.age_on(person.as_of or date.today()) if person else None
            item["agencies"] = person.agencies if person else []
            item["reasons"] = analytics.named(
                disclosure.top_reasons(
                    viewer, state.policy, person, lambda pid: analytics.score_reasons(pid)
                )
            )
            item["clocks"] += [
                c
                for c in clocks.record_clocks(events.get(alert.subject_id, []), now)
                if c.state in ("running", "overdue")
            ]
        else:
            # the counts the network's page shows (its assessment), so the two agree
            assessment = analytics.network_assessment(alert.subject_id) or {}
            ms = members.get(alert.subject_id, [])
            kids = assessment.get("child_count")
            adults = assessment.get("adult_count")
            if kids is None or adults is None:
                kids = sum(1 for m in ms if m.get("kind") == "child")
                adults = sum(1 for m in ms if m.get("kind") == "adult")
            item["name"] = f"Network {alert.subject_id}"
            item["href"] = f"/networks/{alert.subject_id}"
            item["age"] = None
            item["agencies"] = analytics.network_agencies(alert.subject_id)
            item["reasons"] = (
                f"{kids} child{'ren' if kids != 1 else ''} and "
                f"{adults} adult{'s' if adults != 1 else ''} linked"
            )
        out.append(item)
    return out


@router.get("/alerts")
def alerts_page(request: Request, status: str = "active", page: int = 1) -> Response:
    state = state_of(request)
    with state.session() as db:
        user = current_user(request, db, "alerts")
        # A network's alert is listed only to roles that may open the network (scope.py).
        kinds = ("child", "network") if state.policy.allows(user.role, "network") else ("child",)
        rows = alerts.queue(db, status, page, kinds=kinds)
        items = present_alerts(state, db, rows, request.state.user)
        counts = alerts.counts(db, kinds=kinds)
        total = alerts.total(counts, status)
        # The queue names children, their ages and the reasons: a view of their records.
        audit.record(
            db,
            user.username,
            "view_alerts_queue",
            "",
            status=status,
            page=page,
            shown=[f"{a.subject_kind}:{a.subject_id}" for a in rows],
        )
    pages = max(1, -(-total // 25))
    return render(
        request,
        "alerts.html",
        items=items,
        status=status,
        total=total,
        page=page,
        pages=pages,
        counts=counts,
        as_of=state.analytics.as_of(),
    )


def _alert(db: Session, alert_id: int) -> Alert:
    alert = db.get(Alert, alert_id)
    if alert is None:
        raise NotFound("alert with that number")
    return alert


def _alert_page(
    request: Request,
    db: Session,
    alert: Alert,
    errors: dict[str, str],
    status_code: int = 200,
    form: dict[str, str] | None = None,
) -> Response:
    state = state_of(request)
    item = present_alerts(state, db, [alert], request.state.user)[0]
    assignees = db.scalars(
        select(User)
        .where(User.active.is_(True), User.role.in_(_assignable(request, alert)))
        .order_by(User.display_name)
    ).all()
    return render(
        request,
        "alert.html",
        status_code,
        item=item,
        alert=alert,
        errors=errors,
        assignees=assignees,
        form=form or {},
    )


def _assignable(request: Request, alert: Alert) -> list[str]:
    """The roles that may open this alert (a network's follows the network page's policy):
    only they are offered, or accepted, as its assignee."""
    page = "network" if alert.subject_kind == "network" else "alert"
    return [role for role in ROLES if state_of(request).policy.allows(role, page)]


@router.get("/alerts/{alert_id}")
def alert_page(request: Request, alert_id: int) -> Response:
    state = state_of(request)
    with state.session() as db:
        user = current_user(request, db, "alert")
        alert = _alert(db, alert_id)
        if (ask := scope.alert_gate(request, db, user, alert)) is not None:
            return ask
        # An alert shows the child's reasons, agencies and decisions: a view of their record.
        audit.record(
            db,
            user.username,
            "view_alert",
            alert.subject_id,
            alert_id=alert.id,
            kind=alert.subject_kind,
        )
        return _alert_page(request, db, alert, {})


@router.post("/alerts/{alert_id}/decide")
def decide(
    request: Request,
    alert_id: int,
    action: str = Form(""),
    outcome: str = Form(""),
    assignee: str = Form(""),
    rationale: str = Form(""),
    csrf_token: str = Form(""),
) -> Response:
    require_csrf(request, csrf_token)
    state = state_of(request)
    with state.session() as db:
        user = current_user(request, db, "decide")
        alert = _alert(db, alert_id)
        scope.alert_gate(request, db, user, alert, acting=True)
        try:
            alerts.decide(
                db,
                alert,
                user,
                action,
                assignee if action == "assign" else outcome,
                rationale,
                assignable=_assignable(request, alert),
            )
        except alerts.DecisionError as error:
            db.rollback()
            field = "rationale" if "reason" in str(error) else action
            return _alert_page(
                request,
                db,
                _alert(db, alert_id),
                {field: str(error)},
                400,
                form={"action": action, "outcome": outcome, "rationale": rationale},
            )
    return RedirectResponse(f"/alerts/{alert_id}?done={action}", status_code=303)


@router.post("/alerts/{alert_id}/sign-off")
def sign_off(
    request: Request,
    alert_id: int,
    decision: str = Form(""),
    rationale: str = Form(""),
    csrf_token: str = Form(""),
) -> Response:
    require_csrf(request, csrf_token)
    state = state_of(request)
    with state.session() as db:
        user = current_user(request, db, "sign_off")
        alert = _alert(db, alert_id)
        scope.alert_gate(request, db, user, alert, acting=True)
        try:
            if decision not in ("approve", "return"):
                raise alerts.DecisionError("Choose whether you agree with no further action.")
            alerts.sign_off(db, alert, user, decision == "approve", rationale)
        except alerts.DecisionError as error:
            db.rollback()
            return _alert_page(request, db, _alert(db, alert_id), {"sign_off": str(error)}, 400)
    return RedirectResponse(f"/alerts/{alert_id}?done=sign_off", status_code=303)
