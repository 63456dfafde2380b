"""The adults' evidence picture (lantern.graph.adult_evidence): what each item rests on, a child's
disclosure linked to her later withdrawal, disruptions and the months either side of them."""

from __future__ import annotations

from datetime import date

import pytest

from graph_world import World, ring_world
from lantern.graph import stage
from lantern.store.connection import connect


def _rows(con, sql: str, params=None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


@pytest.fixture
def ring(store_path):
    """The ring world, plus Amy's later withdrawal and two disruption actions."""
    w = ring_world()
    amy = next(p["record_id"] for p in w.people if p["person_ref"] == "amy")
    dan = next(p["record_id"] for p in w.people if p["person_ref"] == "dan")
    w.event(
        "m9",
        type="missing_report",
        at="2010-03-20T22:00:00",
        people={amy: "subject"},
    )
    w.event(
        "wd1",
        type="crime_report",
        at="2010-04-10T10:00:00",
        people={amy: "victim"},
        narrative="Amy contacted OIC and withdrew her statement. She does not support a "
        "prosecution.",
    )
    con = connect(store_path)
    w.write(con)
    con.execute(
        "CREATE TABLE disruption_actions (agency VARCHAR, action_ref VARCHAR, action VARCHAR, "
        "target_kind VARCHAR, person_ref VARCHAR, target_value VARCHAR, started_on DATE, "
        "ended_on DATE, recorded_at TIMESTAMP, owner VARCHAR, outcome VARCHAR)"
    )
    con.execute(
        "INSERT INTO disruption_actions VALUES "
        "('police', 'D1', 'cawn', 'person', 'dan', NULL, DATE '2010-06-20', NULL, "
        " TIMESTAMP '2010-06-20 12:00:00', 'DC Shah', 'served'), "
        "('police', 'D2', 'anpr_marker', 'vehicle', NULL, 'ab12 cde', DATE '2010-06-21', NULL, "
        " TIMESTAMP '2010-06-21 12:00:00', 'Intel unit', NULL), "
        "('police', 'D3', 'premises_visit', 'place', NULL, 'Kebab  House', DATE '2010-08-01', "
        " NULL, TIMESTAMP '2010-08-01 12:00:00', 'PCSO team', 'advice given')"
    )
    stage.run(con, stats=False)
    yield con, w, w.pid(amy), w.pid(dan)
    con.close()


def test_a_disclosure_and_its_later_withdrawal_are_linked_with_what_came_between(ring):
    con, _, amy, dan = ring
    rows = _rows(
        con,
        "SELECT adult_id, disclosure_event_id, withdrawal_event_id, days_between, "
        "withdrawal_words, missing_between FROM account_withdrawals WHERE child_id = ?",
        [amy],
    )
    assert rows == [
        (dan, "police:sx1", "police:wd1", 40,
         "withdrew her statement … does not support a prosecution", 1),
    ]  # fmt: skip


def test_each_item_is_classed_by_what_it_rests_on(ring):
    con, w, amy, dan = ring
    items = _rows(
        con,
        "SELECT event_id, kind, child_id, account_of, withdrawn FROM adult_evidence "
        "WHERE adult_id = ? ORDER BY event_id, kind",
        [dan],
    )
    by_event = {(e, k): (c, a, wd) for e, k, c, a, wd in items}
    beth = w.pid("police:beth")
    cara = w.pid("police:cara")
    # Amy's own complaint rests on her account, which she later withdrew: kept, and marked
    assert by_event[("police:sx1", "child_account")] == (amy, amy, True)
    # a missing report by Beth's carer naming Dan: a third party's report
    assert by_event[("police:m1", "third_party_report")] == (beth, None, False)
    # Cara's own words name his car: a vehicle, resting on her account
    assert by_event[("social_care:sc1", "vehicle")] == (cara, cara, False)
    # his car stopped by the police, the same car a child named: a vehicle stop, no child's word
    assert by_event[("police:vs1", "vehicle")] == (None, None, False)


def test_setting_aside_one_childs_account_leaves_the_independent_items(ring):
    con, _, amy, dan = ring
    (left,) = _rows(
        con,
        "SELECT count(*) FROM adult_evidence WHERE adult_id = ? "
        "AND (account_of IS NULL OR account_of <> ?)",
        [dan, amy],
    )[0]
    assert left >= 3


def test_disruptions_are_resolved_to_their_targets(ring):
    con, _, _, dan = ring
    rows = _rows(
        con,
        "SELECT disruption_id, target_kind, target_id, action, owner, started_on "
        "FROM disruptions ORDER BY disruption_id",
    )
    assert rows == [
        ("police:D1", "person", dan, "cawn", "DC Shah", date(2010, 6, 20)),
        ("police:D2", "vehicle", "vehicle:AB12CDE", "anpr_marker", "Intel unit", date(2010, 6, 21)),
        ("police:D3", "place", "place:kebab house", "premises_visit", "PCSO team", date(2010, 8, 1)),
    ]  # fmt: skip


def test_activity_months_count_sightings_children_and_missing_episodes(ring):
    con, _, amy, dan = ring
    months = {
        m: (s, c, mi)
        for m, s, c, mi in _rows(
            con,
            "SELECT month, sightings, children_seen, missing_episodes FROM target_activity_months "
            "WHERE target_kind = 'person' AND target_id = ? ORDER BY month",
            [dan],
        )
    }
    assert months[date(2010, 3, 1)][0:2] == (1, 1)  # Amy's report
    assert months[date(2010, 4, 1)][0:2] == (1, 1)  # Beth's missing report
    # Amy's missing episode in March and Beth's in April: children linked to Dan
    assert months[date(2010, 3, 1)][2] >= 1
    assert months[date(2010, 4, 1)][2] >= 1
    places = _rows(
        con,
        "SELECT count(*) FROM target_activity_months WHERE target_id = 'place:kebab house'",
    )
    assert places[0][0] >= 1


def test_a_denial_with_no_earlier_disclosure_is_not_a_withdrawal(store_path):
    w = World()
    girl = w.person("girl", dob="1997-01-01")
    w.event(
        "r1",
        agency="social_care",
        type="return_home_interview",
        at="2010-03-01T10:00:00",
        people={girl: "subject"},
        narrative="She denies anything happened with the older lads.",
    )
    con = connect(store_path)
    w.write(con)
    stage.run(con, stats=False)
    assert _rows(con, "SELECT count(*) FROM account_withdrawals") == [(0,)]
    assert _rows(con, "SELECT count(*) FROM disruptions") == [(0,)]
