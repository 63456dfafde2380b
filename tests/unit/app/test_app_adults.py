"""Focus on the adults (issue 22) in the app: the evidence picture on the adult page, recording a
disruption action (supervisor, CSRF, audited, scoped), persons posing risk in the MACE pack,
and the investigator's evidence pack as HTML and PDF (marking on every page, sources, escaping,
who gets it, audited)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app_harness import csrf_of, make_app, signed_in
from evidence_county import MARKUP, drop_evidence_tables
from lantern.app.models import AuditEntry, DisruptionAction


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return make_app(tmp_path_factory.mktemp("adults"))


def text_of(html: str) -> str:
    """What a reader sees: tags dropped, entities read, white space collapsed."""
    import html as html_lib

    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def audit_entries(app, action: str) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    with app.state.lantern.session() as db:
        return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def record_form(**changes: str) -> dict[str, str]:
    form = {
        "target": "vehicle:YX09ABC",
        "action": "anpr_marker",
        "agency": "police",
        "owner": "DS Patel",
        "started_on": "2011-04-15",
        "ended_on": "",
        "outcome": "Marker set on the Astra",
    }
    form.update(changes)
    return form


# the adult page ----------------------------------------------------------------------------
def test_the_adult_page_shows_the_evidence_picture(site) -> None:  # type: ignore[no-untyped-def]
    app, county = site
    page = text_of(signed_in(app, "ana").get(f"/adults/{county.darren}").text)
    assert (
        "8 items from 4 agencies about 3 children; 5 rest on no child's own account; "
        "1 account later withdrawn or denied." in page
    )
    assert (
        "If the statements of Kayleigh Brookes are set aside, 6 of 8 items remain, from 4 agencies "
        "and 2 other children." in page
    )
    # the matrix: Kayleigh's row, kinds in order, and how many rest on no child's account
    assert "Kayleigh Brookes – 1 1 1 – 2 3 of 5" in page
    # the withdrawn account, with the time between and what happened in between
    assert (
        "Kayleigh Brookes disclosed on 10 Apr 2011 ( police:E6 ); withdrew or denied on "
        "02 May 2011 ( police:E7 ), 22 days later." in page
    )
    assert "In between: 1 missing episode and 2 recorded contacts with the adult." in page
    assert "Later withdrawn or denied: kept" in page  # the item stays in the timeline
    # every item with its source record, agency, date and who recorded it
    assert (
        "Police · record police:P100 · event police:E6 · recorded 10 Apr 2011 by DC 220 Shah"
        in page
    )
    assert "recorded 29 May 2011 by (the source names no one)" in page


def test_markup_in_a_record_is_shown_as_text(site) -> None:  # type: ignore[no-untyped-def]
    app, county = site
    html = signed_in(app, "ana").get(f"/adults/{county.darren}").text
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert MARKUP in text_of(html)


def test_a_high_band_without_itemised_points_says_what_holds_it(site) -> None:  # type: ignore[no-untyped-def]
    app, county = site
    page = text_of(signed_in(app, "ana").get(f"/adults/{county.darren}").text)
    assert "No points recorded for this person" not in page
    assert "this high band rests on 2 flagged children linked to them" in page


def test_a_practitioner_reads_only_their_own_agencys_words(site) -> None:  # type: ignore[no-untyped-def]
    app, county = site
    pat = signed_in(app, "pat")  # social care
    token = csrf_of(pat.get(f"/children/{county.darren}/reason").text)
    pat.post(
        f"/children/{county.darren}/reason",
        data={"reason": "mace_or_mash", "detail": "MACE preparation", "csrf_token": token},
    )
    page = text_of(pat.get(f"/adults/{county.darren}").text)
    assert "stayed above a takeaway on Manor Row" in page  # social care's own words
    assert "Vehicle YX09 ABC stopped" not in page  # police's words
    assert "Held by police: the text is not shown to your role" in page
    assert "Kayleigh withdrew her statement" not in page  # the withdrawal is a police record
    assert "22 days later" in page  # its dates and what happened in between still are
    assert "Record a disruption action" not in page  # a supervisor's form
    assert "Evidence pack for an investigator" not in page


def test_a_store_without_the_evidence_tables_still_serves_every_page(tmp_path: Path) -> None:
    app, county = make_app(tmp_path, prepare=lambda c: drop_evidence_tables(c.path))
    sue = signed_in(app, "sue")
    page = sue.get(f"/adults/{county.darren}")
    assert page.status_code == 200
    assert "This store was built before Lantern drew evidence pictures" in text_of(page.text)
    assert "No disruption action is recorded" in text_of(page.text)
    assert sue.get("/mace").status_code == 200
    pack = sue.get(f"/adults/{county.darren}/evidence-pack")
    assert pack.status_code == 200 and "This store was built before" in text_of(pack.text)


# disruption actions ------------------------------------------------------------------------
def test_store_actions_show_with_their_months_before_and_after(site) -> None:  # type: ignore[no-untyped-def]
    app, county = site
    page = text_of(signed_in(app, "ana").get(f"/adults/{county.darren}").text)
    assert (
        "01 Apr 2011 Child abduction warning notice Darren Mills (this adult) Police; DS Patel"
        in page
    )
    assert "Action record police:DA1 (against record police:P110 ), recorded 01 Apr 2011" in page
    assert (
        "Before (3 months): 7 sightings, up to 2 children seen in a month, 4 missing episodes "
        "of linked children. After (2 months): 1 sighting, up to 1 child seen in a month, "
        "0 missing episodes of linked children." in page
    )
    assert "Jul 2011 not in the records yet" in page  # after the store's as-of date


def test_a_supervisor_records_an_action_and_it_is_audited(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    sue = signed_in(app, "sue")
    token = csrf_of(sue.get(f"/adults/{county.darren}").text)
    response = sue.post(
        f"/adults/{county.darren}/disruptions",
        data={**record_form(), "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/adults/{county.darren}?done=disruption#disruptions"
    with app.state.lantern.session() as db:
        [row] = db.scalars(select(DisruptionAction)).all()
        assert (row.target_kind, row.target_id, row.action, row.recorded_by) == (
            "vehicle",
            "vehicle:YX09ABC",
            "anpr_marker",
            "sue",
        )
    [entry] = audit_entries(app, "record_disruption")
    assert entry.actor == "sue" and entry.subject == county.darren
    assert '"target": "vehicle:YX09ABC"' in entry.detail
    page = text_of(sue.get(f"/adults/{county.darren}?done=disruption").text)
    assert "The disruption action was recorded." in page
    assert (
        "15 Apr 2011 ANPR marker Vehicle: YX09 ABC (silver Vauxhall Astra) Police; DS Patel "
        "Marker set on the Astra Recorded in Lantern by sue" in page
    )
    # an action against a vehicle shows the adult's own months too (displacement)
    assert "Recorded about the adult in the same months" in page
    mace = text_of(sue.get("/mace").text)
    assert "15 Apr 2011 ANPR marker against Vehicle: YX09 ABC" in mace


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"target": "vehicle:NOT-LINKED"}, "target", "Choose the adult, vehicle or place"),
        ({"target": "P00000000a1"}, "target", "Choose the adult, vehicle or place"),
        ({"action": "knee_capping"}, "action", "Choose the kind of action"),
        ({"owner": "  "}, "owner", "Enter who owns the action"),
        (
            {"started_on": "1 April"},
            "started_on",
            "Enter the date the action started as YYYY-MM-DD",
        ),
        ({"started_on": "2999-01-01"}, "started_on", "cannot be in the future"),
        ({"ended_on": "2011-01-01"}, "ended_on", "cannot be before it started"),
        ({"outcome": ""}, "outcome", "Enter the outcome so far"),
    ],
)
def test_a_form_that_cannot_be_recorded_says_why(
    site, change: dict[str, str], field: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    app, county = site
    sue = signed_in(app, "sue")
    token = csrf_of(sue.get(f"/adults/{county.darren}").text)
    before = len(audit_entries(app, "record_disruption"))
    response = sue.post(
        f"/adults/{county.darren}/disruptions", data={**record_form(**change), "csrf_token": token}
    )
    assert response.status_code == 400
    assert message in text_of(response.text)
    assert f'href="#d-{field}"' in response.text
    assert len(audit_entries(app, "record_disruption")) == before


def test_recording_needs_the_forms_token_and_a_supervisor(site) -> None:  # type: ignore[no-untyped-def]
    app, county = site
    sue = signed_in(app, "sue")
    response = sue.post(
        f"/adults/{county.darren}/disruptions", data={**record_form(), "csrf_token": "forged"}
    )
    assert response.status_code == 400 and "Form expired" in response.text
    ana = signed_in(app, "ana")
    token = csrf_of(ana.get(f"/adults/{county.darren}").text)
    response = ana.post(
        f"/adults/{county.darren}/disruptions", data={**record_form(), "csrf_token": token}
    )
    assert response.status_code == 403
    assert "Record a disruption action" not in ana.get(f"/adults/{county.darren}").text


# the MACE pack ------------------------------------------------------------------------------
def test_mace_pack_lists_persons_posing_risk_with_evidence_and_disruption(site) -> None:  # type: ignore[no-untyped-def]
    app, county = site
    page = text_of(signed_in(app, "ana").get("/mace").text)
    assert "Persons posing risk (2)" in page
    darren = page[page.index("Darren Mills P00000000f6") :]
    assert darren.startswith("Darren Mills P00000000f6 high (18)")
    assert "8 items from 4 agencies about 3 children; 5 rest on no child's own account" in darren
    assert "01 Apr 2011 Child abduction warning notice against Darren Mills (this adult)" in darren
    shaun = page[page.index("Shaun Kelly P0000000107") :]
    assert "1 item from 1 agency about 1 child; 1 rests on no child's own account." in shaun
    # the visit to the takeaway the records link Shaun to: an action on his linked place
    assert (
        "01 Jun 2011 Premises visit against Place: Takeaway, Manor Row, BD1 (Licensing, "
        "Licensing officer Grey): Advice given to the manager. Before (3 months): 3 sightings, "
        "up to 2 children seen in a month, 2 missing episodes of linked children. After: no "
        "month after the action is in the records yet." in shaun
    )


# the evidence pack --------------------------------------------------------------------------
def pdf_pages(content: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(content)).pages]


def test_evidence_pack_pdf_is_marked_on_every_page_with_every_source(site) -> None:  # type: ignore[no-untyped-def]
    app, county = site
    response = signed_in(app, "sue").get(f"/networks/{county.network}/evidence-pack.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert 'filename="evidence-pack-N000001-' in response.headers["content-disposition"]
    pages = pdf_pages(response.content)
    assert len(pages) >= 2
    for number, text in enumerate(pages, 1):
        assert "OFFICIAL-SENSITIVE" in text, f"page {number} has no marking"
    text = re.sub(r"\s+", " ", " ".join(pages))
    for source in (
        "police:P110",
        "police:P100",
        "social_care:SC200",
        "health:H400",
        "education:E401",
        "police:P111",
    ):
        assert source in text, source
    for who in ("PC 4471 Hughes", "DC 220 Shah", "J. Okafor (social worker)", "School nurse"):
        assert who in text, who
    assert "Darren Mills" in text and "Shaun Kelly" in text
    assert "Kayleigh withdrew her statement and now says nothing happened" in text
    # markup in a record is printed as the characters the record holds
    assert "<b>Daz</b> & <script>alert('x')</script>" in text


def test_evidence_pack_html_escapes_and_is_audited(site) -> None:  # type: ignore[no-untyped-def]
    app, county = site
    before = len(audit_entries(app, "export_evidence_pack"))
    html = signed_in(app, "ana").get(f"/adults/{county.darren}/evidence-pack").text
    assert "<script>alert(" not in html and "&lt;script&gt;" in html
    assert "OFFICIAL-SENSITIVE" in html
    signed_in(app, "ana").get(f"/adults/{county.darren}/evidence-pack.pdf")
    entries = audit_entries(app, "export_evidence_pack")[before:]
    assert [(e.actor, e.subject) for e in entries] == [("ana", county.darren)] * 2
    assert ['"format": "html"' in entries[0].detail, '"format": "pdf"' in entries[1].detail] == [
        True,
        True,
    ]
    assert '"items": 8' in entries[0].detail


def test_only_roles_reading_every_agency_get_the_pack(site) -> None:  # type: ignore[no-untyped-def]
    from lantern.app.policy import default_policy

    policy = default_policy()
    for page in (
        "evidence_pack",
        "evidence_pack_pdf",
        "network_evidence_pack",
        "network_evidence_pack_pdf",
    ):
        for role in policy.pages[page].roles:
            assert policy.narratives[role] == "all agencies", (page, role)
    app, county = site
    pat = signed_in(app, "pat")
    for url in (
        f"/adults/{county.darren}/evidence-pack",
        f"/adults/{county.darren}/evidence-pack.pdf",
        f"/networks/{county.network}/evidence-pack.pdf",
    ):
        assert pat.get(url).status_code == 403


def test_a_role_let_in_by_the_policy_file_alone_is_still_refused(site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The pack's own check: a policy file edited to give a practitioner the page is not enough."""
    import dataclasses

    app, county = site
    state = app.state.lantern
    page = state.policy.pages["evidence_pack"]
    widened = dataclasses.replace(page, roles=page.roles | {"practitioner"})
    monkeypatch.setitem(state.policy.pages, "evidence_pack", widened)
    response = signed_in(app, "pat").get(f"/adults/{county.darren}/evidence-pack")
    assert response.status_code == 403
    assert "only a role that reads them all" in text_of(response.text)


# men known only by a car, phone or street name (score/unidentified.py) ---------------------
def _with_unidentified(county) -> None:  # type: ignore[no-untyped-def]
    import duckdb

    con = duckdb.connect(str(county.path))
    try:
        con.execute("DELETE FROM assessments WHERE kind = 'unidentified'")
        con.execute(
            """
            INSERT INTO assessments (person_id, kind, score, band, first_flagged_at,
                                     network_ids, top_reasons, as_of, linked_children)
            VALUES ('unidentified:street_name:kez', 'unidentified', 24, 'high', DATE '2011-03-02',
                    '', 'no person record: a man known as ''Kez'', linked to 3 children in the '
                        || 'records; linked to a flagged child in 2 records (police, 2011-02-01)',
                    DATE '2011-06-30', 3),
                   ('unidentified:vehicle:AB12CDE', 'unidentified', 8, 'low', NULL, '',
                    'no person record: the driver of vehicle AB12CDE, linked to 1 child',
                    DATE '2011-06-30', 1)
            """
        )
    finally:
        con.close()


def test_mace_pack_lists_men_known_only_by_a_street_name_from_medium(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path, prepare=_with_unidentified)
    page = text_of(signed_in(app, "ana").get("/mace").text)
    assert "Persons of interest with no person record (1)" in page
    row = page[page.index("Persons of interest with no person record (1)") :]
    assert (
        "no person record: a man known as 'Kez', linked to 3 children in the records high (24) 3 "
        "02 Mar 2011 linked to a flagged child in 2 records (police, 2011-02-01)" in row
    )
    assert "AB12CDE" not in page  # low: not put forward
    # a practitioner (one agency's records) has no MACE pack at all
    assert signed_in(app, "pat").get("/mace").status_code == 403
