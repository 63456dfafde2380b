"""Who was a child at an event is read on the date of birth known when it was recorded.

Stacey Andrews: a social care record of June 2008 gives only her birth year, 1990 (so 17
then, on the 1 July convention); a health record of 2013, joined to it, gives 27 April
1990 (18 then). The graph asked today's person for the date, so the 2008 event had her an
adult once the 2013 record existed, and the email on her 2008 record stopped being a
child's: the review's graph as of 2012 differed from a run on the data of 2012 (the
10,000-child truncation property, seed 5). As known in 2008 she was 17, on both.

A thing on a person record (no event) is a child's when the person was known as a child by
the time the tie was recorded, not because some later event names her as one.

Hand-built, no Splink: the model's scored pair and the records' first dates are written
as resolve writes them, and resolve's own replay (`build_person_spans`) makes the history.
"""

from __future__ import annotations

import duckdb

from lantern.graph import stage as graph
from lantern.resolve.history import build_person_spans
from lantern.resolve.records import build_person_records
from lantern.resolve.replay import person_id_for
from lantern.resolve.things import build_things
from resolve_support import create_store_tables, event, person

REFERRAL = "social_care:E1"


def _store(*, with_health: bool) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    create_store_tables(con)
    person(con, "social_care", "S1", given_name="Stacey", family_name="Andrews",
           birth_year=1990, sex="F", postcode="OX18 7FT",
           email="stacey.andrews@outlook.com")  # fmt: skip
    event(con, "social_care", "E1", recorded_at="2008-06-10T23:59",
          occurred_at="2008-06-10T22:11", event_type="referral", people={"S1": "parent"})  # fmt: skip
    records = ["social_care:S1"]
    scored = "SELECT NULL, NULL, NULL::DOUBLE, NULL::TIMESTAMP, NULL WHERE FALSE"
    if with_health:
        person(con, "health", "H1", given_name="Stacey", family_name="Andrews",
               date_of_birth="1990-04-27", sex="F", postcode="OX18 7FT")  # fmt: skip
        event(con, "health", "E2", recorded_at="2013-05-28T15:25",
              event_type="gp_consultation", people={"H1": "parent"})  # fmt: skip
        records.append("health:H1")
        scored = (
            "VALUES ('health:H1', 'social_care:S1', 15.0, TIMESTAMP '2013-05-28 15:25', 'model')"
        )
    build_person_records(con)
    con.execute(
        f"CREATE TABLE resolve_scored AS SELECT * FROM ({scored}) "  # noqa: S608 - fixed SQL
        "AS t(record_id_l, record_id_r, match_weight, available_at, source)"
    )
    con.execute("CREATE TABLE resolve_guarded (record_id_l VARCHAR, record_id_r VARCHAR)")
    con.execute(
        "CREATE TABLE resolve_decisions (record_id_l VARCHAR, record_id_r VARCHAR, "
        "decision VARCHAR, decided_by VARCHAR, reason VARCHAR, decided_at TIMESTAMP)"
    )
    build_person_spans(con)
    # Today's view: the records are one person (its id from the smallest record).
    con.execute("CREATE TABLE persons (record_id VARCHAR, person_id VARCHAR)")
    con.executemany(
        "INSERT INTO persons VALUES (?, ?)", [(r, person_id_for(min(records))) for r in records]
    )
    build_things(con)
    graph.run(con, stats=False)
    return con


def _referral(con: duckdb.DuckDBPyConnection) -> tuple:
    return con.execute(
        "SELECT age_at_event, is_child FROM graph_participants WHERE event_id = ?", [REFERRAL]
    ).fetchone()


def _thing_tie(con: duckdb.DuckDBPyConnection) -> tuple:
    """The evidence tying the thing on her record (an email, a phone) to her."""
    rows = con.execute(
        """
        SELECT e.src_record, e.dst, e.available_at, e.child_id IS NOT NULL, e.contact_id
        FROM graph_evidence e WHERE e.event_id IS NULL AND e.kind = 'with_thing'
        """
    ).fetchall()
    assert len(rows) == 1, rows
    return rows[0]


def test_the_2008_referral_reads_the_birth_year_known_in_2008():
    full = _store(with_health=True)
    cut = _store(with_health=False)
    try:
        assert _referral(full) == (17, True)  # not 18: the full date came in 2013
        assert _referral(full) == _referral(cut)
        # The email on her record is a child's on both, from 2008.
        assert _thing_tie(full)[3] is True
        assert _thing_tie(full) == _thing_tie(cut)
    finally:
        full.close()
        cut.close()


def _jade(*, with_later_event: bool) -> duckdb.DuckDBPyConnection:
    """Jade Pike: a police record with her phone and no date of birth, first named as an
    associate (2010: nobody knew her age); named as the subject of a missing report in 2012."""
    con = duckdb.connect()
    create_store_tables(con)
    person(con, "police", "J1", given_name="Jade", family_name="Pike", sex="F",
           phone="07700 900456")  # fmt: skip
    event(con, "police", "E1", recorded_at="2010-03-01T10:00", people={"J1": "associate"})
    if with_later_event:
        event(con, "police", "E2", recorded_at="2012-05-01T10:00",
              event_type="missing_report", people={"J1": "subject"})  # fmt: skip
    build_person_records(con)
    con.execute("CREATE TABLE persons AS SELECT 'police:J1' AS record_id, 'PJ' AS person_id")
    build_things(con)
    graph.run(con, stats=False)
    return con


def test_a_thing_on_a_record_is_a_childs_only_once_the_person_was_known_as_a_child():
    """The phone on her record is tied to her from 2010. Whether it is a child's is what
    was known by then — not that a report of 2012 names her as a child."""
    full = _jade(with_later_event=True)
    cut = _jade(with_later_event=False)
    try:
        assert _thing_tie(full) == _thing_tie(cut)
        assert _thing_tie(full)[3] is False
    finally:
        full.close()
        cut.close()
