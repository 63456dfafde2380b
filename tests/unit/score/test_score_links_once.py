"""`links.one_record_enough`: one concerning record with an adult already named as a suspect
(or an adult or thing already tied to several flagged children) counts as a link."""

from datetime import date

import duckdb
import pytest

from lantern.score import stage
from lantern.score.weights import OneRecordEnough, load_weights
from score_world import county

END = date(2010, 12, 31)


def weights(named_suspect: bool = True, flagged_others: int = 0, off: bool = False):
    base = load_weights()
    rule = OneRecordEnough(named_suspect=named_suspect, flagged_others=flagged_others)
    links = base.child.links.model_copy(update={"one_record_enough": None if off else rule})
    child = base.child.model_copy(update={"links": links})
    return base.model_copy(update={"child": child})


def with_eve():
    """The county, and Eve: seen once, missing, with X1 (named as a suspect in Amy's record of
    1 June and Bea's of 1 July, recorded 3 July) on 20 May, recorded 25 May."""
    w = county()
    w.person("police:E1", "1996-06-06")
    w.event(
        "police:mE",
        "2010-05-20",
        "2010-05-25",
        people={"police:E1": "subject", "police:X1": "associate"},
    )
    w.hit("police:mE", "police:E1", "missing_episode", "missing", 2.0)
    return w


def scored(world, rules, as_of=END, until=None):
    con = duckdb.connect()
    world.write(con, until=until)
    stage.run(con, as_of, weights=rules)
    return con


def eve_links(con):
    return con.execute(
        "SELECT r.points, r.event_id, r.evidence FROM score_reasons r "
        "JOIN assessments a USING (person_id) WHERE a.records = 'police:E1' "
        "AND r.category = 'links'"
    ).fetchall()


def test_one_record_with_a_named_suspect_around_flagged_girls_is_a_link():
    # By December Amy and Bea are flagged and each tied to X1 twice; X1 is a named suspect.
    links = eve_links(scored(with_eve(), weights()))
    assert len(links) == 1
    points, event_id, evidence = links[0]
    assert points > 0 and event_id == "police:mE"
    assert "linked in 1 record to" in evidence and "named as a suspect" in evidence


def test_without_the_rule_one_record_is_not_enough():
    assert eve_links(scored(with_eve(), weights(off=True))) == []


def test_the_shipped_weights_use_the_named_suspect_rule():
    assert load_weights().child.links.one_record_enough == OneRecordEnough(named_suspect=True)


def test_a_thing_or_adult_needs_the_flagged_children_the_rule_asks_for():
    # Only "tied to three flagged children" is on, and X1 is tied to two: no link.
    assert eve_links(scored(with_eve(), weights(named_suspect=False, flagged_others=3))) == []


def test_the_link_counts_only_once_x1_is_named_as_a_suspect_in_a_record_recorded_by_then():
    # On 31 May Eve's record is there, but nobody had yet recorded X1 as a suspect.
    assert eve_links(scored(with_eve(), weights(), as_of=date(2010, 5, 31))) == []


HISTORY = 'SELECT cluster, track, "at", score, band FROM score_history ORDER BY ALL'


@pytest.mark.parametrize(
    "cut", [date(2010, 5, 31), date(2010, 6, 15), date(2010, 7, 2), date(2010, 7, 3), END]
)
def test_no_later_record_leaks_into_an_earlier_date_with_the_rule(cut):
    """Truncate the data at D and run it; compare with the full data assessed as of D."""
    world, rules = with_eve(), weights(named_suspect=True, flagged_others=2)
    truncated = scored(world, rules, as_of=cut, until=cut)
    as_of = scored(world, rules, as_of=cut)
    for table in ("assessments", "score_history", "score_reasons"):
        query = f"SELECT * FROM {table} ORDER BY ALL"  # noqa: S608
        assert as_of.execute(query).fetchall() == truncated.execute(query).fetchall(), table
    full = scored(world, rules)
    upto = f'SELECT cluster, track, "at", score, band FROM score_history WHERE "at" <= DATE \'{cut}\' ORDER BY ALL'  # noqa: S608
    assert full.execute(upto).fetchall() == truncated.execute(HISTORY).fetchall()


FAY_DAY = date(2010, 8, 10)


def with_fay(role: str = "seen_with_subject"):
    """The county, and Fay: missing once, seen getting into car AB12CDE (recorded as used by
    suspect X1 in Amy's record of 1 June and Bea's of 20 July) on 1 Aug, no adult named."""
    w = county()
    w.person("police:F1", "1997-03-03")
    w.event("police:mF", "2010-08-01", people={"police:F1": "subject"})
    w.hit("police:mF", "police:F1", "missing_episode", "missing", 2.0)
    w.thing("police:mF", "vehicle:AB12CDE", role=role)
    return w


def fay_links(con):
    return con.execute(
        "SELECT r.points, r.event_id, r.evidence FROM score_reasons r "
        "JOIN assessments a USING (person_id) WHERE a.records = 'police:F1' "
        "AND r.category = 'links'"
    ).fetchall()


def test_one_record_in_a_car_recorded_as_used_by_a_suspect_is_a_link():
    # Riverside's Chloe: stopped once in Cole's car. The car, not only the man, counts: Amy
    # is tied to it twice and flagged on her own signs on 10 Aug (by December they have
    # faded under medium), so Fay's one record with it earns the link.
    links = fay_links(scored(with_fay(), weights(), as_of=FAY_DAY))
    assert len(links) == 1
    points, event_id, evidence = links[0]
    assert points == load_weights().child.links.points_per_flagged_other
    assert event_id == "police:mF"
    assert evidence.startswith("linked in 1 record to vehicle AB12CDE")
    assert "recorded as used by a suspect" in evidence


def test_one_record_in_a_car_is_not_enough_without_the_rule():
    assert fay_links(scored(with_fay(), weights(off=True), as_of=FAY_DAY)) == []


def test_a_car_no_record_says_a_suspect_used_is_not_enough_in_one_record():
    world = with_fay()
    for mention in world.thing_mentions:
        mention["role"] = "seen_with_subject"
    assert fay_links(scored(world, weights(), as_of=FAY_DAY)) == []


def test_no_later_record_leaks_into_the_car_link():
    world = with_fay()
    truncated = scored(world, weights(), as_of=FAY_DAY, until=FAY_DAY)
    assert fay_links(truncated) == fay_links(scored(world, weights(), as_of=FAY_DAY))


def test_a_link_reason_counts_one_record_in_the_singular():
    from lantern.score.points import _records

    assert _records(1) == "1 record"
    assert _records(3) == "3 records"
