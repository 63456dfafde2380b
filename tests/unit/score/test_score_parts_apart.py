"""The score replay with each independent part replayed alone (`carry.replay_part`, what
`--engine spark` runs on the executors: lantern.spark.replay) and the states restored into one
replay writes the same tables as the one replay of everything."""

from __future__ import annotations

import pickle
from datetime import date

import duckdb
import pytest

from lantern.score import stage
from lantern.score.carry import PartInputs, _dumps, replay_part
from lantern.score.weights import Weights
from score_world import county, dump_score_tables

END = date(2010, 12, 31)
dump = dump_score_tables


class Apart:
    """Each part replayed alone, its inputs and state through pickles as on an executor."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def __call__(self, parts: list[PartInputs], weights: Weights, until: date) -> list[dict]:
        self.parts = [p.part for p in parts]
        return [
            pickle.loads(_dumps(replay_part(pickle.loads(_dumps(p)), weights, until)))  # noqa: S301
            for p in parts
        ]


@pytest.mark.parametrize("until", [date(2010, 3, 1), date(2010, 7, 3), date(2010, 10, 15), END])
def test_parts_replayed_apart_equal_one_replay(until):
    world = county()
    whole = duckdb.connect()
    world.write(whole, until=until)
    stage.run(whole)
    apart = duckdb.connect()
    world.write(apart, until=until)
    replayer = Apart()
    summary = stage.run(apart, parts_replayed_by=replayer)
    assert dump(apart) == dump(whole)
    assert summary.replay_parts == len(replayer.parts) > 0
    assert summary.parts_carried == summary.replay_parts


def test_years_later_the_points_fade_as_in_one_replay():
    """Queued decays past the parts' last facts run on the driver's replay after the restore."""
    world = county()
    world.event("police:late", "2022-06-30", people={"police:D1": "subject"})
    world.hit("police:late", "police:D1", "missing_episode", "missing", 2.0)
    whole, apart = duckdb.connect(), duckdb.connect()
    for con in (whole, apart):
        world.write(con, until=date(2022, 6, 30))
    stage.run(whole)
    stage.run(apart, parts_replayed_by=Apart())
    assert dump(apart) == dump(whole)


def test_the_next_run_carries_the_states_a_run_apart_stored():
    world = county()
    con = duckdb.connect()
    world.write(con, until=END)
    stage.run(con, parts_replayed_by=Apart())
    carried = stage.run(con, carry=True)
    assert carried.parts_carried == carried.replay_parts > 0


def test_apart_and_carried_are_one_or_the_other():
    con = duckdb.connect()
    county().write(con, until=END)
    with pytest.raises(ValueError, match="one or the other"):
        stage.run(con, carry=True, parts_replayed_by=Apart())
