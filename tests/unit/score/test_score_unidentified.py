"""A man known only by a car (no person record holds it) is a person of interest of his own,
scored as an adult is from the children linked to the car, replayed by `recorded_at`
(score/unidentified.py, `Replay.thing_links`)."""

from datetime import date

import duckdb

from lantern.score import stage
from score_world import county, graph_built

CAR = "unidentified:vehicle:AB12CDE"


def scored(as_of: date | None = None) -> duckdb.DuckDBPyConnection:
    """The test county with no graph stage: nothing says whose car AB12 CDE is."""
    con = duckdb.connect()
    county().write(con)
    stage.run(con, as_of)
    return con


def test_a_car_seen_with_two_flagged_girls_is_a_person_of_interest_at_medium():
    con = scored()
    row = con.execute(
        "SELECT kind, score, band, first_flagged_at, linked_children, records, top_reasons "
        "FROM assessments WHERE person_id = ?",
        [CAR],
    ).fetchone()
    kind, score, band, flagged_at, linked, records, reasons = row
    assert (kind, score, band, linked, records) == ("unidentified", 16.0, "medium", 2, "")
    # Bea was flagged on 3 July but seen in the car only on 20 July: not before
    assert flagged_at == date(2010, 7, 20)
    assert reasons.startswith("no person record: the driver of vehicle AB12CDE")
    evidence = con.execute(
        "SELECT agency, event_id FROM score_reasons WHERE person_id = ? AND points > 0", [CAR]
    ).fetchall()
    assert ("police", "police:vB") in evidence  # each reason names its record and agency


def test_the_band_replays_what_was_recorded_by_each_date():
    assert scored(date(2010, 7, 19)).execute(
        "SELECT band FROM assessments WHERE person_id = ?", [CAR]
    ).fetchall() == [("low",)]
    history = (
        scored()
        .execute('SELECT "at", band FROM score_history WHERE person_id = ? ORDER BY "at"', [CAR])
        .fetchall()
    )
    assert history == [(date(2010, 6, 1), "low"), (date(2010, 7, 20), "medium")]


def test_a_car_a_mans_own_record_holds_is_his_not_an_unidentified_mans():
    # With the graph stage the car is Xan's: his records are the suspect's in the events
    # that name it as used by the suspect, so his own row carries it.
    con = graph_built(county())
    stage.run(con)
    assert con.execute(
        "SELECT count(*) FROM assessments WHERE kind = 'unidentified'"
    ).fetchone() == (0,)
