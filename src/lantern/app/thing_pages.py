"""A vehicle's, phone's or place's page: the children and adults the records tie to it, each
tie with its records (issue 20). Scoped like the network page (roles that read every agency's
records: the access policy's `thing`) and audited (`view_thing`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from lantern.app import audit
from lantern.app.context import NotFound, current_user, state_of
from lantern.app.templating import render

router = APIRouter()
KINDS = {"vehicle": "Vehicle", "phone": "Phone", "place": "Place"}


@router.get("/things/{thing_id:path}")
def thing_page(request: Request, thing_id: str) -> Response:
    state = state_of(request)
    analytics = state.analytics
    with state.session() as db:
        user = current_user(request, db, "thing")
        thing = analytics.thing(thing_id)
        if thing is None or thing["kind"] not in KINDS:
            raise NotFound("vehicle, phone or place with that id")
        audit.record(db, user.username, "view_thing", thing_id)
    links = analytics.links(thing_id)
    groups: dict[str, list[dict[str, Any]]] = {}
    for link in links:
        groups.setdefault(link["group"], []).append(link)
    return render(
        request,
        "thing.html",
        thing=thing,
        kind=KINDS[thing["kind"]],
        groups=groups,
        event_info=analytics.event_types(
            sorted({e["event_id"] for link in links for e in link["evidence"] if e.get("event_id")})
        ),
    )
