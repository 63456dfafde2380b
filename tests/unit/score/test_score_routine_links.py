"""Links to a routine contact: the graph's pattern of contact, judged as of each record.

A taxi seen with many children in records whose only sign is the car itself is a service; a
car seen with children around missing episodes is a link; so is anything named a suspect's.
"""

from datetime import date

import duckdb

from lantern.score import facts, stage
from score_world import World

END = date(2011, 12, 31)


def school_run_county() -> World:
    """Eight children each driven by the taxi TAXI1 twice (a vehicle hit: "collected by a
    car"), and the car CAR1 seen with two of them on missing episodes."""
    w = World()
    for i in range(8):
        child = w.person(f"education:C{i}", "1997-01-01")
        for k in range(2):
            event = w.event(
                f"education:t{i}{k}", f"2010-{1 + i:02d}-{10 + k * 5:02d}",
                people={child: "subject"}, event_type="school_concern",
            )  # fmt: skip
            w.thing(event, "vehicle:TAXI1", role="other")
            w.hit(event, child, "vehicle_sighting", "vehicle", 2.0)
    for i in (0, 1):
        for k in range(2):
            event = w.event(
                f"police:m{i}{k}", f"2011-0{3 + k}-1{i}",
                people={f"education:C{i}": "subject"}, event_type="missing_report",
            )  # fmt: skip
            w.thing(event, "vehicle:CAR1")
            w.hit(event, f"education:C{i}", "missing_episode", "missing", 1.0)
    return w


def link_facts(world: World) -> dict[tuple[str, str], bool]:
    con = duckdb.connect()
    world.write(con)
    rows = facts.read_link_facts(con, END, ["suspect", "offender"], routine=facts.RoutineRule())
    return {(f.event_id, f.target): f.qualifies for f in rows}


def test_the_taxi_stops_counting_once_its_pattern_is_routine_and_never_earlier():
    found = link_facts(school_run_county())
    taxi = sorted((event, q) for (event, target), q in found.items() if target == "vehicle:TAXI1")
    # the first five school-run records (three children) were all the taxi had by then:
    # not yet a pattern, they count; from the sixth record on, 6+ records none around a sign
    assert [q for _, q in taxi[:5]] == [True] * 5
    assert not any(q for _, q in taxi[5:])


def test_a_car_seen_around_missing_episodes_still_links():
    found = link_facts(school_run_county())
    assert all(q for (event, target), q in found.items() if target == "vehicle:CAR1")
    assert sum(1 for (_, target) in found if target == "vehicle:CAR1") == 4


def test_a_routine_looking_contact_named_as_a_suspect_is_never_routine():
    w = school_run_county()
    event = w.event("police:s1", "2011-06-01", people={"education:C7": "subject",
                                                         "police:D1": "suspect"})  # fmt: skip
    w.person("police:D1", "1980-01-01", sex="M")
    w.thing(event, "vehicle:TAXI1", role="used_by_suspect")
    found = link_facts(w)
    # the taxi's person link is through the driver; its vehicle fact in the suspect's record
    # counts whatever the taxi's pattern (used by a suspect)
    assert found[("police:s1", "vehicle:TAXI1")] is True


def taxi_link_reasons(monkeypatch, rule: facts.RoutineRule) -> int:
    w = school_run_county()
    for i in range(8):  # every child flagged on their own signs in late 2010
        event = w.event(f"health:s{i}", "2010-11-01", people={f"education:C{i}": "subject"})
        w.hit(event, f"education:C{i}", "sti", "sexual_health", 5.0)
        w.hit(event, f"education:C{i}", "intoxicated", "substances", 5.0)
        w.hit(event, f"education:C{i}", "sexual_assault_disclosed", "sexual_abuse_disclosed", 5.0)
    monkeypatch.setattr(facts.RoutineRule, "from_graph_rules", classmethod(lambda cls: rule))
    con = duckdb.connect()
    w.write(con)
    stage.run(con, date(2010, 12, 31))
    return con.execute(
        "SELECT count(*) FROM score_reasons WHERE category = 'links' AND evidence LIKE '%TAXI1%'"
    ).fetchall()[0][0]


def test_links_through_a_routine_taxi_add_no_points_in_the_score(monkeypatch):
    # without the pattern (no contact is ever routine) the taxi ties the flagged children
    assert taxi_link_reasons(monkeypatch, facts.RoutineRule(min_events=10**6)) == 8
    # with it, only the first two children (both school runs before the taxi's sixth record)
    # are still tied to each other; the other six children's runs are a service
    assert taxi_link_reasons(monkeypatch, facts.RoutineRule()) == 2


def association_county() -> World:
    """Three girls flagged on their own signs, each seen twice with the car CAR1 on missing
    episodes; and Zoe, whose only records are two with CAR1 (a vehicle sign each)."""
    w = World()
    for i in range(3):
        girl = w.person(f"police:G{i}", "1997-01-01")
        big = w.event(f"health:s{i}", "2010-03-01", people={girl: "subject"})
        w.hit(big, girl, "sti", "sexual_health", 5.0)
        w.hit(big, girl, "intoxicated", "substances", 5.0)
        w.hit(big, girl, "sexual_assault_disclosed", "sexual_abuse_disclosed", 5.0)
        for k in range(2):
            event = w.event(f"police:m{i}{k}", f"2010-04-0{1 + k}", people={girl: "subject"},
                            event_type="missing_report")  # fmt: skip
            w.thing(event, "vehicle:CAR1")
            w.hit(event, girl, "missing_episode", "missing", 1.0)
    zoe = w.person("police:Z1", "1997-01-01")
    for k in range(2):
        event = w.event(f"police:z{k}", f"2010-05-0{1 + k}", people={zoe: "subject"})
        w.thing(event, "vehicle:CAR1")
        w.hit(event, zoe, "seen_in_car_with_adult", "vehicle", 3.0)
    return w


def zoe(min_own_points: float):  # type: ignore[no-untyped-def]
    from lantern.score.weights import load_weights

    base = load_weights()
    links = base.child.links.model_copy(update={"min_own_points": min_own_points})
    weights = base.model_copy(update={"child": base.child.model_copy(update={"links": links})})
    con = duckdb.connect()
    association_county().write(con)
    stage.run(con, date(2010, 6, 1), weights=weights)
    return con.execute(
        "SELECT a.band, count(r.points) FILTER (WHERE r.category = 'links') "
        "FROM assessments a LEFT JOIN score_reasons r USING (person_id) "
        "WHERE a.records = 'police:Z1' GROUP BY a.band"
    ).fetchall()[0]


def test_a_child_with_no_signs_of_her_own_is_not_flagged_by_association_alone():
    # without the gate, three flagged girls around the car lift Zoe's 4.5 points to medium
    band, links = zoe(0.0)
    assert band == "medium" and links == 1
    # with it (the shipped weights: the `low` line), her own 4.5 points are all she has
    band, links = zoe(6.0)
    assert band in ("none", "low") and links == 0
