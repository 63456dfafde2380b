"""When one fact shows a tie twice, `graph_evidence` keeps the same row on every run."""

from __future__ import annotations

import pytest

from graph_world import World
from lantern.graph import stage
from lantern.store.connection import connect


def evidence_rows(con, kind: str) -> list[tuple]:
    return con.execute(
        "SELECT src_record, dst_record, src_role, dst_role, paired_event_id, protective "
        "FROM graph_evidence WHERE kind = ? ORDER BY ALL",
        [kind],
    ).fetchall()


@pytest.mark.parametrize("text_first", [False, True])
def test_a_car_recorded_on_the_event_and_named_in_its_notes_keeps_the_recorded_role(
    store_path, text_first
):
    w = World()
    girl = w.person("girl", dob="1997-01-01")
    man = w.person("man", dob="1970-01-01")
    w.record_thing(man, "vehicle", "AB12CDE", recorded="2010-01-01T09:00:00")
    event = w.event(
        "e1",
        type="missing_report",
        at="2010-03-01T22:00:00",
        people={girl: "subject"},
        things=[("vehicle", "AB12CDE", "seen_with_subject")],
    )
    w.text(event, "vehicle", "AB12 CDE", "vehicle:AB12CDE")
    if text_first:
        w.thing_mentions.reverse()
    con = connect(store_path)
    w.write(con)
    stage.run(con, stats=False)
    # One piece of shared-car evidence, whose child side is the role the record gives,
    # not "named_in_narrative" (the same car read from the notes).
    assert evidence_rows(con, "shared_thing") == [
        ("police:man", "police:girl", "owned_by", "seen_with_subject", None, False)
    ]


@pytest.mark.parametrize("order", [("associate", "parent"), ("parent", "associate")])
def test_a_person_in_two_roles_at_one_event_keeps_the_one_that_is_not_protective(store_path, order):
    w = World()
    girl = w.person("girl", dob="1997-01-01")
    man = w.person("man", dob="1970-01-01")
    event = w.event("e1", type="incident", at="2010-03-01T22:00:00", people={girl: "subject"})
    for role in order:
        w.event_people.append(dict(event_id=event, record_id=man, role=role))
    con = connect(store_path)
    w.write(con)
    stage.run(con, stats=False)
    assert evidence_rows(con, "co_event") == [
        ("police:man", "police:girl", "associate", "subject", None, False)
    ]


def test_a_place_visit_paired_by_the_fixed_order_when_two_are_known_at_once(store_path):
    w = World()
    girl = w.person("girl", dob="1997-01-01")
    man = w.person("man", dob="1970-01-01")
    # Two sightings of the man at the place, both recorded before the girl's; the
    # evidence pairs her visit with the same one of them on every run.
    for ref, day in (("m2", "02"), ("m1", "03")):
        w.event(
            ref,
            type="stop_search",
            at=f"2010-03-{day}T21:00:00",
            recorded="2010-03-04T09:00:00",
            place="Kebab King",
            people={man: "subject"},
        )
    w.event(
        "g1",
        type="missing_report",
        at="2010-03-03T23:00:00",
        recorded="2010-03-05T09:00:00",
        place="Kebab King",
        people={girl: "subject"},
    )
    con = connect(store_path)
    w.write(con)
    stage.run(con, stats=False)
    [row] = evidence_rows(con, "same_place")
    assert row[4] == "police:m1"  # the smaller event id, both being known on 2010-03-05


def test_a_persons_home_is_the_postcode_on_most_of_their_records(store_path):
    w = World()
    first = w.person("c0", dob="1997-01-01", postcode="OX4 1AB")
    for n in range(1, 10):
        w.person(f"c{n}", dob="1997-01-01", postcode="OX4 1AB", same_as=first)
    for n in range(10, 19):
        w.person(f"c{n}", dob="1997-01-01", postcode="OX9 9ZZ", same_as=first)
    w.event("e1", type="incident", at="2010-03-01T22:00:00", people={first: "subject"})
    con = connect(store_path)
    w.write(con)
    stage.run(con, stats=False)
    # ten records against nine: counted as numbers, not compared as text ("9" > "10")
    [(home,)] = con.execute(
        "SELECT home FROM graph_person_status WHERE person_id = ?", [w.pid(first)]
    ).fetchall()
    assert home == "OX4 1AB"
