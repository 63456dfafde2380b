"""What the pages show: the chronology and its filters, highlighted spans, language findings,
links, what a practitioner may read, search, the network, and the MACE pack."""

from __future__ import annotations

import pytest

from app_harness import make_app, signed_in
from lantern.app.disclosure import highlight


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    app, county = make_app(tmp_path_factory.mktemp("pages"))
    return app, county, signed_in(app, "ana"), signed_in(app, "pat")


def test_child_page_shows_the_multi_agency_chronology(site) -> None:  # type: ignore[no-untyped-def]
    _, county, analyst, _ = site
    html = analyst.get(f"/children/{county.kayleigh}").text
    for agency in ("Police", "Children&#39;s social care", "Health", "Education"):
        assert f"by {agency}" in html
    assert "Showing 8 of 8 records" in html
    assert html.index("Return home interview") < html.index(
        "Sexual health attendance"
    )  # newest first


def test_chronology_filters_by_agency_and_category(site) -> None:  # type: ignore[no-untyped-def]
    _, county, analyst, _ = site
    police = analyst.get(f"/children/{county.kayleigh}?agency=police").text
    assert "Showing 3 of 8 records" in police and "by Health" not in police
    sexual_health = analyst.get(f"/children/{county.kayleigh}?category=sexual_health").text
    assert "Showing 1 of 8 records" in sexual_health


def test_indicator_spans_are_highlighted_with_their_source(site) -> None:  # type: ignore[no-untyped-def]
    _, county, analyst, _ = site
    html = analyst.get(f"/children/{county.kayleigh}").text
    assert (
        '<mark class="lantern-mark lantern-mark--indicator" title="emergency_contraception (sexual_health)">emergency contraception</mark>'
        in html
    )
    assert '<mark class="lantern-mark lantern-mark--language"' in html
    assert "health:H1" in html


def test_language_findings_name_the_words_the_date_and_the_age(site) -> None:  # type: ignore[no-untyped-def]
    _, county, analyst, _ = site
    html = analyst.get(f"/children/{county.kayleigh}").text
    assert "Recorded as ‘consensual’ on 04 Mar 2011, child aged 13" in html
    assert "Recorded as ‘putting herself at risk’ on 20 May 2011" in html


def test_child_page_lists_linked_adults_vehicles_and_places_and_score_history(site) -> None:  # type: ignore[no-untyped-def]
    _, county, analyst, _ = site
    html = analyst.get(f"/children/{county.kayleigh}").text
    assert "Darren Mills" in html and "Shaun Kelly" in html
    assert "YX09 ABC (silver Vauxhall Astra)" in html
    assert "Takeaway, Manor Row, BD1" in html
    assert 'data-testid="score-history"' in html and "29 May 2011" in html
    assert "could first have been seen on <strong>04 Mar 2011</strong>" in html


def test_a_practitioner_sees_other_agencies_records_as_summaries_only(site) -> None:  # type: ignore[no-untyped-def]
    _, county, _, practitioner = site  # pat works in children's social care
    html = practitioner.get(f"/children/{county.kayleigh}").text
    # own agency: the words
    assert "putting herself at risk" in html
    # other agencies: that the record exists, its date and type, but not the words
    assert "Sexual health attendance" in html and "04 Mar 2011" in html
    assert "Chlamydia" not in html and "requesting emergency contraception" not in html
    assert "Two girls in the back" not in html
    assert "Held by health: the text is not shown to your role" in html
    assert "consensual" not in html


def test_adult_page_shows_linked_children_and_evidence_without_labels(site) -> None:  # type: ignore[no-untyped-def]
    _, county, analyst, _ = site
    html = analyst.get(f"/adults/{county.darren}").text
    assert "Kayleigh Brookes" in html and "Jade Whitfield" in html
    assert "police:E2" in html and "vehicle stop" in html
    assert "offender" not in html.lower() and "perpetrator" not in html.lower()


def test_network_page_and_graph(site) -> None:  # type: ignore[no-untyped-def]
    _, county, analyst, _ = site
    html = analyst.get(f"/networks/{county.network}").text
    assert "2 children, 2 adults" in html
    assert "Kayleigh Brookes — Darren Mills" in html
    graph = analyst.get(f"/networks/{county.network}/graph.json").json()
    assert {n["data"]["id"] for n in graph["nodes"]} >= {
        county.kayleigh,
        county.darren,
        county.vehicle,
    }
    assert any(
        e["data"]["source"] == county.kayleigh and e["data"]["target"] == county.darren
        for e in graph["edges"]
    )


def test_unknown_people_and_networks_are_404(site) -> None:  # type: ignore[no-untyped-def]
    _, _, analyst, _ = site
    assert analyst.get("/children/P9999999999").status_code == 404
    assert analyst.get("/networks/N999999").status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("name=kaylee+brooks", "Kayleigh Brookes"),
        ("name=Daz", "Darren Mills"),
        ("dob=1996-02-03", "Jade Whitfield"),
        ("vehicle=yx09+abc", "Darren Mills"),
        ("phone=%2B44+7700+900123", "Darren Mills"),
    ],
)
def test_search_by_name_date_of_birth_vehicle_and_phone(site, query: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    _, _, analyst, _ = site
    html = analyst.get(f"/search?{query}").text
    assert 'data-testid="search-results"' in html
    assert expected in html


def test_search_says_what_is_wrong_with_a_bad_date(site) -> None:  # type: ignore[no-untyped-def]
    _, _, analyst, _ = site
    assert "Enter the date of birth as YYYY-MM-DD" in analyst.get("/search?dob=3/2/96").text


def test_mace_pack_page_and_pdf(site) -> None:  # type: ignore[no-untyped-def]
    _, _, analyst, _ = site
    html = analyst.get("/mace").text
    assert "Kayleigh Brookes" in html and "Network N000001" in html
    pdf = analyst.get("/mace.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert len(pdf.content) > 5000


def test_highlight_merges_overlapping_spans() -> None:
    segments = highlight(
        "abcdefghij", [(2, 5, "indicator", "a"), (4, 7, "language", "b"), (8, 9, "indicator", "c")]
    )
    assert [s["text"] for s in segments] == ["ab", "cdefg", "h", "i", "j"]
    assert segments[1]["mark"] == "language" and segments[1]["title"] == "a; b"
    assert "".join(s["text"] for s in segments) == "abcdefghij"


def test_a_practitioner_gets_top_reasons_without_other_agencies_words(site) -> None:  # type: ignore[no-untyped-def]
    app, county, analyst, practitioner = site
    from sqlalchemy import select

    from lantern.app.models import Alert

    with app.state.lantern.session() as db:
        alert_id = db.scalar(select(Alert.id).where(Alert.subject_id == county.kayleigh))
    html = practitioner.get(f"/alerts/{alert_id}").text
    assert "under 16 sexual activity with adult (health, 04 Mar 2011)" in html
    assert (
        "Relationship with a 31-year-old male" not in html and "Two girls in the back" not in html
    )
    assert "older boyfriend (social care, 12 Jan 2011): older boyfriend: “older boyfriend”" in html
    assert "gifts or money (social care)" in analyst.get(f"/alerts/{alert_id}").text


def test_mace_pack_lists_adults_at_medium_or_high_only(site) -> None:  # type: ignore[no-untyped-def]
    _, _, analyst, _ = site
    html = analyst.get("/mace").text
    table = html[html.index('data-testid="mace-adults"') :]
    table = table[: table.index("</table>")]
    # Darren (high) and Shaun (medium) are named; Mark (low) is not
    assert "P00000000f6" in table and "P0000000107" in table
    assert "P0000000118" not in table
    assert "Persons posing risk (2)" in html
