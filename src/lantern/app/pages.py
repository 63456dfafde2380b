"""Pages for signing in, the alerts queue, an alert's decisions, search and the MACE pack."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from lantern.app import accounts, adult_evidence, alerts, audit, clocks, disclosure, scope
from lantern.app.context import (
    NotFound,
    clocks_now,
    current_user,
    delete_cookie,
    require_csrf,
    session_cookie,
    set_cookie,
    state_of,
)
from lantern.app.models import Alert, Decision, User
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


# the queue --------------------------------------------------------------------------------
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
        select(User).where(User.active.is_(True), User.role != "admin").order_by(User.display_name)
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
                db, alert, user, action, assignee if action == "assign" else outcome, rationale
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


# search -----------------------------------------------------------------------------------
@router.get("/search")
def search_page(
    request: Request, name: str = "", dob: str = "", vehicle: str = "", phone: str = ""
) -> Response:
    state = state_of(request)
    errors = {}
    parsed_dob = None
    if dob.strip():
        try:
            parsed_dob = date.fromisoformat(dob.strip())
        except ValueError:
            errors["dob"] = "Enter the date of birth as YYYY-MM-DD, for example 2007-03-21"
    searched = any(v.strip() for v in (name, dob, vehicle, phone))
    with state.session() as db:
        user = current_user(request, db, "search")
        results = []
        if searched and not errors:
            results = state.analytics.search(
                name=name, date_of_birth=parsed_dob, vehicle=vehicle, phone=phone
            )
            audit.record(
                db,
                user.username,
                "search",
                "",
                name=name,
                dob=dob,
                vehicle=vehicle,
                phone=phone,
                results=len(results),
            )
    return render(
        request,
        "search.html",
        results=results,
        searched=searched,
        errors=errors,
        query={"name": name, "dob": dob, "vehicle": vehicle, "phone": phone},
    )


# the MACE pack ----------------------------------------------------------------------------
def _mace(request: Request, db: Session) -> dict[str, Any]:
    """Children, networks and adults at medium or high. A network's adults below medium (a
    relative, a driver, a partner the records tie to it but nothing marks) are counted, not
    named, unless `?all_adults=1` asks for them: an adult's band is a reason to look, and
    naming every adult near a network in a meeting's pack is not."""
    state = state_of(request)
    all_adults = request.query_params.get("all_adults") == "1"
    rows = db.scalars(
        select(Alert)
        .where(Alert.band.in_(("high", "medium")))
        .options(selectinload(Alert.decisions))
    ).all()
    rows = sorted(rows, key=lambda a: ({"high": 0, "medium": 1}.get(a.band, 2), -a.score))
    items = present_alerts(state, db, list(rows), request.state.user)
    networks = [i for i in items if i["alert"].subject_kind == "network"]
    members = state.analytics.network_members([i["alert"].subject_id for i in networks])
    # every person member (assessed or not) by the name their page shows; things by label
    ids = [
        m["node_id"]
        for ms in members.values()
        for m in ms
        if m.get("kind") or ":" not in m["node_id"]
    ]
    people = state.analytics.people(ids)
    for item in networks:
        shown, hidden = [], 0
        for m in members.get(item["alert"].subject_id, []):
            if (
                not all_adults
                and m.get("kind") == "adult"
                and m.get("band") not in ADULT_BANDS_SHOWN
            ):
                hidden += 1
                continue
            shown.append({**m, "person": people.get(m["node_id"])})
        item["members"], item["hidden_adults"] = shown, hidden
    adults = [a for a in state.analytics.adults_of_interest() if a["band"] in ADULT_BANDS_SHOWN]
    adult_people = state.analytics.people([a["person_id"] for a in adults])
    adults = [{**a, "person": adult_people.get(a["person_id"])} for a in adults]
    # persons posing risk: their evidence picture and disruption status (issue 22)
    adult_evidence.for_mace(state, db, request.state.user, adults)
    return {
        "children": [i for i in items if i["alert"].subject_kind == "child"],
        "networks": networks,
        "adults": adults,
        "all_adults": all_adults,
        "generated_at": datetime.now(),
        "as_of": state.analytics.as_of(),
    }


# An adult's band is shown in the pack from medium up (docs/scoring.md, "Adults").
ADULT_BANDS_SHOWN = ("medium", "high")


@router.get("/mace")
def mace_page(request: Request) -> Response:
    state = state_of(request)
    with state.session() as db:
        user = current_user(request, db, "mace")
        pack = _mace(request, db)
        audit.record(db, user.username, "view_mace_pack", "", children=len(pack["children"]))
    return render(request, "mace.html", **pack)


@router.get("/mace.pdf")
def mace_pdf(request: Request) -> Response:
    from weasyprint import CSS, HTML

    from lantern.app.templating import STATIC

    state = state_of(request)
    with state.session() as db:
        user = current_user(request, db, "mace_pdf")
        pack = _mace(request, db)
        audit.record(db, user.username, "download_mace_pack", "", children=len(pack["children"]))
    html = bytes(render(request, "mace_pdf.html", **pack).body).decode()
    pdf = HTML(string=html, base_url=str(STATIC)).write_pdf(
        stylesheets=[CSS(filename=str(STATIC / "mace-print.css"))]
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="mace-pack-{date.today():%Y-%m-%d}.pdf"'
        },
    )
