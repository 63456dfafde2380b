"""Search for a person by name, date of birth, vehicle or phone."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from lantern.app import audit
from lantern.app.context import current_user, state_of
from lantern.app.templating import render

router = APIRouter()


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
