"""The score replay carried forward (lantern.score.carry): a run on a store that holds the last
run's replay state replays only the parts whose facts changed, and writes the same tables as a
replay of everything."""

from datetime import date

import duckdb
import pytest

from lantern.score import stage
from score_world import county, dump_score_tables

END = date(2010, 12, 31)
dump = dump_score_tables


def carried_on(world, first, then, as_of=None):
    """Score the world as recorded by `first`, then as recorded by `then`, carrying forward."""
    con = duckdb.connect()
    world.write(con, until=first)
    stage.run(con)
    world.write(con, until=then)
    summary = stage.run(con, as_of, carry=True)
    return con, summary


def replayed(world, until, as_of=None):
    con = duckdb.connect()
    world.write(con, until=until)
    stage.run(con, as_of)
    return con


@pytest.mark.parametrize(
    ("first", "then"),
    [
        (date(2010, 3, 1), date(2010, 7, 3)),
        (date(2010, 7, 2), date(2010, 7, 3)),  # the day Bea's disclosure is recorded
        (date(2010, 8, 31), date(2010, 10, 15)),
        (date(2010, 10, 15), END),
        (END, END),  # nothing new: everything carried
    ],
)
def test_carried_forward_equals_a_replay_of_everything(first, then):
    world = county()
    con, _ = carried_on(world, first, then)
    assert dump(con) == dump(replayed(world, then))


def test_an_untouched_part_is_carried_and_its_points_fade_to_the_new_day():
    """Years on, a new missing episode for the runaway: his part is replayed; the ring's part
    (Amy, Bea, the adult and the car) is not, yet Amy's hold runs out and every point fades
    to the new day exactly as a replay of everything has them."""
    world = county()
    world.event("police:late", "2022-06-30", people={"police:D1": "subject"})
    world.hit("police:late", "police:D1", "missing_episode", "missing", 2.0)
    con, summary = carried_on(world, END, date(2022, 6, 30))
    assert (summary.parts_carried, summary.replay_parts) == (1, 2)
    assert dump(con) == dump(replayed(world, date(2022, 6, 30)))
    amy = "health:A2;police:A1;social_care:A3"
    band = con.execute("SELECT band FROM assessments WHERE records = ?", [amy]).fetchall()
    assert band[0][0] in ("none", "low")  # held at medium on END, released since


def test_nothing_changed_carries_every_part_and_a_run_without_carry_replays_all():
    world = county()
    _, summary = carried_on(world, END, END)
    assert summary.parts_carried == summary.replay_parts > 0
    con = duckdb.connect()
    world.write(con)
    stage.run(con)
    assert stage.run(con).parts_carried == 0


def test_a_changed_weight_replays_everything():
    from lantern.score.weights import load_weights

    world = county()
    con = duckdb.connect()
    world.write(con)
    stage.run(con)
    weights = load_weights()
    child = weights.child.model_copy(update={"repeat_factor": weights.child.repeat_factor / 2})
    changed = weights.model_copy(update={"child": child})
    summary = stage.run(con, weights=changed, carry=True)
    assert summary.parts_carried == 0


def test_a_state_of_a_later_day_is_not_carried_back():
    world = county()
    con = duckdb.connect()
    world.write(con)
    stage.run(con)  # state on END
    summary = stage.run(con, date(2010, 7, 31), carry=True)
    assert summary.parts_carried == 0
    assert dump(con) == dump(replayed(world, None, date(2010, 7, 31)))


def test_the_fingerprint_and_the_pickle_read_every_field_of_a_hit_and_a_link_fact():
    from dataclasses import fields

    from lantern.score.carry import _fact_fields, _hit_fields
    from lantern.score.points import Hit
    from lantern.score.replay import LinkFact

    hit = Hit("h", "r", "i", "c", 1.0, "a", "e", END, END, "ev", "medium")
    fact = LinkFact(END, "r", "R:x", "person", "e", "a", END, True, False, True)
    assert _hit_fields(hit) == tuple(getattr(hit, f.name) for f in fields(Hit) if f.init)
    assert _fact_fields(fact) == tuple(getattr(fact, f.name) for f in fields(LinkFact))


def test_a_throwaway_store_keeps_no_state():
    con = duckdb.connect()
    county().write(con)
    stage.run(con, keep_state=False)
    assert not con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'score_replay_state'"
    ).fetchall()[0][0]


def test_a_carried_part_with_nothing_due_keeps_its_stored_row_and_the_states_are_read_in_batches(
    monkeypatch,
):
    """The states are read a few at a time (never all at once), and the row of a carried part
    with no decay due is copied in the store as it was, dated the new day; the next run
    carries every part from the rows so written."""
    from lantern.score import carry

    monkeypatch.setattr(carry, "READ_BATCH", 1)
    world = county()
    con = duckdb.connect()
    world.write(con)
    stage.run(con)
    before = dict(con.execute("SELECT fingerprint, state FROM score_replay_state").fetchall())
    summary = stage.run(con, carry=True)
    assert summary.parts_carried == summary.replay_parts == len(before) > 1
    after = con.execute("SELECT fingerprint, until, state FROM score_replay_state").fetchall()
    assert {f: s for f, _, s in after} == before
    assert {u for _, u, _ in after} == {summary.as_of}
    assert stage.run(con, carry=True).parts_carried == len(before)
    assert dump(con) == dump(replayed(world, END))


def _with_a_merge_after(world, day):
    """Eve, a part of her own until `day`; then a record that is Dan's and Eve's at once joins
    their parts, with a new sign for Dan, from `day` on."""
    world.person("social_care:E1", "1995-09-09", sex="M")
    world.event("social_care:eE", "2010-05-05", people={"social_care:E1": "subject"})
    world.hit("social_care:eE", "social_care:E1", "intoxicated", "substances", 2.0)
    world.link("police:D1", "social_care:E1", day)
    world.event("police:late", day, people={"police:D1": "subject"})
    world.hit("police:late", "police:D1", "missing_episode", "missing", 2.0)
    return world


def test_a_touched_part_resumes_from_its_pieces_states_and_only_the_new_days_are_replayed(
    monkeypatch,
):
    """Dan's and Eve's parts become one after the last run's day (a merge). Each was stored on
    that day: the merged part is resumed from the two states, no day before the new one is
    replayed, and the tables equal a replay of everything."""
    from lantern.score.replay import Replay

    world = _with_a_merge_after(county(), "2011-02-01")
    con = duckdb.connect()
    world.write(con, until=END)
    first = stage.run(con)
    stepped: list[date] = []
    step = Replay._step
    monkeypatch.setattr(Replay, "_step", lambda self, day: (stepped.append(day), step(self, day)))
    world.write(con, until=date(2011, 3, 1))
    summary = stage.run(con, carry=True)
    assert first.replay_parts == 3 and summary.replay_parts == 2
    assert (summary.parts_carried, summary.parts_resumed) == (1, 1)
    assert stepped and min(stepped) > END
    monkeypatch.undo()
    assert dump(con) == dump(replayed(world, date(2011, 3, 1)))


def test_a_late_record_dated_before_the_last_run_replays_its_part_from_the_first_day():
    """A hit recorded (dated) before the last run's day that the last run did not have: the
    part's facts up to that day changed, so it cannot resume; it is replayed whole, and the
    tables still equal a replay of everything."""
    world = county()
    con = duckdb.connect()
    world.write(con, until=END)
    stage.run(con)
    world.event("police:old", "2010-06-15", people={"police:D1": "subject"})
    world.hit("police:old", "police:D1", "missing_episode", "missing", 2.0)
    world.event("police:new", "2011-02-01", people={"police:D1": "subject"})
    world.hit("police:new", "police:D1", "missing_episode", "missing", 2.0)
    world.write(con, until=date(2011, 3, 1))
    summary = stage.run(con, carry=True)
    assert (summary.parts_carried, summary.parts_resumed, summary.replay_parts) == (1, 0, 2)
    assert dump(con) == dump(replayed(world, date(2011, 3, 1)))


def test_a_changed_hit_before_the_last_run_replays_its_part_and_a_new_day_alone_resumes():
    """The same new day, once with a record of the last run changed (a hit's weight) and once
    without: only the unchanged history resumes."""

    def run_with(weight):
        world = county()
        con = duckdb.connect()
        world.write(con, until=END)
        stage.run(con)
        world.hits[-1]["weight"] = weight  # Dan's intoxication, 2010-03-03
        world.event("police:new", "2011-02-01", people={"police:D1": "subject"})
        world.hit("police:new", "police:D1", "missing_episode", "missing", 2.0)
        world.write(con, until=date(2011, 3, 1))
        summary = stage.run(con, carry=True)
        assert dump(con) == dump(replayed(world, date(2011, 3, 1)))
        return summary.parts_resumed

    assert run_with(2.0) == 1
    assert run_with(3.0) == 0
