"""The score's person ids as of a date are resolve's rule on that date's persons.

A person's id comes from the smallest record id in it (resolve); as of a date D, from the
smallest record in the person of D (`persons_as_of`), which is what a run on the data
recorded by D names it. Today's id may be reused on D only for the very same records: a
later record can take an earlier one out of a person (resolve/history.py), so today's
person of a record can be as large as that record's person of D and still be another
person — named after a record recorded after D. On the 10,000-child truncation property
county (seed 5) the score named one person of 2012 after an education record of 2013.

Hand-built, no Splink: the model's scored pairs, a reviewer's decision and the records'
first dates are written as resolve writes them, and resolve's own replay
(`build_person_spans`) makes the history.
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pytest

from lantern.resolve.decisions import ensure_decisions_table, record_decision
from lantern.resolve.history import build_person_spans
from lantern.resolve.records import build_person_records
from lantern.resolve.replay import person_id_for, persons_as_of
from lantern.score import stage as score
from resolve_support import create_store_tables, event, person

IN_2010 = date(2010, 6, 1)


@pytest.fixture
def leah():
    """Leah Moss: police (2009) and social care (2009) records the model links; a health
    record (February 2011) that links to the police record more strongly (a shared phone);
    a reviewer's "different" on the health and social care records (March 2011). Today the
    police and health records are one person, `health:H1` its smallest record; in 2010 the
    police and social care records were one person, `police:P1` its smallest. Both persons
    hold two records."""
    con = duckdb.connect()
    create_store_tables(con)
    common = dict(given_name="Leah", family_name="Moss", date_of_birth="2001-04-02", sex="F",
                  postcode="OX4 1AA")  # fmt: skip
    person(con, "police", "P1", **common)
    person(con, "social_care", "S1", **common)
    person(con, "health", "H1", **common)
    event(con, "police", "E1", recorded_at="2009-03-01T10:00", people={"P1": "subject"})
    event(con, "social_care", "E2", recorded_at="2009-05-01T10:00", people={"S1": "subject"})
    event(con, "health", "E3", recorded_at="2011-02-01T10:00", people={"H1": "subject"})
    build_person_records(con)
    ensure_decisions_table(con)
    record_decision(con, "health:H1", "social_care:S1", "different", "R. Reviewer",
                    "two girls", datetime(2011, 3, 1, 9, 0))  # fmt: skip
    con.execute(
        """
        CREATE TABLE resolve_scored AS SELECT * FROM (VALUES
            ('police:P1', 'social_care:S1', 12.0, TIMESTAMP '2009-05-01 10:00', 'model'),
            ('health:H1', 'police:P1', 20.0, TIMESTAMP '2011-02-01 10:00', 'model'),
            ('health:H1', 'social_care:S1', 11.0, TIMESTAMP '2011-02-01 10:00', 'model')
        ) AS t(record_id_l, record_id_r, match_weight, available_at, source)
        """
    )
    con.execute("CREATE TABLE resolve_guarded (record_id_l VARCHAR, record_id_r VARCHAR)")
    build_person_spans(con)
    # Today's view, as resolve's clustering leaves it (the decision keeps social care apart).
    today = {"health:H1": "health:H1", "police:P1": "health:H1", "social_care:S1": "social_care:S1"}
    con.execute("CREATE TABLE persons (record_id VARCHAR, person_id VARCHAR)")
    con.executemany(
        "INSERT INTO persons VALUES (?, ?)", [(r, person_id_for(s)) for r, s in today.items()]
    )
    con.execute(
        """
        CREATE TABLE record_links AS SELECT * FROM (VALUES
            ('health:H1', 'police:P1', 20.0, 1.0, TIMESTAMP '2011-02-01 10:00', 'model', 'phone')
        ) AS t(record_id_l, record_id_r, match_weight, match_probability, available_at, source,
               evidence)
        """
    )
    con.execute(
        """
        CREATE TABLE indicator_hits (hit_id VARCHAR, record_id VARCHAR, indicator VARCHAR,
            category VARCHAR, weight DOUBLE, agency VARCHAR, event_id VARCHAR,
            occurred_at TIMESTAMP, recorded_at TIMESTAMP, evidence VARCHAR,
            legal_floor VARCHAR, concern VARCHAR, text_layer VARCHAR)
        """
    )
    yield con
    con.close()


def _score_persons(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT record_id, person_id FROM score_persons").fetchall())


def test_the_history_takes_the_social_care_record_out_of_leah_when_the_health_record_comes(leah):
    """The hand-built case is the mechanism: in 2010 and today, two persons of two records
    each, with the police record in both and another smallest record."""
    then = persons_as_of(leah, IN_2010)
    assert then == {"police:P1": person_id_for("police:P1"),
                    "social_care:S1": person_id_for("police:P1")}  # fmt: skip
    assert persons_as_of(leah, None)["police:P1"] == person_id_for("health:H1")


def test_the_score_names_a_person_of_a_date_after_its_own_smallest_record(leah):
    score.run(leah, IN_2010)
    # The police and social care records of 2010, named as a run on 2010's data names them:
    # not after today's person of the police record, which is as large but holds a health
    # record recorded in 2011.
    assert _score_persons(leah) == persons_as_of(leah, IN_2010)
    assert person_id_for("health:H1") not in _score_persons(leah).values()


def test_todays_ids_are_resolves(leah):
    score.run(leah, date(2012, 1, 1))
    assert _score_persons(leah) == persons_as_of(leah, None)
