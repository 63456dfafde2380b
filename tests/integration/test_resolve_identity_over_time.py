"""Identity over time: a later record can take an earlier one out of a person, and the
persons of a date are exactly what resolve gives on the records of that date."""

from __future__ import annotations

from datetime import date, datetime

from lantern.resolve import stage as resolve
from lantern.resolve.decisions import record_decision
from lantern.resolve.replay import persons_as_of
from lantern.store.connection import connect
from resolve_support import create_store_tables, event, person


def _store(path, *, with_health: bool):
    """Leah Moss: a police record (2009) and a social care record (2009) that link; in
    February 2011 a health record with the police record's phone, which links to both;
    in March 2011 a reviewer says the health and social care records are two girls. The
    health record links to the police record more strongly (the phone), so from then on
    the social care record is a person of its own: a later record took it out."""
    con = connect(path)
    create_store_tables(con)
    common = dict(given_name="Leah", family_name="Moss", date_of_birth="2001-04-02", sex="F",
                  postcode="OX4 1AA")  # fmt: skip
    person(con, "police", "P1", phone="07700 900123", **common)
    person(con, "social_care", "S1", **common)
    event(con, "police", "E1", recorded_at="2009-03-01T10:00", people={"P1": "subject"})
    event(con, "social_care", "E2", recorded_at="2009-05-01T10:00", people={"S1": "subject"})
    if with_health:
        person(con, "health", "H1", phone="07700 900123", **common)
        event(con, "health", "E3", recorded_at="2011-02-01T10:00", people={"H1": "subject"})
        record_decision(con, "health:H1", "social_care:S1", "different", "R. Reviewer",
                        "two girls", datetime(2011, 3, 1, 9, 0))  # fmt: skip
    resolve.run(con)
    return con


def _groups(mapping: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for record, person_id in mapping.items():
        groups.setdefault(person_id, set()).add(record)
    return {frozenset(g) for g in groups.values()}


def test_a_later_record_takes_an_earlier_one_out_of_a_person(tmp_path):
    con = _store(tmp_path / "full.duckdb", with_health=True)
    try:
        today = _groups(persons_as_of(con, None))
        in_2010 = _groups(persons_as_of(con, date(2010, 6, 1)))
        in_february_2011 = _groups(persons_as_of(con, date(2011, 2, 15)))
        in_2012 = _groups(persons_as_of(con, date(2012, 1, 1)))
        before_any = persons_as_of(con, date(2009, 1, 1))
    finally:
        con.close()
    assert today == {frozenset({"police:P1", "health:H1"}), frozenset({"social_care:S1"})}
    # Before the health record, every run joined the police and social care records.
    assert in_2010 == {frozenset({"police:P1", "social_care:S1"})}
    # The health record joins them all, until the reviewer's decision takes effect.
    assert in_february_2011 == {frozenset({"police:P1", "social_care:S1", "health:H1"})}
    assert in_2012 == today
    assert before_any == {}  # no record existed yet

    truncated = _store(tmp_path / "cut.duckdb", with_health=False)
    try:  # a run on the data of 2010 says the same as the full data's view of 2010
        assert _groups(persons_as_of(truncated, None)) == in_2010
    finally:
        truncated.close()
