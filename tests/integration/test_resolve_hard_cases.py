"""Resolve on small stores of hard cases (documented priors; no EM on a handful of records)."""

from __future__ import annotations

from datetime import date

import pytest

from lantern.resolve import stage
from lantern.resolve.replay import explain_link, person_id_for, persons_as_of
from lantern.store.connection import connect
from resolve_support import create_store_tables, event, person


def same(con, a: str, b: str) -> bool:
    rows = dict(con.execute("SELECT record_id, person_id FROM persons").fetchall())
    return rows[a] == rows[b]


@pytest.fixture(scope="module")
def hard_cases(tmp_path_factory):
    """One store holding every hard case; the tests below only read it."""
    con = connect(tmp_path_factory.mktemp("resolve") / "lantern.duckdb")
    create_store_tables(con)
    # nicknames: Thomas / Tommy / Tommo, and a day-month swap
    person(
        con,
        "police",
        "T1",
        given_name="Thomas",
        family_name="Jones",
        date_of_birth="1980-05-01",
        sex="M",
        phone="07700 900123",
    )
    person(
        con,
        "health",
        "T2",
        given_name="Tommy",
        family_name="JONES",
        date_of_birth="1980-05-01",
        sex="M",
        nhs_number="943 476 5919",
    )
    person(
        con,
        "social_care",
        "T3",
        given_name="Tommo",
        family_name="Jones",
        date_of_birth="1980-01-05",
        sex="M",
        postcode="OX4 1AA",
    )
    person(
        con,
        "police",
        "T4",
        given_name="Tom",
        family_name="Jones",
        date_of_birth="1980-01-05",
        postcode="ox41aa",
    )
    # swapped dates and a double-barrelled, accented, hyphenated name across three agencies
    person(
        con,
        "police",
        "C1",
        given_name="Chelsea",
        family_name="Smith",
        date_of_birth="1997-03-14",
        sex="F",
        postcode="OX1 2AB",
    )
    person(
        con,
        "education",
        "C2",
        given_name="Chelsea-Marie",
        family_name="Smith-Jones",
        date_of_birth="1997-03-14",
        sex="F",
        upn="A123456789012",
        postcode="OX1 2AB",
    )
    person(
        con,
        "health",
        "C3",
        given_name="Chelsea",
        family_name="Smith",
        date_of_birth="1997-03-04",
        sex="F",
        postcode="OX12AB",
    )
    person(
        con,
        "health",
        "C4",
        given_name="Chelsea",
        family_name="Smith",
        date_of_birth="1997-04-03",
        sex="F",
        postcode="OX1 2AB",
    )
    # twins: same surname, date of birth, address and phone; different given names; and a record that could be either
    person(
        con,
        "education",
        "W1",
        given_name="Chloe",
        family_name="Brown",
        date_of_birth="2005-06-07",
        sex="F",
        postcode="OX2 7QQ",
        phone="07700 900555",
    )
    person(
        con,
        "education",
        "W2",
        given_name="Harriet",
        family_name="Brown",
        date_of_birth="2005-06-07",
        sex="F",
        postcode="OX2 7QQ",
        phone="07700 900555",
    )
    person(
        con,
        "police",
        "W3",
        family_name="Brown",
        date_of_birth="2005-06-07",
        sex="F",
        postcode="OX2 7QQ",
        phone="07700 900555",
    )
    # father and son with one name, one address, one phone
    person(
        con,
        "police",
        "F1",
        given_name="John",
        family_name="Walker",
        date_of_birth="1970-02-03",
        sex="M",
        postcode="OX3 9DU",
        phone="07700 900777",
    )
    person(
        con,
        "police",
        "F2",
        given_name="John",
        family_name="Walker",
        date_of_birth="1995-08-09",
        sex="M",
        postcode="OX3 9DU",
        phone="07700 900777",
    )
    person(
        con,
        "health",
        "F3",
        given_name="John",
        family_name="Walker",
        birth_year=1970,
        sex="M",
        postcode="OX3 9DU",
    )
    # a child with sparse records: a year of birth and an address
    person(
        con,
        "education",
        "K1",
        given_name="Amelia",
        family_name="Khan",
        date_of_birth="2008-09-10",
        sex="F",
        upn="B987654321098",
        postcode="OX4 4XY",
    )
    person(
        con,
        "police",
        "K2",
        given_name="Amelia",
        family_name="Khan",
        birth_year=2008,
        postcode="OX4 4XY",
    )
    # strangers who share only a common name
    person(
        con,
        "police",
        "S1",
        given_name="Jack",
        family_name="Smith",
        date_of_birth="1990-01-01",
        postcode="SN1 1AA",
    )
    person(
        con,
        "health",
        "S2",
        given_name="Jack",
        family_name="Smith",
        date_of_birth="1962-07-30",
        postcode="GL1 1AA",
    )
    # dated events, a car used by a suspect and a phone seen with a subject
    event(
        con,
        "police",
        "E1",
        recorded_at="2006-01-01T10:00",
        people={"C1": "subject", "T1": "suspect"},
        things=[
            {
                "kind": "vehicle",
                "value": "ab12 cde",
                "role": "used_by_suspect",
                "description": "silver Astra",
            },
            {"kind": "phone", "value": "07700-900-123", "role": "seen_with_subject"},
        ],
    )
    event(con, "health", "E2", recorded_at="2008-06-01T10:00", people={"C3": "subject"})
    event(con, "education", "E3", recorded_at="2010-09-01T09:00", people={"C2": "subject"})
    event(
        con,
        "police",
        "E4",
        recorded_at="2011-01-01T09:00",
        people={"C1": "victim", "F1": "suspect", "F2": "suspect"},
        things=[
            {"kind": "vehicle", "value": "AB12CDE", "role": "used_by_suspect"},
            {"kind": "social_handle", "value": "@JW_99", "role": "used_by_suspect"},
        ],
    )
    summary = stage.run(con)
    yield con, summary
    con.close()


def test_nicknames_and_swapped_dates_link(hard_cases):
    con, _ = hard_cases
    assert same(con, "police:T1", "health:T2")  # Thomas / Tommy
    assert same(con, "social_care:T3", "police:T4")  # Tommo / Tom, same swapped date
    assert same(con, "police:T1", "police:T4")  # Thomas 1980-05-01 / Tom 1980-01-05
    assert same(
        con, "police:C1", "health:C4"
    )  # 14 March / swapped is impossible, so 03-04 vs 04-03
    assert same(con, "health:C3", "health:C4")


def test_double_barrelled_and_hyphenated_names_link(hard_cases):
    con, _ = hard_cases
    assert same(con, "police:C1", "education:C2")


def test_twins_are_never_one_person_even_through_a_bridging_record(hard_cases):
    con, _ = hard_cases
    assert not same(con, "education:W1", "education:W2")
    explanation = explain_link(con, "education:W1", "education:W2")
    assert explanation["kept_apart_because"].startswith("twins")


def test_father_and_son_with_one_name_are_two_people(hard_cases):
    con, _ = hard_cases
    assert not same(con, "police:F1", "police:F2")
    assert same(con, "police:F1", "health:F3")  # the father's year-only record joins the father
    assert not same(con, "police:F2", "health:F3")


def test_child_with_sparse_record_links_and_strangers_do_not(hard_cases):
    con, _ = hard_cases
    assert same(con, "education:K1", "police:K2")
    assert not same(con, "police:S1", "health:S2")


def test_every_record_has_exactly_one_person_with_a_stable_id(hard_cases):
    con, summary = hard_cases
    people = con.execute("SELECT count(*) FROM people").fetchall()[0][0]
    rows = con.execute("SELECT record_id, person_id FROM persons").fetchall()
    assert len(rows) == people == summary.records == len({r for r, _ in rows})
    smallest = con.execute(
        "SELECT person_id, min(record_id) FROM persons GROUP BY person_id"
    ).fetchall()
    for person_id, record_id in smallest:
        assert person_id == person_id_for(record_id)
        assert len(person_id) == 11 and person_id.startswith("P")


def test_components_of_record_links_are_exactly_persons(hard_cases):
    con, _ = hard_cases
    final = persons_as_of(con, None)
    stored = dict(con.execute("SELECT record_id, person_id FROM persons").fetchall())
    assert final == stored
    # a forest: one link fewer than records in each person
    links = con.execute("SELECT count(*) FROM record_links").fetchall()[0][0]
    assert links == len(stored) - len(set(stored.values()))


def test_links_are_available_when_the_later_record_was_first_recorded(hard_cases):
    con, _ = hard_cases
    wrong = con.execute(
        """
        SELECT l.record_id_l, l.record_id_r FROM record_links l
        JOIN person_records a ON a.record_id = l.record_id_l
        JOIN person_records b ON b.record_id = l.record_id_r
        WHERE l.source <> 'reviewer' AND l.available_at IS DISTINCT FROM
              CASE WHEN a.first_recorded_at IS NULL OR b.first_recorded_at IS NULL THEN NULL
                   ELSE greatest(a.first_recorded_at, b.first_recorded_at) END
        """
    ).fetchall()
    assert wrong == []


def test_replay_joins_records_only_from_the_date_of_the_bridging_record(hard_cases):
    con, _ = hard_cases
    before = persons_as_of(con, date(2009, 12, 31))
    after = persons_as_of(con, date(2010, 9, 1))
    assert before["police:C1"] == before["health:C3"]  # linked directly in 2008
    # the school record arrives in 2010: before then it is no one's record at all
    assert "education:C2" not in before
    assert after["police:C1"] == after["education:C2"]
    first_seen = dict(
        con.execute("SELECT record_id, first_recorded_at FROM person_records").fetchall()
    )
    day = date(2009, 12, 31)
    assert set(before) == {r for r, at in first_seen.items() if at is not None and at.date() <= day}


def test_evidence_is_plain_english(hard_cases):
    con, _ = hard_cases
    explanation = explain_link(con, "police:T1", "health:T2")
    assert "given names are forms of one name" in explanation["evidence"]
    assert "same date of birth" in explanation["evidence"]
    evidence = con.execute(
        "SELECT evidence FROM record_links WHERE evidence IS NULL OR evidence = ''"
    ).fetchall()
    assert evidence == []


def test_things_are_normalised_and_tied_to_the_right_person(hard_cases):
    con, summary = hard_cases
    things = dict(con.execute("SELECT thing_id, display FROM things").fetchall())
    assert things["vehicle:AB12CDE"] == "AB12 CDE"
    assert things["phone:+447700900123"] == "07700 900123"
    assert things["social_handle:jw_99"] == "@jw_99"
    mentions = con.execute(
        "SELECT event_id, record_id, role FROM thing_mentions WHERE thing_id = 'vehicle:AB12CDE' ORDER BY event_id"
    ).fetchall()
    # E1 has one suspect; E4 has two, so the car is not tied to either
    assert mentions == [
        ("police:E1", "police:T1", "used_by_suspect"),
        ("police:E4", None, "used_by_suspect"),
    ]
    seen = con.execute(
        "SELECT record_id FROM thing_mentions WHERE thing_id = 'phone:+447700900123' AND event_id = 'police:E1'"
    ).fetchall()
    assert seen == [("police:C1",)]
    own = con.execute(
        "SELECT record_id FROM thing_mentions WHERE source = 'people' AND thing_id = 'phone:+447700900123'"
    ).fetchall()
    assert own == [("police:T1",)]
    assert summary.things == len(things)


def test_persons_csv_lists_every_record_once(hard_cases, tmp_path):
    import csv

    from lantern.resolve.export import write_persons_csv

    con, summary = hard_cases
    path = tmp_path / "persons.csv"
    assert write_persons_csv(con, path) == summary.persons
    with path.open() as handle:
        rows = list(csv.DictReader(handle))
    records = [r for row in rows for r in row["records"].split(";")]
    assert len(records) == len(set(records)) == summary.records
    assert all(row["person_id"].startswith("P") for row in rows)
