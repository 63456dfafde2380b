"""Reviewers' decisions survive re-runs; person ids are stable while clusters are unchanged."""

from __future__ import annotations

import pytest

from lantern.errors import UserError
from lantern.resolve import stage
from lantern.resolve.decisions import record_decision
from lantern.resolve.replay import persons_as_of
from lantern.store.connection import connect
from resolve_support import create_store_tables, event, person


def _persons(con) -> dict[str, str]:
    return dict(con.execute("SELECT record_id, person_id FROM persons").fetchall())


@pytest.fixture
def store(store_path):
    con = connect(store_path)
    create_store_tables(con)
    person(
        con,
        "police",
        "A1",
        given_name="Jade",
        family_name="Hughes",
        date_of_birth="2003-02-11",
        sex="F",
        postcode="OX1 1AA",
    )
    person(
        con,
        "health",
        "A2",
        given_name="Jade",
        family_name="Hughes",
        date_of_birth="2003-02-11",
        sex="F",
    )
    person(
        con,
        "education",
        "A3",
        given_name="Jayde",
        family_name="Hughes",
        date_of_birth="2003-02-11",
        postcode="OX1 1AA",
    )
    person(
        con,
        "police",
        "B1",
        given_name="Kelly",
        family_name="Marsh",
        date_of_birth="2001-07-01",
        sex="F",
    )
    person(
        con,
        "social_care",
        "B2",
        given_name="Kellie-Ann",
        family_name="Price",
        date_of_birth="2002-01-07",
        sex="F",
    )
    event(
        con,
        "police",
        "E1",
        recorded_at="2009-05-05T10:00",
        people={"A1": "subject", "B1": "subject"},
    )
    event(con, "health", "E2", recorded_at="2009-07-05T10:00", people={"A2": "subject"})
    yield con
    con.close()


def test_decisions_are_respected_and_survive_re_runs(store):
    con = store
    stage.run(con)
    first = _persons(con)
    assert first["police:A1"] == first["health:A2"] == first["education:A3"]
    assert first["police:B1"] != first["social_care:B2"]

    record_decision(
        con, "health:A2", "police:A1", "different", "R. Reviewer", "different GP registrations"
    )
    record_decision(
        con,
        "police:B1",
        "social_care:B2",
        "same",
        "R. Reviewer",
        "confirmed with the social worker",
    )
    for _ in range(2):  # a decision holds on every later run
        stage.run(con)
        persons = _persons(con)
        assert persons["police:A1"] != persons["health:A2"]
        assert persons["police:B1"] == persons["social_care:B2"]
        # never bridged through the third record either
        assert not (persons["education:A3"] == persons["police:A1"] == persons["health:A2"])
        link = con.execute(
            "SELECT source, evidence FROM record_links WHERE record_id_l = 'police:B1' AND record_id_r = 'social_care:B2'"
        ).fetchall()
        assert link and link[0][0] == "reviewer" and "R. Reviewer" in link[0][1]
        assert con.execute("SELECT count(*) FROM resolve_decisions").fetchall()[0][0] == 2


def test_a_later_decision_replaces_an_earlier_one(store):
    con = store
    record_decision(con, "police:A1", "health:A2", "different", "first", "unsure")
    record_decision(con, "police:A1", "health:A2", "same", "second", "checked")
    stage.run(con)
    persons = _persons(con)
    assert persons["police:A1"] == persons["health:A2"]


def test_decisions_about_unknown_records_are_refused(store):
    with pytest.raises(UserError, match="no such person record"):
        record_decision(store, "police:A1", "police:NOPE", "same", "x", "y")
    with pytest.raises(UserError):
        record_decision(store, "police:A1", "police:A1", "same", "x", "y")


def test_person_ids_are_stable_where_clusters_are_unchanged(store):
    con = store
    stage.run(con)
    before = _persons(con)
    person(
        con, "housing", "Z1", given_name="Zed", family_name="Unrelated", date_of_birth="1950-01-01"
    )
    stage.run(con)
    after = _persons(con)
    assert {r: p for r, p in after.items() if r in before} == before
    assert persons_as_of(con, None) == after
