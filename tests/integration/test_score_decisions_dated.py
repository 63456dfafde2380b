"""Reviewers' decisions are dated: a "same" joins two records only from the day it was made,
in resolve's replay and in the score's; a confirmation of what the model linked changes no
date; a "different" splits them from its own date (resolve/history.py)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from lantern.resolve import stage as resolve
from lantern.resolve.decisions import record_decision
from lantern.resolve.replay import persons_as_of
from lantern.score import stage as score
from lantern.store.connection import connect
from resolve_support import create_store_tables, event, person

DECIDED = datetime(2012, 1, 1, 9, 0)


@pytest.fixture
def store(store_path):
    """Jade and Kelly Hughes: same date of birth and address, different given names — the
    twins guard keeps them apart until a reviewer says they are one girl (a change of name)."""
    con = connect(store_path)
    create_store_tables(con)
    for agency, ref, given in (("police", "X", "Jade"), ("health", "Y", "Kelly")):
        person(
            con, agency, ref, given_name=given, family_name="Hughes",
            date_of_birth="2003-02-11", sex="F", postcode="OX1 1AA",
        )  # fmt: skip
    event(con, "police", "E1", recorded_at="2009-05-05T10:00", people={"X": "subject"})
    event(con, "health", "E2", recorded_at="2009-06-05T10:00", people={"Y": "subject"})
    event(con, "police", "E3", recorded_at="2012-03-01T10:00", people={"X": "subject"})
    con.execute(
        """
        CREATE TABLE indicator_hits AS
        SELECT * REPLACE (CAST(weight AS DOUBLE) AS weight, CAST(legal_floor AS VARCHAR) AS legal_floor),
               NULL::VARCHAR AS concern, NULL::VARCHAR AS text_layer
        FROM (VALUES
            ('h1', 'police:X', 'disclosure', 'sexual_abuse_disclosed', 5.0, 'police', 'police:E1',
             TIMESTAMP '2009-05-05 10:00', TIMESTAMP '2009-05-05 10:00', 'disclosed', NULL),
            ('h2', 'health:Y', 'sti', 'sexual_health', 4.0, 'health', 'health:E2',
             TIMESTAMP '2009-06-05 10:00', TIMESTAMP '2009-06-05 10:00', 'an STI', 'medium'),
            ('h3', 'police:X', 'missing_episode', 'missing', 3.0, 'police', 'police:E3',
             TIMESTAMP '2012-03-01 10:00', TIMESTAMP '2012-03-01 10:00', 'missing', NULL)
        ) AS t(hit_id, record_id, indicator, category, weight, agency, event_id,
               occurred_at, recorded_at, evidence, legal_floor)
        """
    )
    yield con
    con.close()


def _together(mapping: dict[str, str]) -> bool:
    return mapping["police:X"] == mapping["health:Y"]


def test_the_model_alone_keeps_the_twins_apart(store):
    resolve.run(store)
    assert not _together(persons_as_of(store, None))


def test_a_reviewers_same_joins_the_records_only_from_the_day_it_was_made(store):
    record_decision(store, "police:X", "health:Y", "same", "R. Reviewer", "name change", DECIDED)
    resolve.run(store)
    links = store.execute("SELECT available_at, source FROM record_links").fetchall()
    assert links == [(DECIDED, "reviewer")]
    assert not _together(persons_as_of(store, date(2011, 12, 31)))
    assert _together(persons_as_of(store, date(2012, 1, 1)))
    assert _together(persons_as_of(store, None))


def test_the_score_honours_the_decision_from_its_date(store):
    record_decision(store, "police:X", "health:Y", "same", "R. Reviewer", "name change", DECIDED)
    resolve.run(store)
    score.run(store, date(2011, 6, 1))
    before = store.execute("SELECT records FROM assessments ORDER BY 1").fetchall()
    assert before == [("health:Y",), ("police:X",)]  # two girls as far as anyone knew
    score.run(store, date(2012, 1, 2))
    after = store.execute("SELECT records FROM assessments").fetchall()
    assert after == [("health:Y;police:X",)]
    # Each part's band history before the decision is its own.
    parts = store.execute(
        "SELECT DISTINCT cluster FROM score_history WHERE \"at\" < DATE '2012-01-01'"
    ).fetchall()
    assert sorted(parts) == [("health:Y",), ("police:X",)]


def test_a_confirmation_of_the_models_link_keeps_the_models_date(store):
    store.execute("UPDATE people SET given_name = 'Jade'")  # now the model links them
    resolve.run(store)
    (model_date,) = store.execute("SELECT available_at FROM record_links").fetchall()[0]
    record_decision(store, "police:X", "health:Y", "same", "R. Reviewer", "confirmed", DECIDED)
    resolve.run(store)
    assert store.execute("SELECT available_at, source FROM record_links").fetchall() == [
        (model_date, "reviewer")
    ]
    assert model_date < DECIDED


def test_a_reviewers_different_splits_the_person_from_its_own_date(store):
    """The model linked the two records in 2009; a reviewer said "different" in 2012. Up
    to the decision they were one girl as far as anyone knew (a run on the data of 2010
    says so), from it two — in resolve's identity over time and in the score's replay."""
    store.execute("UPDATE people SET given_name = 'Jade'")
    record_decision(store, "police:X", "health:Y", "different", "R. Reviewer", "two girls", DECIDED)
    resolve.run(store)
    assert _together(persons_as_of(store, date(2010, 1, 1)))
    assert _together(persons_as_of(store, date(2011, 12, 31)))
    assert not _together(persons_as_of(store, date(2012, 1, 1)))
    assert not _together(persons_as_of(store, None))
    score.run(store, date(2011, 6, 1))
    assert store.execute("SELECT records FROM assessments").fetchall() == [("health:Y;police:X",)]
    score.run(store)
    assert store.execute("SELECT count(*) FROM assessments").fetchall() == [(2,)]
