"""The score stage on hand-built contract tables (score_world)."""

import random
from datetime import date

import duckdb
import pytest

from lantern.errors import StoreError
from lantern.score import stage
from score_world import county

END = date(2010, 12, 31)


def scored(world, as_of=END, until=None):
    con = duckdb.connect()
    world.write(con, until=until)
    summary = stage.run(con, as_of)
    return con, summary


def rows(con, sql):
    return con.execute(sql).fetchall()


def assessment(con, records):
    out = rows(
        con,
        "SELECT kind, score, band, first_flagged_at, linked_children FROM assessments "  # noqa: S608
        f"WHERE records = '{records}'",
    )
    assert len(out) == 1, records
    return out[0]


def test_girls_around_one_adult_are_flagged_and_the_adult_with_them():
    con, summary = scored(county())
    assert summary.children == 4
    assert assessment(con, "health:A2;police:A1;social_care:A3")[3] is not None
    kind, _, _, flagged_at, _ = assessment(con, "police:X1")
    assert kind == "adult"
    assert flagged_at == date(2010, 7, 3)  # the day Bea's disclosure was recorded
    # In the summer both girls were flagged around him; by December Amy's signals have aged,
    # but she was flagged, and a link to her still counts as one to a flagged child.
    summer, _ = scored(county(), as_of=date(2010, 7, 31))
    assert assessment(summer, "police:X1")[2:] == ("medium", date(2010, 7, 3), 2)
    assert assessment(con, "police:X1")[4] == 2


def test_the_law_flags_bea_on_the_day_her_disclosure_was_recorded_not_when_it_happened():
    con, _ = scored(county())
    kind, _, band, flagged_at, _ = assessment(con, "police:B1")
    assert kind == "child" and band in ("medium", "high")
    assert flagged_at == date(2010, 7, 3)


def test_a_runaway_alone_is_not_high():
    con, _ = scored(county())
    assert assessment(con, "health:D2;police:D1")[2] in ("none", "low", "medium")


def test_cara_gains_points_for_the_adult_around_two_flagged_girls_with_the_evidence():
    con, _ = scored(county())
    person = rows(con, "SELECT person_id FROM assessments WHERE records = 'police:C1'")[0][0]
    links = rows(
        con,
        f"SELECT points, event_id, evidence FROM score_reasons WHERE person_id = '{person}' "  # noqa: S608
        "AND category = 'links'",
    )
    assert links and links[0][0] > 0
    assert links[0][1] in ("police:mC1", "police:mC2")
    assert "police:X1" in links[0][2] and "other flagged child" in links[0][2]


def test_every_score_is_the_sum_of_its_reasons_and_each_reason_cites_a_real_event():
    con, _ = scored(county())
    mismatched = rows(
        con,
        """
        SELECT a.person_id, a.score, sum(r.points)
        FROM assessments a JOIN score_reasons r USING (person_id)
        GROUP BY ALL HAVING abs(a.score - sum(r.points)) > 0.05
        """,
    )
    assert mismatched == []
    orphans = rows(
        con,
        "SELECT event_id FROM score_reasons WHERE event_id IS NOT NULL "
        "AND event_id NOT IN (SELECT event_id FROM events)",
    )
    assert orphans == []


def test_health_records_count_for_amy_only_from_the_day_they_are_linked_to_her():
    # Amy's STI (May) is in a health record joined to her police record only in September.
    con, _ = scored(county(), as_of=date(2010, 8, 1))
    amy = rows(con, "SELECT records FROM assessments WHERE records LIKE '%police:A1%'")[0][0]
    assert amy == "police:A1;social_care:A3"
    health = rows(con, "SELECT records, score FROM assessments WHERE records = 'health:A2'")
    assert health and health[0][1] > 0  # scored on its own, as the person it then was
    cited = rows(
        con,
        "SELECT r.event_id FROM score_reasons r JOIN assessments a USING (person_id) "
        "WHERE a.records = 'police:A1;social_care:A3'",
    )
    assert "health:hA" not in {e for (e,) in cited}
    later, _ = scored(county(), as_of=date(2010, 9, 30))
    cited = rows(
        later,
        "SELECT r.event_id FROM score_reasons r JOIN assessments a USING (person_id) "
        "WHERE a.records LIKE '%police:A1%'",
    )
    assert "health:hA" in {e for (e,) in cited}


HISTORY = 'SELECT cluster, track, "at", score, band FROM score_history'


@pytest.mark.parametrize(
    "cut",
    [
        date(2010, 3, 31),
        date(2010, 6, 30),
        date(2010, 7, 3),
        date(2010, 8, 31),
        date(2010, 10, 15),
        END,
    ],
)
def test_no_later_record_leaks_into_an_earlier_date(cut):
    """Truncate the data at D and run it; compare with the full run's state as of D."""
    world = county()
    truncated, _ = scored(world, as_of=cut, until=cut)
    # The full run's history up to D: the same persons flagged, on the same dates.
    full, _ = scored(world)
    order = " ORDER BY ALL"
    assert rows(full, HISTORY + f" WHERE \"at\" <= DATE '{cut}'" + order) == rows(
        truncated, HISTORY + order
    )
    # The full data assessed as of D: the same scores, bands, dates and reasons.
    as_of, _ = scored(world, as_of=cut)
    for table in ("assessments", "score_history", "score_reasons"):
        query = f"SELECT * FROM {table} ORDER BY ALL"  # noqa: S608
        assert rows(as_of, query) == rows(truncated, query), table


def test_the_full_run_remembers_when_each_child_was_first_flagged():
    world = county()
    full, _ = scored(world)
    early, _ = scored(world, as_of=date(2010, 7, 31))
    flagged_early = dict(
        rows(
            early,
            "SELECT records, first_flagged_at FROM assessments WHERE first_flagged_at IS NOT NULL",
        )
    )
    flagged_full = dict(rows(full, "SELECT records, first_flagged_at FROM assessments"))
    for records, at in flagged_early.items():
        finals = [r for r in flagged_full if set(records.split(";")) <= set(r.split(";"))]
        assert len(finals) == 1
        assert flagged_full[finals[0]] <= at


def test_shuffling_ethnicity_changes_nothing():
    world = county()
    before, _ = scored(world)
    values = list(world.ethnicity.values())
    random.Random(4).shuffle(values)
    world.ethnicity = dict(zip(world.ethnicity, ["Z9"] + values[1:], strict=True))
    after, _ = scored(world)
    for table in ("assessments", "score_reasons", "score_history", "network_assessments"):
        query = f"SELECT * FROM {table} ORDER BY ALL"  # noqa: S608
        assert rows(before, query) == rows(after, query)


def test_a_store_without_the_earlier_stages_is_a_store_error():
    with pytest.raises(StoreError, match="indicator_hits"):
        stage.run(duckdb.connect())


def test_a_flagged_child_is_held_at_medium_after_the_records_go_quiet_then_released():
    amy = "health:A2;police:A1;social_care:A3"
    quiet, _ = scored(county(), as_of=date(2011, 6, 30))
    _, points, band, flagged_at, _ = assessment(quiet, amy)
    assert band == "medium" and points < 16 and flagged_at is not None
    held = rows(
        quiet,
        "SELECT r.evidence FROM score_reasons r JOIN assessments a USING (person_id) "  # noqa: S608
        f"WHERE a.records = '{amy}' AND r.category = 'hold'",
    )
    assert held and "unless a person reviews it" in held[0][0]
    world = county()
    world.event("police:late", "2022-06-30", people={"police:B1": "subject"})  # years on
    released, _ = scored(world, as_of=date(2022, 6, 30))
    assert assessment(released, amy)[2] in ("none", "low")
    assert assessment(released, amy)[3] == flagged_at  # the first flag date stays


def test_a_person_with_two_dates_of_birth_in_a_tie_takes_the_earliest_every_time():
    from score_world import World

    world = World()
    world.person("police:T1", "1990-03-01")
    world.person("health:T2", "1996-03-01")  # the same person, recorded differently
    world.link("police:T1", "health:T2", "2010-01-01")
    world.event("police:e1", "2010-02-01", people={"police:T1": "subject"})
    world.hit("police:e1", "police:T1", "missing_episode", "missing", 3.0)
    children = "SELECT count(*) FROM assessments WHERE kind = 'child'"
    for _ in range(3):  # 20 on the day (the earlier date of birth, as the graph has it): an
        assert rows(scored(world)[0], children) == [(0,)]  # adult with no links, not listed
    world.person("education:T3", "1996-03-01")  # now 1996 is the more common
    world.link("health:T2", "education:T3", "2010-01-01")
    assert rows(scored(world)[0], children) == [(1,)]


def test_each_child_carries_the_floor_the_law_set_and_the_band_of_their_points_alone():
    """The app says "held by the law on age" from these two facts, never re-banding itself."""
    from lantern.score.weights import load_weights

    bands = load_weights().child.bands
    con, _ = scored(county())
    written = {
        records: (kind, score, band, floor, points_band)
        for records, kind, score, band, floor, points_band in rows(
            con,
            "SELECT records, kind, score, band, legal_floor, points_band FROM assessments",
        )
    }
    _, score, band, floor, points_band = written["police:B1"]  # a disclosure the law floors
    assert floor == "medium" and points_band == bands.band(score)
    assert band == max((floor, points_band), key=("none", "low", "medium", "high").index)
    for kind, score, _, floor, points_band in written.values():
        if kind != "child":  # an adult, or a man known only by a car or phone
            assert floor is None and points_band is None
        elif floor is None:
            assert points_band == bands.band(score)
