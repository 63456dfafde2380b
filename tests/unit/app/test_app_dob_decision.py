"""A supervisor decides a person's date of birth in the app: scoped, audited, shown on the page,
and copied by the next run into the store, where the law on age reads it from its own date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from app_harness import csrf_of, make_app, signed_in
from lantern.app.dob_decisions import copy_to_store
from lantern.app.models import AuditEntry, DobDecision
from lantern.store.connection import connect


def _decide(client, person_id: str, **form: str):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get("/search").text)
    return client.post(
        f"/people/{person_id}/date-of-birth",
        data={**form, "csrf_token": token},
        follow_redirects=False,
    )


def test_a_supervisor_decides_the_date_and_the_next_run_copies_it(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    sue = signed_in(app, "sue")
    page = sue.get(f"/children/{county.kayleigh}").text
    assert "Decide the date of birth" in page
    response = _decide(
        sue, county.kayleigh, date_of_birth="1997-06-12", rationale="Birth certificate seen"
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/children/{county.kayleigh}?dob=decided#date-of-birth"
    page = " ".join(sue.get(f"/children/{county.kayleigh}").text.split())
    assert "Date of birth decided by sue on" in page
    assert "<strong>12 Jun 1997</strong> (Birth certificate seen)" in page
    with app.state.lantern.session() as db:
        (decision,) = db.scalars(select(DobDecision)).all()
        assert decision.date_of_birth == date(1997, 6, 12)
        assert decision.person_id == county.kayleigh and decision.records.count(":") >= 2
        entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "dob_decided")).one()
        assert entry.actor == "sue" and entry.subject == county.kayleigh
        assert "1997-06-12" in entry.detail
    # The next run copies it into the analytical store, one row per record of the person.
    store = connect(tmp_path / "next-run.duckdb")
    written = copy_to_store(f"sqlite:///{tmp_path / 'app.db'}", store)
    rows = store.execute(
        "SELECT decision_id, record_id, date_of_birth, decided_by FROM resolve_dob_decisions "
        "ORDER BY record_id"
    ).fetchall()
    assert written == len(rows) == len(decision.records.split(";"))
    assert {r[0] for r in rows} == {f"app:{decision.id}"}
    assert {r[2] for r in rows} == {date(1997, 6, 12)} and {r[3] for r in rows} == {"sue"}
    # A second copy replaces the first (the app's table is the source), it does not add to it.
    assert copy_to_store(f"sqlite:///{tmp_path / 'app.db'}", store) == written
    assert store.execute("SELECT count(*) FROM resolve_dob_decisions").fetchone() == (written,)
    store.close()


def test_only_a_supervisor_decides_and_the_form_says_what_is_wrong(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    analyst = signed_in(app, "ana")
    assert "Decide the date of birth" not in analyst.get(f"/children/{county.kayleigh}").text
    refused = _decide(analyst, county.kayleigh, date_of_birth="1997-06-12", rationale="x")
    assert refused.status_code == 403
    sue = signed_in(app, "sue")
    for form, message in (
        ({"date_of_birth": "12/06/1997", "rationale": "seen"}, "Enter the date of birth as"),
        ({"date_of_birth": "2099-01-01", "rationale": "seen"}, "cannot be in the future"),
        ({"date_of_birth": "1997-06-12", "rationale": " "}, "Enter the reason"),
    ):
        response = _decide(sue, county.kayleigh, **form)
        assert response.status_code == 303
        assert message in sue.get(response.headers["location"]).text
    with app.state.lantern.session() as db:
        assert db.scalars(select(DobDecision)).all() == []
    # No operational store yet: nothing to copy.
    assert copy_to_store(f"sqlite:///{tmp_path / 'none.db'}", connect(":memory:")) == 0
