"""Family ties are context on the chart, not links that make a network (issue 16)."""

from __future__ import annotations

import pytest

from graph_world import World
from lantern.graph import stage
from lantern.store.connection import connect


def cousins(uncle_family: str, *, by_car: bool = False, suspect: bool = False) -> World:
    """Kim and Lia, cousins in two households, each missing twice and found with an adult
    (Ron, or Ron's car): Ron carries `uncle_family` as his family name."""
    w = World()
    kim = w.person("kim", dob="1997-01-01", family="webster", postcode="OX4 1AB")
    lia = w.person("lia", dob="1997-06-01", family="webster", postcode="OX1 2CD")
    ron = w.person("ron", dob="1970-01-01", family=uncle_family, postcode="OX3 9ZZ")
    w.event("own", type="vehicle_stop", at="2009-12-01T20:00:00", people={ron: "subject"},
            things=[("vehicle", "RON1CAR", "owned_by")])  # fmt: skip
    for i, child in enumerate((kim, lia, kim, lia)):
        people = {child: "subject"}
        if not by_car:
            people[ron] = "suspect" if suspect else "associate"
        e = w.event(f"m{i}", type="found_report", at=f"2010-0{i + 2}-01T23:00:00",
                    people=people,
                    things=[("vehicle", "RON1CAR", "seen_with_subject")] if by_car else None)  # fmt: skip
        w.hit(e, child, "missing")
        w.hit(e, child, "older_associate")
    return w


def networks(world: World, store_path) -> set[str]:  # type: ignore[no-untyped-def]
    con = connect(store_path)
    world.write(con)
    con.execute("ALTER TABLE person_records ADD COLUMN IF NOT EXISTS family_name_norm VARCHAR")
    for p in world.people:
        con.execute("UPDATE person_records SET family_name_norm = ? WHERE record_id = ?",
                    [p["family_name"], p["record_id"]])  # fmt: skip
    stage.run(con)
    found = {r[0] for r in con.execute("SELECT DISTINCT node_id FROM networks").fetchall()}
    con.close()
    return found


@pytest.mark.parametrize("by_car", [False, True])
def test_an_uncle_of_two_cousins_is_family_not_a_network(store_path, by_car):
    assert networks(cousins("webster", by_car=by_car), store_path) == set()


@pytest.mark.parametrize("by_car", [False, True])
def test_the_same_man_of_another_family_links_the_two_girls(store_path, by_car):
    w = cousins("khan", by_car=by_car)
    found = networks(w, store_path)
    assert {w.pid("police:kim"), w.pid("police:lia")} <= found


def test_a_relative_named_as_a_suspect_is_not_excused_by_the_name(store_path):
    w = cousins("webster", suspect=True)
    assert w.pid("police:ron") in networks(w, store_path)
