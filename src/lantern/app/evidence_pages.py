"""Focus on the adults (issue 22): recording a disruption action, and the investigator's
evidence pack for one adult or a network, as HTML and PDF.

The pack quotes every agency's records (every item with its source record, agency, date and who
recorded it), so only a role that reads all agencies' narratives gets it: the access policy
lists the pages, and `_pack_user` refuses a role that does not read them all even if the policy
file were changed to let it in. Every export is audited. The PDF carries OFFICIAL-SENSITIVE on
every page (the print stylesheet's page margin) and at the head of the body.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from lantern.app import adult_evidence, audit, disruptions, evidence_reader, scope
from lantern.app.context import Forbidden, NotFound, current_user, require_csrf, state_of
from lantern.app.models import User
from lantern.app.people_pages import adult_response
from lantern.app.templating import STATIC, render

router = APIRouter()
MARKING = "OFFICIAL-SENSITIVE"


@router.post("/adults/{person_id}/disruptions")
def record_disruption(
    request: Request,
    person_id: str,
    target: str = Form(""),
    action: str = Form(""),
    agency: str = Form(""),
    owner: str = Form(""),
    started_on: str = Form(""),
    ended_on: str = Form(""),
    outcome: str = Form(""),
    csrf_token: str = Form(""),
) -> Response:
    require_csrf(request, csrf_token)
    state = state_of(request)
    analytics = state.analytics
    form = {
        "target": target,
        "action": action,
        "agency": agency,
        "owner": owner,
        "started_on": started_on,
        "ended_on": ended_on,
        "outcome": outcome,
    }
    with state.session() as db:
        user = current_user(request, db, "record_disruption")
        person = analytics.person(person_id)
        if person is None:
            raise NotFound("person with that id")
        # the adult page's scope: recording against an adult is acting on their page
        if (ask := scope.person_gate(request, db, user, person)) is not None:
            return ask
        try:
            row = disruptions.record(
                db,
                targets=adult_evidence.targets(analytics, person),
                recorded_by=user.username,
                today=date.today(),
                **form,
            )
        except disruptions.DisruptionError as error:
            db.rollback()
            return adult_response(request, db, person, {error.field: str(error)}, form, 400)
        audit.record(
            db,
            user.username,
            "record_disruption",
            person_id,
            disruption=row.id,
            target=row.target_id,
            action=row.action,
            started_on=row.started_on.isoformat(),
        )
    return RedirectResponse(f"/adults/{person_id}?done=disruption#disruptions", status_code=303)


def _pack_user(request: Request, db: Session, page: str) -> User:
    """The signed-in user, if their role may open `page` and reads every agency's records."""
    state = state_of(request)
    user = current_user(request, db, page)
    if state.policy.narratives.get(user.role) != "all agencies":
        audit.record(db, user.username, "refused", str(request.url.path), page=page, role=user.role)
        db.commit()
        raise Forbidden(
            "The evidence pack quotes every agency's records: only a role that reads them all "
            "may export it."
        )
    return user


def _adult_section(state: Any, db: Session, viewer: Any, person: Any) -> dict[str, Any]:
    labels = adult_evidence.targets(state.analytics, person)
    return {
        "person": person,
        "picture": adult_evidence.picture(state, viewer, person.person_id),
        "actions": adult_evidence.actions(state, db, person.person_id, labels),
    }


def _pack(
    request: Request, page: str, subject: str, kind: str, fmt: str
) -> tuple[dict[str, Any], str]:
    state = state_of(request)
    analytics = state.analytics
    with state.session() as db:
        user = _pack_user(request, db, page)
        if kind == "adult":
            person = analytics.person(subject)
            if person is None:
                raise NotFound("person with that id")
            adults = [person]
            title = f"Evidence pack: {person.name}"
        else:
            members = analytics.network_members([subject]).get(subject)
            if not members:
                raise NotFound("network with that id")
            ids = [
                m["node_id"]
                for m in members
                if m.get("kind") == "adult"
                or (not m.get("kind") and m.get("role_in_network") == "adult")
            ]
            people = analytics.people(ids)
            adults = [people[i] for i in ids if i in people]
            title = f"Evidence pack: network {subject}"
        sections = [_adult_section(state, db, request.state.user, p) for p in adults]
        audit.record(
            db,
            user.username,
            "export_evidence_pack",
            subject,
            kind=kind,
            format=fmt,
            adults=[p.person_id for p in adults],
            items=sum(s["picture"].total for s in sections),
        )
    context = {
        "title": title,
        "subject": subject,
        "kind": kind,
        "sections": sections,
        "has_evidence": evidence_reader.has_evidence(analytics),
        "marking": MARKING,
        "generated_at": datetime.now(),
        "generated_by": user.display_name,
        "as_of": analytics.as_of(),
    }
    return context, title


def _pdf(request: Request, context: dict[str, Any], filename: str) -> Response:
    from weasyprint import CSS, HTML

    html = bytes(render(request, "evidence_pack_pdf.html", **context).body).decode()
    pdf = HTML(string=html, base_url=str(STATIC)).write_pdf(
        stylesheets=[CSS(filename=str(STATIC / "mace-print.css"))]
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _filename(subject: str) -> str:
    safe = "".join(c if c.isalnum() else "-" for c in subject)[:60]
    return f"evidence-pack-{safe}-{date.today():%Y-%m-%d}.pdf"


@router.get("/adults/{person_id}/evidence-pack")
def evidence_pack(request: Request, person_id: str) -> Response:
    context, _ = _pack(request, "evidence_pack", person_id, "adult", "html")
    return render(request, "evidence_pack.html", **context)


@router.get("/adults/{person_id}/evidence-pack.pdf")
def evidence_pack_pdf(request: Request, person_id: str) -> Response:
    context, _ = _pack(request, "evidence_pack_pdf", person_id, "adult", "pdf")
    return _pdf(request, context, _filename(person_id))


@router.get("/networks/{network_id}/evidence-pack")
def network_evidence_pack(request: Request, network_id: str) -> Response:
    context, _ = _pack(request, "network_evidence_pack", network_id, "network", "html")
    return render(request, "evidence_pack.html", **context)


@router.get("/networks/{network_id}/evidence-pack.pdf")
def network_evidence_pack_pdf(request: Request, network_id: str) -> Response:
    context, _ = _pack(request, "network_evidence_pack_pdf", network_id, "network", "pdf")
    return _pdf(request, context, _filename(network_id))
