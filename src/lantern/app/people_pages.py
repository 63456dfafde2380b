"""A child's page (chronology, indicators, score, links, language), an adult's, a network's."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy import select

from lantern.app import (
    adult_evidence,
    audit,
    challenge,
    clocks,
    disclosure,
    disruptions,
    dob_decisions,
    evidence_reader,
    graph_json,
    legal_floor,
    scope,
)
from lantern.app.context import NotFound, clocks_now, current_user, require_csrf, state_of
from lantern.app.models import Alert
from lantern.app.store_reader import Person
from lantern.app.templating import render

router = APIRouter()


def _sparkline(
    history: list[dict[str, Any]], width: int = 320, height: int = 60
) -> dict[str, Any] | None:
    """Points for an inline SVG of the score over time (server-drawn: no script needed)."""
    if len(history) < 1:
        return None
    top = max(float(h["score"] or 0) for h in history) or 1.0
    n = len(history)
    points = []
    for i, h in enumerate(history):
        x = 10 + (width - 20) * (i / (n - 1) if n > 1 else 0.5)
        y = height - 8 - (height - 16) * (float(h["score"] or 0) / top)
        points.append((round(x, 1), round(y, 1), h["band"]))
    return {
        "width": width,
        "height": height,
        "points": points,
        "path": " ".join(f"{x},{y}" for x, y, _ in points),
    }


def _kind_of(person: Person) -> str:
    if person.kind:
        return person.kind
    age = person.age_on(date.today())
    return "child" if age is not None and age < 18 else "adult"


def _moved(analytics: Any, person_id: str, what: str) -> Response:
    """An id a later run renamed, merged or split away (`person_changes`) leads to the person
    now holding most of its records, through the person page (which sends a child to the child
    page, an adult to the adult page, each scoped and audited there); any other id is not
    found. A bookmark or a link in an old message keeps working."""
    seen = {person_id}
    now = analytics.now_known_as(person_id)
    while now is not None and analytics.person(now) is None and now not in seen:
        seen.add(now)
        now = analytics.now_known_as(now)
    if now is None or now in seen:
        raise NotFound(what)
    return RedirectResponse(f"/people/{quote(now, safe='')}", status_code=303)


@router.get("/people/{person_id}")
def person_page(request: Request, person_id: str) -> Response:
    state = state_of(request)
    with state.session() as db:
        current_user(request, db, "person")
    person = state.analytics.person(person_id)
    if person is None:
        return _moved(state.analytics, person_id, "person with that id")
    return RedirectResponse(
        f"/{'children' if _kind_of(person) == 'child' else 'adults'}/{person_id}", status_code=303
    )


@router.get("/children/{person_id}")
def child_page(
    request: Request,
    person_id: str,
    agency: str = "",
    category: str = "",
    page: int = 1,
    dob_error: str = "",
) -> Response:
    state = state_of(request)
    analytics = state.analytics
    with state.session() as db:
        user = current_user(request, db, "child")
    person = analytics.person(person_id)  # outside the session: the store query may be slow
    if person is None:
        return _moved(analytics, person_id, "child with that id")
    with state.session() as db:
        if (ask := challenge.ask_reason(request, db, user, person)) is not None:
            return ask
        audit.record(db, user.username, "view_child", person_id, agency=agency, category=category)
        alert = db.scalar(
            select(Alert).where(Alert.subject_kind == "child", Alert.subject_id == person_id)
        )
        decisions = list(alert.decisions) if alert else []
        decided = _dob_decisions(db, person)
    history = analytics.score_history(person_id)
    clock_list = clocks.record_clocks(analytics.clock_events_of(person), clocks_now(state))
    record = state.pages.get(
        ("child", person_id, user.role, user.agency, agency, category, page),
        lambda: _child_record(state, user, person, agency, category, page),
    )
    return render(
        request,
        "child.html",
        person=person,
        age=person.age_on(person.as_of or date.today()),
        history=history,
        spark=_sparkline(history),
        alert=alert,
        decisions=decisions,
        clocks=clock_list,
        record=record,
        held=legal_floor.held_by_law(person),
        duplicates=analytics.possible_duplicates(person),
        identity_changes_of=analytics.identity_changes(person.person_id),
        dob_decisions=decided,
        dob_error=DOB_ERRORS.get(dob_error, ""),
    )


CHRONOLOGY_PAGE = 50  # records a page of the chronology shows, newest first, by year


def _child_record(
    state: Any, user: Any, person: Person, agency: str, category: str, page: int = 1
) -> Markup:
    """The child's findings, score reasons, links and chronology as this viewer may read them.

    They come from the analytical store, which cannot change while the app holds it, and what
    the viewer may read depends only on their role and agency: so the HTML is rendered once per
    child, role, agency and filter, and kept (`AppState.pages`).
    """
    analytics = state.analytics
    events = disclosure.chronology(user, state.policy, analytics.chronology(person))
    shown = [
        e
        for e in events
        if (not agency or e["agency"] == agency) and (not category or category in e["categories"])
    ]
    groups: dict[str, list[dict[str, Any]]] = {}
    for link in analytics.links(person.person_id):
        groups.setdefault(link["group"], []).append(link)
    newest_first = list(reversed(shown))
    pages = max(1, -(-len(newest_first) // CHRONOLOGY_PAGE))
    page = min(max(1, page), pages)
    start = (page - 1) * CHRONOLOGY_PAGE
    html = state.templates.env.get_template("_child_record.html").render(
        person=person,
        events=newest_first[start : start + CHRONOLOGY_PAGE],
        shown_events=len(newest_first),
        first_shown=start + 1,
        page=page,
        pages=pages,
        total_events=len(events),
        agencies=sorted({e["agency"] for e in events}),
        categories=sorted({c for e in events for c in e["categories"]}),
        agency=agency,
        category=category,
        reasons=_named(
            analytics,
            disclosure.reasons(user, state.policy, analytics.score_reasons(person.person_id)),
        ),
        groups=groups,
        language=disclosure.language(user, state.policy, analytics.language_findings(person)),
        can=lambda page: state.policy.allows(user.role, page),
    )
    return Markup(html)  # noqa: S704 - rendered by the autoescaping template environment


@router.get("/adults/{person_id}")
def adult_page(request: Request, person_id: str, dob_error: str = "") -> Response:
    state = state_of(request)
    analytics = state.analytics
    with state.session() as db:
        user = current_user(request, db, "adult")
        person = analytics.person(person_id)
        if person is None:
            return _moved(analytics, person_id, "person with that id")
        if (ask := scope.person_gate(request, db, user, person)) is not None:
            return ask
        audit.record(db, user.username, "view_adult", person_id)
        return adult_response(request, db, person, dob_error=dob_error)


def adult_response(
    request: Request,
    db: Any,
    person: Person,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
    dob_error: str = "",
) -> Response:
    """The adult's page: links, the evidence picture (issue 22), disruption actions and their
    effect, and the recording form for a supervisor (`errors` and `form` when it was refused)."""
    state = state_of(request)
    analytics = state.analytics
    viewer = request.state.user
    person_id = person.person_id
    decided = _dob_decisions(db, person)
    links = analytics.links(person_id)
    groups: dict[str, list[dict[str, Any]]] = {}
    for link in links:
        groups.setdefault(link["group"], []).append(link)
    target_labels = adult_evidence.targets(analytics, person)
    return render(
        request,
        "adult.html",
        status_code,
        person=person,
        groups=groups,
        reasons=_named(
            analytics, disclosure.reasons(viewer, state.policy, analytics.score_reasons(person_id))
        ),
        duplicates=analytics.possible_duplicates(person),
        identity_changes_of=analytics.identity_changes(person.person_id),
        event_info=analytics.event_types(
            sorted({e["event_id"] for link in links for e in link["evidence"] if e.get("event_id")})
        ),
        picture=adult_evidence.picture(state, viewer, person_id),
        has_evidence=evidence_reader.has_evidence(analytics),
        actions=adult_evidence.actions(state, db, person_id, target_labels),
        targets=target_labels,
        action_kinds=disruptions.ACTIONS,
        action_agencies=disruptions.AGENCIES,
        errors=errors or {},
        form=form or {},
        done=request.query_params.get("done", ""),
        dob_decisions=decided,
        dob_error=DOB_ERRORS.get(dob_error, ""),
    )


def _dob_decisions(db: Any, person: Person) -> list[dict[str, Any]]:
    return [
        {"date_of_birth": d.date_of_birth, "by": d.decided_by, "at": d.decided_at,
         "rationale": d.rationale}
        for d in dob_decisions.for_person(db, person.person_id, [r for _, r in person.records])
    ]  # fmt: skip


# What the date-of-birth form says when it cannot take a decision (the page's `dob_error`).
DOB_ERRORS = {
    "date": "Enter the date of birth as YYYY-MM-DD, for example 1998-09-13",
    "future": "The date of birth cannot be in the future.",
    "reason": "Enter the reason for your decision (what you saw).",
}


@router.post("/people/{person_id}/date-of-birth")
def decide_date_of_birth(
    request: Request,
    person_id: str,
    date_of_birth: str = Form(""),
    rationale: str = Form(""),
    csrf_token: str = Form(""),
) -> Response:
    """A supervisor decides the person's date of birth (scoped as their page, audited); the
    next run applies it to the law on age from today on (app/dob_decisions.py)."""
    require_csrf(request, csrf_token)
    state = state_of(request)
    with state.session() as db:
        user = current_user(request, db, "decide_dob")
        person = state.analytics.person(person_id)
        if person is None:
            raise NotFound("person with that id")
        if (ask := scope.person_gate(request, db, user, person)) is not None:
            return ask
        page = f"/{'children' if _kind_of(person) == 'child' else 'adults'}/{person_id}"
        try:
            dob_decisions.decide(
                db, user, person, [r for _, r in person.records], date_of_birth, rationale
            )
        except dob_decisions.DobError as error:
            db.rollback()
            code = next((k for k, v in DOB_ERRORS.items() if v == str(error)), "date")
            return RedirectResponse(f"{page}?dob_error={code}#date-of-birth", status_code=303)
    return RedirectResponse(f"{page}?dob=decided#date-of-birth", status_code=303)


def _named(analytics: Any, reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each reason's evidence with a linked person named as their page names them."""
    return [
        {
            **r,
            "evidence": analytics.named(r["evidence"]) if r.get("evidence") else r.get("evidence"),
        }
        for r in reasons
    ]


def _is_person(member: dict[str, Any]) -> bool:
    """A network member who is a person (assessed or not), not a vehicle, phone or place."""
    return bool(member.get("kind")) or (
        member.get("node_kind") == "person" or ":" not in str(member["node_id"])
    )


@router.get("/networks/{network_id}")
def network_page(request: Request, network_id: str) -> Response:
    state = state_of(request)
    analytics = state.analytics
    with state.session() as db:
        user = current_user(request, db, "network")
        members = analytics.network_members([network_id]).get(network_id)
        if not members:
            raise NotFound("network with that id")
        audit.record(db, user.username, "view_network", network_id)
        alert = db.scalar(
            select(Alert).where(Alert.subject_kind == "network", Alert.subject_id == network_id)
        )
    people = analytics.people([m["node_id"] for m in members if _is_person(m)])
    edges = analytics.network_edges(network_id)
    labels = {
        m["node_id"]: (
            people[m["node_id"]].name if m["node_id"] in people else m.get("label") or m["node_id"]
        )
        for m in members
    }
    member_things = analytics.network_member_things(network_id)
    owners = analytics.people([t["member"] for t in member_things])
    for thing in member_things:
        owner = owners.get(thing["member"])
        thing["owner"] = owner.name if owner else labels.get(thing["member"], thing["member"])
    names = Counter(labels[m["node_id"]] for m in members if m["node_id"] in people)
    return render(
        request,
        "network.html",
        network_id=network_id,
        repeated={name for name, n in names.items() if n > 1},
        member_things=member_things,
        members=members,
        people=people,
        assessment=analytics.network_assessment(network_id),
        edges=edges,
        labels=labels,
        alert=alert,
        event_info=analytics.event_types(
            sorted({e["event_id"] for edge in edges for e in edge["evidence"] if e.get("event_id")})
        ),
    )


@router.get("/networks/{network_id}/graph.json")
def network_graph(request: Request, network_id: str) -> Response:
    """Nodes and edges for Cytoscape.js."""
    state = state_of(request)
    analytics = state.analytics
    with state.session() as db:
        user = current_user(request, db, "network_graph")
        members = analytics.network_members([network_id]).get(network_id)
        if not members:
            return JSONResponse({"error": "no such network"}, status_code=404)
        # The graph names every member: a view of the network, audited like its page.
        audit.record(db, user.username, "view_network_graph", network_id, members=len(members))
    people = analytics.people([m["node_id"] for m in members if _is_person(m)])
    nodes = []
    for m in members:
        person = people.get(m["node_id"])
        kind = m.get("kind") or (
            m["node_id"].split(":", 1)[0]
            if ":" in m["node_id"]
            else ("child" if m.get("role_in_network") in ("child", "linked_child") else "adult")
        )
        nodes.append(
            graph_json.node(
                m["node_id"],
                person.name if person else (m.get("label") or m["node_id"]),
                kind,
                m.get("band") or "none",
                f"/{'children' if kind == 'child' else 'adults'}/{m['node_id']}" if person else "",
            )
        )
    edges = graph_json.edges(analytics.network_edges(network_id))
    return JSONResponse({"nodes": nodes, "edges": edges})
