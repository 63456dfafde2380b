"""Replay never uses a future record: for random counties and random dates,
assessing the whole history as of D equals assessing only what was recorded by D."""

from datetime import date, timedelta

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantern.score import stage
from lantern.score.weights import CATEGORIES
from score_world import World, graph_built, with_partition_of

START = date(2010, 1, 1)
END = date(2013, 12, 31)
AGENCIES = ("police", "health", "social_care", "education")


@st.composite
def counties(draw):
    w = World()
    children = draw(st.integers(2, 6))
    adults = draw(st.integers(1, 3))
    records = {}
    for c in range(children):
        agencies = draw(st.lists(st.sampled_from(AGENCIES), min_size=1, max_size=3, unique=True))
        records[c] = [w.person(f"{a}:c{c}", "1997-01-01") for a in agencies]
        for left, right in zip(records[c], records[c][1:], strict=False):
            w.link(left, right, (START + timedelta(days=draw(st.integers(0, 700)))).isoformat())
    grown = [w.person(f"police:x{a}", "1970-01-01", sex="M") for a in range(adults)]
    for n in range(draw(st.integers(1, 25))):
        c = draw(st.integers(0, children - 1))
        record = draw(st.sampled_from(records[c]))
        occurred = START + timedelta(days=draw(st.integers(0, 700)))
        recorded = occurred + timedelta(days=draw(st.sampled_from([0, 0, 1, 30, 400])))
        people = {record: "subject"}
        if draw(st.booleans()):
            people[draw(st.sampled_from(grown))] = draw(st.sampled_from(["suspect", "associate"]))
        agency = record.split(":")[0]
        event = w.event(f"{agency}:e{n}", occurred.isoformat(), recorded.isoformat(), people)
        if draw(st.booleans()):
            w.thing(
                event, "vehicle:AB12CDE", role=draw(st.sampled_from(["used_by_suspect", "other"]))
            )
        for _ in range(draw(st.integers(0, 2))):
            floor = draw(st.sampled_from([None, None, None, "medium", "high"]))
            w.hit(event, record, "sign", draw(st.sampled_from(CATEGORIES)),
                  draw(st.sampled_from([1.0, 2.0, 3.0, 5.0])), floor)  # fmt: skip
    return w


TABLES = ("assessments", "score_history", "score_reasons")
HISTORY = 'SELECT cluster, track, "at", score, band FROM score_history'


def _run(world, as_of, until=None):
    con = duckdb.connect()
    world.write(con, until=until)
    stage.run(con, as_of)
    return con


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=counties(), days=st.integers(0, 1200))
def test_assessing_as_of_a_date_uses_nothing_recorded_after_it(world, days):
    cut = START + timedelta(days=days)
    truncated = _run(world, cut, until=cut)
    full = _run(world, END)
    history = HISTORY + " ORDER BY ALL"
    before_cut = HISTORY + f" WHERE \"at\" <= DATE '{cut}' ORDER BY ALL"
    assert full.execute(before_cut).fetchall() == truncated.execute(history).fetchall()
    as_of = _run(world, cut)
    for table in TABLES:
        query = f"SELECT * FROM {table} ORDER BY ALL"  # noqa: S608
        assert as_of.execute(query).fetchall() == truncated.execute(query).fetchall(), table


NETWORK_TABLES = ("assessments", "score_history", "score_reasons", "network_assessments")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=counties(), days=st.integers(0, 1200))
def test_networks_and_adults_as_of_a_date_use_nothing_recorded_after_it(world, days):
    """The graph finds networks on the whole history (the partition is not replayed); with
    that partition, everything else truncated at D gives the full run's state as of D."""
    cut = START + timedelta(days=days)
    full = graph_built(world)
    stage.run(full, END)
    truncated = with_partition_of(full, world, cut)
    stage.run(truncated, cut)
    as_of = graph_built(world)
    stage.run(as_of, cut)
    for table in NETWORK_TABLES:
        query = f"SELECT * FROM {table} ORDER BY ALL"  # noqa: S608
        assert as_of.execute(query).fetchall() == truncated.execute(query).fetchall(), table
    flagged = (
        "SELECT network_id, first_flagged_at FROM network_assessments "  # noqa: S608
        f"WHERE first_flagged_at <= DATE '{cut}' ORDER BY ALL"
    )
    assert full.execute(flagged).fetchall() == truncated.execute(flagged).fetchall()
