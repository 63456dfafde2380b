"""A vehicle's, phone's or place's page: who the records tie to it, each tie with its records;
scoped like the network page and audited."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from sqlalchemy import select

from app_harness import signed_in
from lantern.app.models import AuditEntry
from workbench_harness import make_workbench_app


def test_a_vehicles_page_lists_the_child_and_the_adult_with_each_record(tmp_path: Path) -> None:
    app, county = make_workbench_app(tmp_path)
    analyst = signed_in(app, "ana")
    page = " ".join(analyst.get(f"/things/{county.vehicle}").text.split())
    assert '<h1 class="govuk-heading-l" data-testid="thing-name">Vehicle YX09 ABC' in page
    assert "Tied by the records to 1 child and 1 adult." in page
    assert f'href="/people/{county.kayleigh}">Kayleigh Brookes</a>' in page
    assert f'href="/people/{county.darren}">Darren Mills</a>' in page
    assert "police:E2" in page  # the vehicle stop, the record behind both ties
    with app.state.lantern.session() as db:
        seen = db.scalars(select(AuditEntry).where(AuditEntry.action == "view_thing")).all()
        assert [e.subject for e in seen] == [county.vehicle]
    # reached from the adult's page and the child's
    for path in (f"/adults/{county.darren}", f"/children/{county.kayleigh}"):
        assert f'href="/things/{quote(county.vehicle, safe="")}"' in analyst.get(path).text, path


def test_only_roles_that_read_every_agency_open_it_and_an_unknown_id_is_not_found(
    tmp_path: Path,
) -> None:
    app, county = make_workbench_app(tmp_path)
    assert signed_in(app, "sue").get(f"/things/{county.phone}").status_code == 200
    for username in ("pat", "aud", "adm"):
        assert signed_in(app, username).get(f"/things/{county.vehicle}").status_code == 403
    # a practitioner's child page names the car without a link it could not open
    assert "/things/" not in signed_in(app, "pat").get(f"/children/{county.kayleigh}").text
    analyst = signed_in(app, "ana")
    assert analyst.get("/things/vehicle:NOSUCH").status_code == 404
    assert analyst.get(f"/things/{county.kayleigh}").status_code == 404  # a person is no thing
