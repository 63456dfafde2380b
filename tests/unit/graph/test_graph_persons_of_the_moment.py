"""Two graph rules that read a *person* read the person of the moment, not today's.

1. A thing on a person record (no event: a people-row phone) is a child's when the person was
   known as a child by the time of the tie. Known by whom: the person of that moment. A pupil
   record of 2004 with a phone and no date of birth is an adult's in 2004; a police record of a
   child (a missing report of 2003) joined to it only in 2010 does not make the 2004 phone a
   child's behind its date.
2. The household rule: a phone on the own record of an adult recorded protecting a child and
   never as a suspect is routine. The adult is the person of the cut date: a record joined to
   the mother later (naming a suspect in 2012, joined in 2015) does not undo the rule for the
   graph of 2013, and a record joined later that was a reporter does not create it.

The 10,000-child truncation property (seed 2, cut 2006-08-22) found both: one edge of a phone
differed in its household reason between the full data's graph of the cut and a run on the data
of the cut. Hand-built, no Splink: the model's scored links are written as resolve writes them,
and resolve's own replay (`build_person_spans`) makes the history.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import duckdb

from lantern.graph import stage as graph
from lantern.graph.queries import edges_as_of
from lantern.graph.rules import load_rules
from resolve_support import create_store_tables, event, person, resolved_with_history


def _pupil(*, joined: bool) -> duckdb.DuckDBPyConnection:
    """A pupil record of 2004 with a phone and no date of birth (named as an associate); a
    police record of a 13-year-old reported missing in 2003; joined in 2010 when `joined`."""
    con = duckdb.connect()
    create_store_tables(con)
    person(con, "education", "PUP1", given_name="Ellie", family_name="Stone", sex="F",
           phone="07700 900123")  # fmt: skip
    event(con, "education", "A1", recorded_at="2004-09-01T09:00", event_type="attendance",
          people={"PUP1": "associate"})  # fmt: skip
    person(con, "police", "C1", given_name="Ellie", family_name="Stone", sex="F",
           date_of_birth="1990-05-01")  # fmt: skip
    event(con, "police", "M1", recorded_at="2003-06-01T10:00", event_type="missing_report",
          people={"C1": "subject"})  # fmt: skip
    resolved_with_history(
        con, [("education:PUP1", "police:C1", "2010-02-01T12:00")] if joined else []
    )
    graph.run(con, stats=False)
    return con


def _phone_tie(con: duckdb.DuckDBPyConnection) -> tuple:
    rows = con.execute(
        "SELECT src_record, dst, available_at, child_id IS NOT NULL, contact_id IS NOT NULL "
        "FROM graph_evidence WHERE event_id IS NULL AND kind = 'with_thing'"
    ).fetchall()
    assert len(rows) == 1, rows
    return rows[0]


def test_a_people_row_phone_is_a_childs_only_if_the_person_of_its_date_was_a_child():
    full = _pupil(joined=True)  # today: one person, a child since 2003
    cut = _pupil(joined=False)  # the data of 2005: two persons
    try:
        assert _phone_tie(full) == _phone_tie(cut)
        assert _phone_tie(full)[3] is False  # in 2004 the pupil was not known as a child
    finally:
        full.close()
        cut.close()


MUMS_PHONE = "phone:+447900000001"


def _family(*, late: str | None) -> duckdb.DuckDBPyConnection:
    """Kim and Lou, sisters, reported missing by their mother (2011), whose phone is on her own
    record and on each report. `late`: another record of the mother, joined to hers in 2015 —
    "suspect" (named as a suspect in 2012) or "reporter" (her phone on a record that is not a
    reporter's, the reporter being the other one)."""
    con = duckdb.connect()
    create_store_tables(con)
    for ref, name, born in (("K1", "Kim", "2004-01-01"), ("L1", "Lou", "2006-01-01")):
        person(con, "social_care", ref, given_name=name, family_name="Ray",
               date_of_birth=born, sex="F")  # fmt: skip
    person(con, "social_care", "M1", given_name="Rubina", family_name="Ray",
           date_of_birth="1980-01-01", sex="F", phone="07900 000001")  # fmt: skip
    phone = [{"kind": "phone", "value": "07900 000001", "role": "other"}]
    for n, child in enumerate(["K1", "L1", "K1", "L1"]):
        event(con, "social_care", f"MP{n}", recorded_at=f"2011-0{n + 1}-10T22:00",
              event_type="missing_report", people={child: "subject", "M1": "reporter"},
              things=phone)  # fmt: skip
    links = []
    if late == "suspect":
        person(con, "police", "R1", given_name="Rubina", family_name="Ray",
               date_of_birth="1980-01-01", sex="F")  # fmt: skip
        event(con, "police", "X1", recorded_at="2012-03-01T10:00", people={"R1": "suspect"})
        links.append(("social_care:M1", "police:R1", "2015-01-01T12:00"))
    resolved_with_history(con, links)
    graph.run(con, stats=False)
    return con


def _phone_reason(con: duckdb.DuckDBPyConnection, day: date) -> set:
    table = edges_as_of(con, day)
    return {
        reason
        for (reason,) in con.execute(
            f"SELECT routine_reason FROM {table} WHERE contact_id = ?",  # noqa: S608 - our table
            [MUMS_PHONE],
        ).fetchall()
    }


def test_the_household_rule_reads_the_mother_of_the_cut_not_todays():
    full = _family(late="suspect")  # today: one person, a suspect in 2012
    cut = _family(late=None)  # the data of 2011
    try:
        household = {"the own phone or vehicle of an adult recorded protecting a child"}
        assert _phone_reason(cut, date(2011, 12, 31)) == household
        assert _phone_reason(full, date(2011, 12, 31)) == household
        # By 2013 the suspect record existed, but it was not hers until 2015.
        assert _phone_reason(full, date(2013, 6, 30)) == household
        # Today she is one person, named as a suspect: her phone is no longer routine.
        assert household.isdisjoint(_phone_reason(full, date(2016, 1, 1)))
    finally:
        full.close()
        cut.close()


def _crowded_event(*, joined: bool) -> duckdb.DuckDBPyConnection:
    """A 2011 missing report: a girl, and two men's records named as suspects. The two records
    are one man only from 2015 (when `joined`). At most two persons an event (the rules, here)."""
    con = duckdb.connect()
    create_store_tables(con)
    person(con, "police", "G1", given_name="Kayla", family_name="Reed",
           date_of_birth="1997-03-01", sex="F")  # fmt: skip
    for ref in ("A1", "A2"):
        person(con, "police", ref, given_name="Dean", family_name="Cole",
               date_of_birth="1975-01-01", sex="M")  # fmt: skip
    event(con, "police", "M1", recorded_at="2011-05-01T10:00", event_type="missing_report",
          people={"G1": "subject", "A1": "suspect", "A2": "suspect"})  # fmt: skip
    resolved_with_history(con, [("police:A1", "police:A2", "2015-01-01T12:00")] if joined else [])
    graph.run(con, rules=replace(load_rules(), max_people_per_event=2), stats=False)
    return con


def test_an_events_head_count_is_of_the_persons_of_its_own_moment():
    full = _crowded_event(joined=True)  # today: the two records are one man (2 persons)
    cut = _crowded_event(joined=False)  # the data of 2011: three persons
    try:
        sizes = "SELECT DISTINCT n_people FROM graph_participants"
        assert full.execute(sizes).fetchall() == cut.execute(sizes).fetchall() == [(3,)]
        ties = "SELECT count(*) FROM graph_evidence WHERE kind = 'suspect_of'"
        assert full.execute(ties).fetchone() == cut.execute(ties).fetchone() == (0,)
    finally:
        full.close()
        cut.close()


def _kebab_house(*, later: bool) -> duckdb.DuckDBPyConnection:
    """1 May 2011: a girl found at a takeaway, and a man seen there the same evening (recorded
    the next day). `later`: an intelligence report recorded in 2013 puts two more men there that
    day. At most two persons a day at a place (the rules, here) before it counts as a crowd."""
    con = duckdb.connect()
    create_store_tables(con)
    person(con, "police", "G1", given_name="Kayla", family_name="Reed",
           date_of_birth="1997-03-01", sex="F")  # fmt: skip
    event(con, "police", "F1", recorded_at="2011-05-01T23:00", occurred_at="2011-05-01T22:00",
          event_type="found_report", people={"G1": "subject"})  # fmt: skip
    person(con, "police", "A1", given_name="Dean", family_name="Cole",
           date_of_birth="1975-01-01", sex="M")  # fmt: skip
    event(con, "police", "I1", recorded_at="2011-05-02T09:00", occurred_at="2011-05-01T20:00",
          people={"A1": "associate"})  # fmt: skip
    if later:
        for ref, name in (("B1", "Ali"), ("B2", "Tom")):
            person(con, "police", ref, given_name=name, family_name="Hart",
                   date_of_birth="1980-01-01", sex="M")  # fmt: skip
        event(con, "police", "X1", recorded_at="2013-01-10T09:00",
              occurred_at="2011-05-01T21:00", event_type="intelligence",
              people={"B1": "associate", "B2": "associate"})  # fmt: skip
    con.execute("UPDATE events SET place_name = 'Kebab House'")
    resolved_with_history(con, [])
    rules = replace(load_rules(), same_place_max_people=2)
    graph.run(con, rules=rules, stats=False)
    return con


def _same_place_ties(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "SELECT src_record, dst_record, available_at FROM graph_evidence "
        "WHERE kind = 'same_place' ORDER BY ALL"
    ).fetchall()


def test_a_places_crowd_is_counted_as_of_the_ties_date():
    """The 2011 tie stands as of 2011 on both; the 2013 report makes the day a crowd only from
    2013 (so the 2013 men are not tied to her), not behind the 2011 tie's date."""
    full = _kebab_house(later=True)
    cut = _kebab_house(later=False)  # the data of 2012
    try:
        assert _same_place_ties(cut) == [("police:A1", "police:G1", datetime(2011, 5, 2, 9, 0))]
        assert _same_place_ties(full) == _same_place_ties(cut)
    finally:
        full.close()
        cut.close()
