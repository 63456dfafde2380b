"""The MACE pack (multi-agency child exploitation meeting): the page and its PDF."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from lantern.app import adult_evidence, audit
from lantern.app.alert_pages import present_alerts
from lantern.app.context import current_user, state_of
from lantern.app.models import Alert
from lantern.app.templating import render

router = APIRouter()


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
    # men known only by a car, phone or street name: their reasons say who they are
    unidentified = [
        {**u, "reasons": (u["top_reasons"] or "").split("; ")}
        for u in state.analytics.unidentified_of_interest()
    ]
    return {
        "children": [i for i in items if i["alert"].subject_kind == "child"],
        "networks": networks,
        "adults": adults,
        "unidentified": unidentified,
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
