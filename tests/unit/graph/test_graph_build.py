"""The association graph and networks on hand-built histories with known answers."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from graph_world import World, ring_world
from lantern.graph import stage
from lantern.graph.queries import edges_as_of, links_for_person
from lantern.store.connection import connect


@pytest.fixture
def ring(store_path):
    world = ring_world()
    con = connect(store_path)
    world.write(con)
    summary = stage.run(con)
    yield world, con, summary
    con.close()


def edge(con, src, dst, kind):
    rows = con.execute(
        "SELECT weight, first_available_at, routine, routine_reason, evidence FROM graph_edges "
        "WHERE src = ? AND dst = ? AND kind = ?",
        [src, dst, kind],
    ).fetchall()
    return rows[0] if rows else None


def test_the_ring_is_one_network_and_the_confounders_are_not_in_it(ring):
    w, con, summary = ring
    assert summary.networks == 1
    members = dict(con.execute("SELECT node_id, role_in_network FROM networks").fetchall())
    p = w.pid
    assert members == {
        p("police:amy"): "child",
        p("police:beth"): "child",
        p("police:cara"): "child",
        p("police:dan"): "connector",
        p("police:eve"): "connector",
        "vehicle:AB12CDE": "thing",
        "place:kebab house": "place",
    }
    for outsider in ("social_care:sam", "social_care:fran", "police:ted", "police:dora"):
        assert p(outsider) not in members


def test_protective_roles_and_routine_contact_weigh_nothing(ring):
    w, con, _ = ring
    p = w.pid
    weight, _, routine, reason, _ = edge(con, p("social_care:sam"), p("police:amy"), "co_event")
    assert (weight, routine) == (0.0, True)
    assert "protective" in reason
    weight, _, routine, reason, _ = edge(con, p("police:ted"), p("police:cara"), "co_event")
    assert (weight, routine) == (0.0, True)
    assert reason.startswith("contact spread over 8 ordinary events")
    nodes = dict(con.execute("SELECT node_id, routine FROM graph_nodes").fetchall())
    assert nodes[p("police:ted")] and nodes["vehicle:TX99AXI"] and not nodes[p("police:dan")]


def test_suspect_of_a_child_counts_three_points_times_the_signal(ring):
    w, con, _ = ring
    weight, first, routine, _, evidence = edge(
        con, w.pid("police:dan"), w.pid("police:amy"), "suspect_of"
    )
    assert weight == 3.0 * 1.5
    assert first == datetime(2010, 3, 3, 10, 0)  # recorded, not occurred (2010-03-01)
    assert not routine
    [item] = json.loads(evidence)
    assert item["event_id"] == "police:sx1" and item["role"] == "suspect/victim"


def test_a_shared_car_is_known_only_when_both_records_are(ring):
    w, con, _ = ring
    weight, first, _, _, evidence = edge(
        con, w.pid("police:dan"), w.pid("police:cara"), "shared_thing"
    )
    # The car was stopped with Dan on 2010-05-01; Cara's narrative naming it was recorded 2010-06-10.
    assert first == datetime(2010, 6, 10, 10, 0)
    [item] = json.loads(evidence)
    assert item["via"] == "vehicle:AB12CDE"
    assert item["paired_event_id"] == "police:vs1"


def test_a_nickname_in_a_narrative_links_the_person_who_carries_it(ring):
    w, con, _ = ring
    _, _, _, _, evidence = edge(con, w.pid("police:dan"), w.pid("police:cara"), "text_mention")
    assert json.loads(evidence)[0]["role"] == "named as Dazza/subject"


def test_repeated_presence_at_a_place_makes_a_same_place_edge(ring):
    w, con, _ = ring
    weight, first, _, _, evidence = edge(
        con, w.pid("police:eve"), w.pid("police:beth"), "same_place"
    )
    assert len(json.loads(evidence)) == 2 and weight > 0
    hotspot = con.execute("SELECT place_id, signal_children FROM place_hotspots").fetchall()
    assert hotspot == [("place:kebab house", 3)]


def test_no_edge_is_dated_before_the_records_that_show_it(ring):
    _, con, _ = ring
    recorded = dict(con.execute("SELECT event_id, recorded_at FROM events").fetchall())
    for first, evidence in con.execute(
        "SELECT first_available_at, evidence FROM graph_edges"
    ).fetchall():
        items = json.loads(evidence)
        assert first == min(datetime.fromisoformat(i["available_at"]) for i in items)
        for item in items:
            available = datetime.fromisoformat(item["available_at"])
            for key in ("event_id", "paired_event_id"):
                if item[key]:
                    assert available >= recorded[item[key]]


def test_adult_child_links_list_every_child_an_adult_is_tied_to(ring):
    w, con, _ = ring
    rows = con.execute(
        "SELECT child_id FROM adult_child_links WHERE adult_id = ? AND signal_child ORDER BY child_id",
        [w.pid("police:dan")],
    ).fetchall()
    assert {r for (r,) in rows} == {w.pid("police:amy"), w.pid("police:beth"), w.pid("police:cara")}


def test_links_for_person_gives_evidence_strongest_first(ring):
    w, con, _ = ring
    links = links_for_person(con, w.pid("police:dan"))
    assert links[0].node_id == w.pid("police:amy")  # suspect of her sexual-offence report: 4.5
    cara = next(link for link in links if link.node_id == w.pid("police:cara"))
    assert cara.edge_kinds == ["shared_thing", "text_mention"]  # the car, and "Dazza"
    assert cara.weight == 1.0 + 1.5  # her "vehicle" hit describes the contact: no signal bonus
    assert all(link.weight > 0 for link in links)
    assert links[0].evidence and all("event_id" in e for e in links[0].evidence)


def test_the_graph_as_of_a_date_uses_only_what_was_recorded_by_then(ring):
    w, con, _ = ring
    table = edges_as_of(con, date(2010, 6, 1))
    latest = con.execute(f"SELECT max(first_available_at) FROM {table}").fetchall()[0][0]  # noqa: S608
    assert latest < datetime(2010, 6, 2)
    cara = w.pid("police:cara")
    assert (
        con.execute(
            f"SELECT count(*) FROM {table} WHERE dst = ? OR src = ?",  # noqa: S608
            [cara, cara],
        ).fetchall()[0][0]
        == 0
    )


@pytest.mark.parametrize("day", ["2010-06-12", "2010-07-10", "2011-03-01"])
def test_as_of_equals_a_run_on_the_history_truncated_at_that_date(tmp_path, day):
    """Replay leaks nothing: the graph as of D == the graph built from records recorded by D."""
    cut = datetime.fromisoformat(day + "T23:59:59")
    full = ring_world()
    con = connect(tmp_path / "full.duckdb")
    full.write(con)
    stage.run(con, stats=False)
    edges_as_of(con, date.fromisoformat(day))
    replayed = con.execute(
        "SELECT src, dst, kind, weight, first_available_at, n_events FROM graph_edges_as_of ORDER BY ALL"
    ).fetchall()

    short = ring_world()
    keep = {e["event_id"] for e in short.events if e["recorded_at"] <= cut}
    short.events = [e for e in short.events if e["event_id"] in keep]
    short.event_people = [e for e in short.event_people if e["event_id"] in keep]
    short.thing_mentions = [t for t in short.thing_mentions if t["event_id"] in keep]
    short.hits = [h for h in short.hits if h["event_id"] in keep]
    short.text_mentions = [t for t in short.text_mentions if t["event_id"] in keep]
    con2 = connect(tmp_path / "short.duckdb")
    short.write(con2)
    stage.run(con2, stats=False)
    truncated = con2.execute(
        "SELECT src, dst, kind, weight, first_available_at, n_events FROM graph_edges ORDER BY ALL"
    ).fetchall()
    assert replayed == truncated


def test_a_child_is_under_18_at_the_event(store_path):
    w = World()
    girl = w.person("girl", dob="1992-03-02")
    man = w.person("man", dob="1970-01-01")
    w.event(
        "before",
        type="crime_report",
        at="2010-03-01T12:00:00",
        people={girl: "victim", man: "suspect"},
    )
    w.event(
        "after",
        type="crime_report",
        at="2010-03-02T12:00:00",
        people={girl: "victim", man: "suspect"},
    )
    con = connect(store_path)
    w.write(con)
    stage.run(con, stats=False)
    [(evidence,)] = con.execute(
        "SELECT evidence FROM graph_edges WHERE kind = 'suspect_of'"
    ).fetchall()
    assert [e["event_id"] for e in json.loads(evidence)] == ["police:before"]


def test_a_taxi_driver_named_as_a_suspect_is_never_routine(store_path):
    w = World()
    kids = [w.person(f"k{i}", dob="1997-01-01") for i in range(4)]
    driver = w.person("driver", dob="1960-01-01")
    for n, kid in enumerate(kids * 2):
        w.event(
            f"run{n}",
            agency="education",
            type="note",
            at=f"2011-0{n + 1}-10T08:30:00",
            people={kid: "subject", driver: "associate"},
        )
    e = w.event(
        "sx",
        type="sexual_offence_report",
        at="2011-09-01T22:00:00",
        people={kids[0]: "victim", driver: "suspect"},
    )
    w.hit(e, kids[0], "sexual_abuse_disclosed")
    con = connect(store_path)
    w.write(con)
    stage.run(con, stats=False)
    rows = con.execute(
        "SELECT kind, weight, routine FROM graph_edges WHERE src = ? AND dst = ? ORDER BY kind",
        [w.pid(driver), w.pid(kids[0])],
    ).fetchall()
    assert rows == [("co_event", 2.0, False), ("suspect_of", 4.5, False)]


def test_children_who_only_know_each_other_are_not_a_network(store_path):
    w = World()
    a, b, c = (w.person(n, dob="1997-01-01") for n in "abc")
    for n in range(3):
        e = w.event(
            f"m{n}",
            type="missing_report",
            at=f"2011-0{n + 1}-01T22:00:00",
            people={a: "subject", b: "subject", c: "subject"},
        )
        for kid in (a, b, c):
            w.hit(e, kid, "missing")
            w.hit(e, kid, "substances")
    con = connect(store_path)
    w.write(con)
    summary = stage.run(con, stats=False)
    assert summary.signal_children == 3
    assert summary.networks == 0


def test_a_store_without_indicators_still_builds(store_path):
    w = ring_world()
    con = connect(store_path)
    w.write(con)
    con.execute("DROP TABLE indicator_hits")
    con.execute("DROP TABLE text_mentions")
    summary = stage.run(con, stats=False)
    assert summary.missing_inputs == ("indicator_hits", "text_mentions")
    assert summary.signal_children == 0 and summary.networks == 0 and summary.edges > 0


def test_a_store_without_resolved_persons_is_a_store_error(store_path):
    from lantern.errors import StoreError

    con = connect(store_path)
    con.execute("CREATE TABLE events (event_id VARCHAR)")
    with pytest.raises(StoreError, match="persons"):
        stage.run(con)


def test_a_relative_of_two_sisters_is_family_not_a_network(store_path):
    w = World()
    home = "OX4 1AB"
    sis1 = w.person("sis1", dob="1997-01-01", postcode=home)
    sis2 = w.person("sis2", dob="1998-01-01", postcode=home)
    uncle = w.person("uncle", dob="1970-01-01")
    for n, kid in enumerate([sis1, sis2, sis1]):
        e = w.event(
            f"m{n}",
            type="missing_from_care",
            agency="social_care",
            at=f"2011-0{n + 1}-01T22:00:00",
            people={kid: "subject", uncle: "associate"},
        )
        w.hit(e, kid, "missing")
        w.hit(e, kid, "older_associate")
    con = connect(store_path)
    w.write(con)
    summary = stage.run(con, stats=False)
    assert summary.signal_children == 2
    assert summary.networks == 0
    # The same man with two unrelated girls is a network.
    w2 = World()
    girl1 = w2.person("g1", dob="1997-01-01", postcode="OX4 1AB")
    girl2 = w2.person("g2", dob="1998-01-01", postcode="OX1 2CD")
    man = w2.person("man", dob="1970-01-01")
    for n, kid in enumerate([girl1, girl2, girl1]):
        e = w2.event(
            f"m{n}",
            type="missing_report",
            at=f"2011-0{n + 1}-01T22:00:00",
            people={kid: "subject", man: "associate"},
        )
        w2.hit(e, kid, "older_associate")
    con2 = connect(store_path.with_name("two.duckdb"))
    w2.write(con2)
    assert stage.run(con2, stats=False).networks == 1


def test_a_school_run_taxi_whose_notes_trip_contact_indicators_is_not_a_network(store_path):
    """The notes say "waited in the car": hits that describe the contact cannot vouch for it."""
    w = World()
    kids = [w.person(f"k{i}", dob="1998-01-01", postcode=f"OX{i} 1AB") for i in range(3)]
    driver = w.person("driver", dob="1960-01-01")
    for n, kid in enumerate(kids * 2):
        e = w.event(
            f"run{n}",
            agency="education",
            type="note",
            at=f"2011-0{n + 1}-10T15:30:00",
            people={kid: "subject", driver: "other"},
            things=[("vehicle", "TX99AXI", "seen_with_subject")],
        )
        w.hit(e, kid, "vehicle")
        w.hit(e, kid, "older_associate")
    con = connect(store_path)
    w.write(con)
    summary = stage.run(con, stats=False)
    assert summary.signal_children == 3  # the hits are strong on their own ...
    assert summary.networks == 0  # ... but they do not make the taxi a connector
    routine = con.execute(
        "SELECT routine FROM graph_nodes WHERE node_id = ?", [w.pid(driver)]
    ).fetchall()
    assert routine == [(True,)]  # six contacts, none around an independent signal


def test_a_parents_phone_on_her_childrens_missing_reports_ties_no_network(store_path):
    """Two sisters with signals, reported missing by their mother, whose phone is on her own
    record and on each missing report (the reporting person's number): a family, not a
    network. A man's phone in the same place would still tie them (he protects nobody)."""
    w = World()
    kim = w.person("kim", dob="2004-01-01", given="Kim")
    lou = w.person("lou", dob="2006-01-01", given="Lou")
    mum = w.person("mum", dob="1980-01-01", given="Rubina")
    w.record_thing(mum, "phone", "+447900000001", "2009-01-01T00:00:00")
    for n, child in enumerate([kim, lou, kim, lou]):
        e = w.event(
            f"mp{n}",
            type="missing_report",
            at=f"2019-0{n + 1}-10T22:00:00",
            people={child: "subject", mum: "reporter"},
            things=[("phone", "+447900000001", "other"), ("phone", "+447900000002", "other")],
        )
        w.hit(e, child, "missing")
        w.hit(e, child, "sexual_abuse_disclosed")
    con = connect(store_path)
    try:
        w.write(con)
        stage.run(con)
        routine = dict(
            con.execute(
                "SELECT contact_id, bool_and(routine) FROM graph_edges "
                "WHERE contact_id LIKE 'phone:%' GROUP BY contact_id"
            ).fetchall()
        )
        assert routine == {"phone:+447900000001": True, "phone:+447900000002": False}
        reason = con.execute(
            "SELECT any_value(routine_reason) FROM graph_edges "
            "WHERE contact_id = 'phone:+447900000001'"
        ).fetchone()[0]
        assert reason == "the own phone or vehicle of an adult recorded protecting a child"
    finally:
        con.close()
