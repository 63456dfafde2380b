"""The analyst's workbench: the most-connected list, the path finder and network exports."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile

import duckdb
import pytest

from app_harness import signed_in
from workbench_harness import make_workbench_app


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    app, county = make_workbench_app(tmp_path_factory.mktemp("workbench"))
    return app, county, signed_in(app, "ana"), signed_in(app, "pat"), signed_in(app, "sue")


def _ranked(html: str) -> list[str]:
    return re.findall(r'data-node="([^"]+)"', html)


def test_most_connected_ranks_from_graph_stats_and_sorts_both_ways(site) -> None:  # type: ignore[no-untyped-def]
    _, county, analyst, _, _ = site
    html = analyst.get("/workbench/connected").text
    assert "measures from the last graph build" in html
    ranked = _ranked(html)
    assert ranked[0] == county.darren  # the adult linked to both girls, their car and phone
    ascending = _ranked(analyst.get("/workbench/connected?sort=weighted_degree&order=asc").text)
    assert ascending[-1] == county.darren and ascending[0] != county.darren
    by_betweenness = analyst.get("/workbench/connected?sort=betweenness").text
    assert (
        'aria-sort="descending"><a class="govuk-link" href="/workbench/connected?sort=betweenness&amp;order=asc"'
        in by_betweenness
    )


def test_most_connected_names_a_person_as_their_own_page_does(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The graph's label is one record's spelling; the demo's list read "LUCY Chaudhry"."""

    def shout(county):  # type: ignore[no-untyped-def]
        con = duckdb.connect(str(county.path))
        con.execute(
            "UPDATE graph_nodes SET label = 'DARREN mills' WHERE node_id = ?", [county.darren]
        )
        con.close()

    app, county = make_workbench_app(tmp_path, prepare=shout)
    html = signed_in(app, "ana").get("/workbench/connected").text
    assert f'href="/people/{county.darren}">Darren Mills</a>' in html
    assert "DARREN mills" not in html


def test_most_connected_filters_by_kind_and_link_kind(site) -> None:  # type: ignore[no-untyped-def]
    _, county, analyst, _, _ = site
    vehicles = _ranked(analyst.get("/workbench/connected?kind=vehicle").text)
    assert vehicles == [county.vehicle]
    co_event = analyst.get("/workbench/connected?link=co_event").text
    assert "over the links that match the filters, from the last graph build" in co_event
    ids = _ranked(co_event)
    assert county.vehicle not in ids and county.liam in ids  # Liam and Mark: a co_event pair


def test_most_connected_filters_by_year_from_precomputed_slices(site) -> None:  # type: ignore[no-untyped-def]
    _, county, analyst, _, _ = site
    # Every dated link of the county is in 2011 (Shaun Kelly's from 28 May 2011).
    html = analyst.get("/workbench/connected?year=2011").text
    assert '<option value="2011" selected>' in html
    assert "from the last graph build" in html and "recomputed" not in html
    in_2011 = _ranked(html)
    assert county.shaun in in_2011 and county.darren in in_2011
    assert _ranked(analyst.get("/workbench/connected?year=2010").text) == []
    both = _ranked(analyst.get("/workbench/connected?year=2011&link=at_place").text)
    assert county.shaun in both and county.darren not in both
    odd = analyst.get("/workbench/connected?year=yesterday")
    assert odd.status_code == 200 and _ranked(odd.text) == _ranked(
        analyst.get("/workbench/connected").text
    )


def test_most_connected_is_for_analysts_and_supervisors_and_audited(site) -> None:  # type: ignore[no-untyped-def]
    app, _, _, practitioner, supervisor = site
    assert practitioner.get("/workbench/connected").status_code == 403
    assert supervisor.get("/workbench/connected?kind=place").status_code == 200
    from lantern.app.models import AuditEntry

    with app.state.lantern.session() as db:
        actions = {(e.actor, e.action) for e in db.query(AuditEntry).all()}
    assert ("sue", "view_most_connected") in actions


def test_path_finder_shows_each_hop_with_its_evidence(site) -> None:  # type: ignore[no-untyped-def]
    _, county, analyst, _, _ = site
    html = analyst.get(f"/workbench/path?a={county.kayleigh}&b={county.jade}").text
    assert "Shortest path: 2 links" in html and "Next-shortest path" in html
    first = html[html.index("Shortest path") : html.index("Next-shortest path")]
    assert "Kayleigh Brookes</strong> — <strong>Darren Mills" in first
    assert "police:E2" in first and "19 Mar 2011" in first and "vehicle stop" in first
    assert "Two girls in the back" in first  # an analyst reads every agency's words


def test_path_finder_takes_names_and_asks_when_a_name_is_ambiguous(site) -> None:  # type: ignore[no-untyped-def]
    _, county, analyst, _, _ = site
    html = analyst.get("/workbench/path?a=Jade+Whitfield&b=YX09+ABC").text
    assert "No person, vehicle, phone or place matches that" in html  # b is not an id or name
    html = analyst.get(f"/workbench/path?a=Jade+Whitfield&b={county.vehicle}").text
    assert "Shortest path" in html and "YX09 ABC" in html
    none = analyst.get(f"/workbench/path?a={county.liam}&b={county.jade}").text
    assert 'data-testid="no-path"' in none


def test_a_practitioner_sees_other_agencies_evidence_on_a_path_as_summaries(site) -> None:  # type: ignore[no-untyped-def]
    _, county, _, practitioner, _ = site  # pat works in children's social care
    html = practitioner.get(f"/workbench/path?a={county.kayleigh}&b={county.jade}").text
    assert "police:E2" in html and "vehicle stop" in html
    assert "Two girls in the back" not in html
    assert "Held by Police: the text is not shown to your role" in html


def test_network_exports_download_graphml_csv_and_anx(site) -> None:  # type: ignore[no-untyped-def]
    _, county, analyst, practitioner, _ = site
    page = analyst.get(f"/networks/{county.network}").text
    assert f"/networks/{county.network}/export/anx" in page
    assert f"/workbench/time?subject={county.network}" in page
    graphml = analyst.get(f"/networks/{county.network}/export/graphml")
    assert graphml.status_code == 200
    assert 'filename="lantern-N000001.graphml"' in graphml.headers["content-disposition"]
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    nodes = {n.get("id") for n in ET.fromstring(graphml.content).iterfind(".//g:node", ns)}
    assert {county.kayleigh, county.darren, county.vehicle} <= nodes
    archive = zipfile.ZipFile(
        io.BytesIO(analyst.get(f"/networks/{county.network}/export/csv").content)
    )
    assert sorted(archive.namelist()) == ["lantern-N000001-edges.csv", "lantern-N000001-nodes.csv"]
    assert county.darren in archive.read("lantern-N000001-nodes.csv").decode()
    anx = ET.fromstring(analyst.get(f"/networks/{county.network}/export/anx").content)
    assert anx.tag == "Chart" and anx.find(".//ChartItem/End/Entity") is not None
    assert analyst.get(f"/networks/{county.network}/export/pdf").status_code == 404
    assert analyst.get("/networks/N999999/export/anx").status_code == 404
    assert practitioner.get(f"/networks/{county.network}/export/anx").status_code == 403


def _cells(html: str) -> dict[tuple[int, int], int]:
    found = re.findall(r'data-day="(\d)" data-hour="(\d+)">(\d+)', html)
    return {(int(d), int(h)): int(n) for d, h, n in found}


def test_time_pattern_of_a_child_a_network_and_a_place(site) -> None:  # type: ignore[no-untyped-def]
    _, county, analyst, practitioner, _ = site
    child = analyst.get(f"/workbench/time?subject={county.kayleigh}").text
    # The vehicle stop at 01:20 on Saturday 19 March 2011 is one of Kayleigh's sightings.
    assert _cells(child)[(5, 1)] == 1
    assert 'data-testid="heat-map"' in child and "<caption" in child and 'scope="row"' in child
    missing = _cells(analyst.get(f"/workbench/time?subject={county.kayleigh}&what=missing").text)
    assert (5, 1) not in missing and sum(missing.values()) >= 1
    network = _cells(analyst.get(f"/workbench/time?subject={county.network}").text)
    assert sum(network.values()) >= sum(_cells(child).values())
    place = analyst.get("/workbench/time", params={"subject": "place:Manor Row takeaway"})
    assert place.status_code == 200 and "When: Takeaway, Manor Row, BD1" in place.text
    assert analyst.get("/workbench/time?subject=nobody").status_code == 404
    assert practitioner.get(f"/workbench/time?subject={county.kayleigh}").status_code == 403


def test_time_pattern_names_a_busiest_hour_only_when_one_stands_out(site) -> None:  # type: ignore[no-untyped-def]
    _, county, analyst, _, _ = site
    child = analyst.get(f"/workbench/time?subject={county.kayleigh}").text
    # Kayleigh's 5 missing episodes and sightings fall in 5 different hours: one each, so no
    # hour is the busiest (the page named the first of them, Thursday 14:00)
    assert sorted(_cells(child).values()) == [1] * 5
    summary = child[child.index('data-testid="time-summary"') :].split("</p>")[0]
    assert "5 missing episodes and sightings" in summary and "busiest hour" not in summary
    months = child[child.index('data-testid="by-month"') :].split("</table>")[0]
    assert "Jan 2011" in months and "2011-01" not in months  # a month in words


def test_place_hotspots_list_children_records_by_year_and_link_to_when(site) -> None:  # type: ignore[no-untyped-def]
    _, county, analyst, practitioner, _ = site
    # The graph's place_hotspots (built at one child by the harness): only Kayleigh, of the
    # children at risk, was recorded at the takeaway; the page can raise the bar, not lower it.
    assert "No place has 2 or more children" in analyst.get("/workbench/places?min=2").text
    html = analyst.get("/workbench/places").text
    # at one child the page reads "a child", not "at least 1 children"
    one = " ".join(analyst.get("/workbench/places?min=1").text.split())
    assert "where a child Lantern ranks at risk was recorded" in one
    assert "at least 1 children" not in one
    assert "where at least 2 children Lantern ranks at risk were recorded" in " ".join(
        analyst.get("/workbench/places?min=2").text.split()
    )
    row = html[html.index('data-place="place:Manor Row takeaway"') :].split("</tr>")[0]
    assert "Takeaway, Manor Row, BD1" in row and "Kayleigh Brookes" in row
    assert "2011: 2" in row and "20 May 2011 to 28 May 2011" in row
    assert "/workbench/time?subject=place%3AManor%20Row%20takeaway" in row
    assert practitioner.get("/workbench/places").status_code == 403


def test_the_page_lists_the_places_the_graph_stage_reports_and_no_others(site) -> None:  # type: ignore[no-untyped-def]
    from lantern.app import hotspots

    analytics = site[0].state.lantern.analytics
    reported = {r["place_id"] for r in analytics.q("SELECT place_id FROM place_hotspots")}
    assert reported == {"place:Manor Row takeaway"}
    assert {p["place_id"] for p in hotspots.hotspots(analytics)} == reported
    assert hotspots.hotspots(analytics, 2) == []


def test_child_and_adult_pages_show_their_place_in_the_graph(site) -> None:  # type: ignore[no-untyped-def]
    _, county, analyst, practitioner, _ = site
    adult = analyst.get(f"/adults/{county.darren}").text
    assert 'data-testid="graph-position"' in adult
    assert "4 links (strength 6.0, 1 of" in adult
    assert f"/workbench/path?a={county.darren}" in adult
    child = practitioner.get(f"/children/{county.kayleigh}").text
    assert f"/workbench/path?a={county.kayleigh}" in child
    assert "/workbench/time?" not in child and "/workbench/connected" not in child  # not theirs


def test_a_persons_neighbourhood_downloads_from_their_page(site) -> None:  # type: ignore[no-untyped-def]
    _, county, analyst, practitioner, _ = site
    page = analyst.get(f"/adults/{county.darren}").text
    assert f"/people/{county.darren}/export/anx" in page
    anx = analyst.get(f"/people/{county.darren}/export/anx")
    assert anx.status_code == 200
    assert f'filename="lantern-{county.darren}.anx"' in anx.headers["content-disposition"]
    chart = ET.fromstring(anx.content)
    ids = {e.get("EntityId") for e in chart.iterfind(".//Entity")}
    assert {county.darren, county.kayleigh, county.jade, county.vehicle} <= ids
    assert county.liam not in ids  # not linked to Darren
    assert practitioner.get(f"/people/{county.darren}/export/anx").status_code == 403
    assert (
        f"/people/{county.kayleigh}/export"
        not in practitioner.get(f"/children/{county.kayleigh}").text
    )


def test_a_persons_neighbourhood_graph_is_drawn_for_analysts_and_audited(site) -> None:  # type: ignore[no-untyped-def]
    app, county, analyst, practitioner, _ = site
    page = analyst.get(f"/adults/{county.darren}").text
    assert 'data-testid="neighbourhood"' in page and f"/people/{county.darren}/graph.json" in page
    graph = analyst.get(f"/people/{county.darren}/graph.json").json()
    ids = {n["data"]["id"] for n in graph["nodes"]}
    # Darren, the two girls, the car and the phone: everyone and everything one link away.
    assert {county.darren, county.kayleigh, county.jade, county.vehicle} <= ids
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids for e in graph["edges"])
    darren = next(n["data"] for n in graph["nodes"] if n["data"]["id"] == county.darren)
    assert darren["kind"] == "adult" and darren["href"] == ""
    kayleigh = next(n["data"] for n in graph["nodes"] if n["data"]["id"] == county.kayleigh)
    assert kayleigh["kind"] == "child" and kayleigh["href"] == f"/children/{county.kayleigh}"
    assert practitioner.get(f"/people/{county.darren}/graph.json").status_code == 403
    assert 'data-testid="neighbourhood"' not in practitioner.get(f"/adults/{county.darren}").text
    assert analyst.get("/people/nobody/graph.json").status_code == 404
    from lantern.app.models import AuditEntry

    with app.state.lantern.session() as db:
        actions = {(e.actor, e.action, e.subject) for e in db.query(AuditEntry).all()}
    assert ("ana", "view_neighbourhood_graph", county.darren) in actions


def test_the_apps_warm_up_builds_the_path_finders_graph(site) -> None:  # type: ignore[no-untyped-def]
    from lantern.app import workbench_pages
    from lantern.app.web import warm_up

    app = site[0]
    analytics = app.state.lantern.analytics
    workbench_pages._views.pop(analytics, None)
    warm_up(app.state.lantern)
    view = workbench_pages._views[analytics]
    assert view.vertex(site[1].darren) is not None


def test_a_vehicle_phone_or_place_links_to_its_page_where_the_role_may_open_it(site) -> None:  # type: ignore[no-untyped-def]
    """Most connected and a network's members named the car, the phone and the takeaway
    without a link, though each has its page (`/things`, analysts and supervisors)."""
    _, county, analyst, practitioner, _ = site
    vehicle = 'href="/things/vehicle%3AYX09ABC"'
    place = 'href="/things/place%3AManor%20Row%20takeaway"'
    ranked = analyst.get("/workbench/connected").text
    assert vehicle in ranked and place in ranked
    network = analyst.get(f"/networks/{county.network}").text
    members = network[network.index('data-testid="network-members"') :].split("</ul>")[0]
    assert vehicle in members and place in members and 'href="/things/phone%3A' in members
    # a practitioner opens neither the network nor a thing's page: the refusal, no link
    seen = practitioner.get(f"/networks/{county.network}")
    assert seen.status_code == 403 and "/things/" not in seen.text
