"""A person's best-supported date of birth: one rule for the legal-age indicators, the score
and the app, with the dates their records disagree on kept and shown."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import duckdb

from indicators_support import Store, hits
from lantern.indicators.stage import run as indicators
from lantern.resolve.decisions import replace_dob_decisions
from lantern.resolve.identity import build_person_identity
from lantern.store.connection import connect

AGREED = date(2001, 9, 13)
POLICE = date(2002, 9, 13)  # one agency's typo: a year out
EVENT = datetime(2015, 6, 10, 12)  # 13 on the agreed date, 12 on the police one


def _millie(store: Store) -> str:
    for agency in ("social_care", "health", "education"):
        store.person("MB1", agency=agency, dob=AGREED, person_id="Pmillie")
    return store.person("MB1", agency="police", dob=POLICE, person_id="Pmillie")


def test_the_date_most_records_give_stands_and_the_others_are_kept() -> None:
    store = Store()
    _millie(store)
    store.person("T1", agency="health", dob=date(2005, 1, 2), person_id="Ptie")
    store.person("T2", agency="police", dob=date(2005, 2, 1), person_id="Ptie")
    store.person("Y1", agency="police", birth_year=1999, person_id="Pyear")
    con = connect(":memory:")
    store.write(con)
    assert build_person_identity(con) == 3
    rows = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT person_id, date_of_birth, birth_year, born, dob_records, dob_disagreements "
            "FROM person_identity"
        ).fetchall()
    }
    dob, year, born, agreeing, others = rows["Pmillie"]
    assert (dob, year, born, agreeing) == (AGREED, None, AGREED, 3)
    assert json.loads(others) == [
        {"date_of_birth": "2002-09-13", "agencies": ["police"], "records": ["police:MB1"]}
    ]
    # a tie goes to the earliest date, and the other is still shown
    assert rows["Ptie"][0] == date(2005, 1, 2)
    assert json.loads(rows["Ptie"][4])[0]["date_of_birth"] == "2005-02-01"
    # a birth year alone: 1 July of it, no full date claimed
    assert rows["Pyear"][:3] == (None, 1999, date(1999, 7, 1))
    assert rows["Pyear"][4] is None


def test_the_law_on_age_is_applied_on_the_best_supported_date() -> None:
    store = Store()
    police = _millie(store)
    store.event("sexual_offence_report", EVENT, subject=police)
    con = connect(":memory:")
    store.write(con)
    build_person_identity(con)
    indicators(con)
    legal = [h for h in hits(con) if h["source"] == "legal"]
    assert not [h for h in legal if "under13" in h["indicator"]], legal
    evidence = " ".join(str(h["evidence"]) for h in hits(con))
    assert "2002-09-13" not in evidence


def _dated_millie(
    others_recorded: datetime, decided: datetime | None = None
) -> duckdb.DuckDBPyConnection:
    """Millie's four records, each existing from the first event naming it (as resolve dates
    them): the police record from the sexual offence report, the three that agree on her
    date from a consultation each recorded at `others_recorded`."""
    store = Store()
    police = _millie(store)
    store.event("sexual_offence_report", EVENT, subject=police)
    for agency in ("social_care", "health", "education"):
        store.event("gp_consultation", others_recorded, subject=f"{agency}:MB1", agency=agency)
    con = connect(":memory:")
    store.write(con)
    con.execute(
        "CREATE OR REPLACE TABLE person_records AS SELECT r.*, f.first_recorded_at "
        "FROM person_records r LEFT JOIN (SELECT record_id, min(e.recorded_at) AS first_recorded_at "
        "FROM event_people JOIN events e USING (event_id) GROUP BY record_id) f USING (record_id)"
    )
    if decided is not None:  # a supervisor decides the date on the police record's person
        replace_dob_decisions(
            con, "app", [("1", ["police:MB1"], AGREED, "sue", "birth certificate seen", decided)]
        )
    indicators(con)
    return con


def test_the_law_on_age_reads_the_date_as_known_when_the_record_was_made() -> None:
    # The three agreeing records came first: the police record's outlier is outvoted.
    con = _dated_millie(EVENT - timedelta(days=30))
    legal = [h for h in hits(con) if h["source"] == "legal"]
    assert not [h for h in legal if "under13" in h["indicator"]], legal
    # They came later: on the day of the report the police record's date was all anyone
    # knew, and a record recorded later does not change the age behind that hit.
    con = _dated_millie(EVENT + timedelta(days=30))
    under13 = hits(con, "legal_under13_sexual_activity")
    assert len(under13) == 1
    assert "Aged 12 (born 2002-09-13)" in under13[0]["evidence"]


def test_a_supervisors_date_of_birth_stands_from_the_decisions_own_date() -> None:
    # Only the police record existed when the report was recorded; a supervisor had already
    # decided the date on it (birth certificate seen): the law reads the decided date.
    con = _dated_millie(EVENT + timedelta(days=30), decided=EVENT - timedelta(days=1))
    legal = [h for h in hits(con) if h["source"] == "legal"]
    assert not [h for h in legal if "under13" in h["indicator"]], legal
    # Decided after the report: the report keeps the date known when it was recorded.
    con = _dated_millie(EVENT + timedelta(days=30), decided=EVENT + timedelta(days=1))
    (under13,) = hits(con, "legal_under13_sexual_activity")
    assert "Aged 12 (born 2002-09-13)" in under13["evidence"]


def test_the_decided_date_is_named_in_the_evidence() -> None:
    store = Store()
    police = store.person("MB1", agency="police", dob=POLICE, person_id="Pmillie")
    store.event("sexual_offence_report", EVENT, subject=police)
    con = connect(":memory:")
    store.write(con)
    replace_dob_decisions(
        con, "app", [("7", [police], date(2003, 9, 13), "sue", "", EVENT - timedelta(days=2))]
    )
    indicators(con)
    (hit,) = hits(con, "legal_under13_sexual_activity")
    assert "Aged 11 (born 2003-09-13, as decided by sue on 2015-06-08)" in hit["evidence"]
