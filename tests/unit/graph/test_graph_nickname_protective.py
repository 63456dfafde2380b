"""A nickname carried by a person recorded, by the tie's date, only in protective roles (a
parent, a carer) ties him to no child by the nickname alone (issue 16, ninth session).

On the hard tuning county at 10,000 children a father whose alias is "Ash" -- the nickname of
a man the girls' notes name and who has no record of his own -- was tied by the nickname to
every child whose notes name "Ash", and so put inside flagged networks. The tie is kept as
context (a protective row: no weight, not a link for the score, not a network edge). Judged
on what was recorded by the tie's own date: a father later recorded as a suspect is tied by
the narratives recorded after that, not behind it.

Hand-built, no Splink: each record is its own person (no links).
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from lantern.graph import stage as graph
from lantern.resolve.replay import person_id_for
from resolve_support import create_store_tables, event, person, resolved_with_history


def _store(father_role: str, *, suspect_later: bool = False) -> duckdb.DuckDBPyConnection:
    """Leon's father carries "Ash" (recorded as his parent, 2012); Kayla's 2013 missing report
    names "Ash"; with `suspect_later`, the father is named as a suspect in 2014, and a 2015
    report of Kayla's names "Ash" again."""
    con = duckdb.connect()
    create_store_tables(con)
    person(con, "social_care", "G1", given_name="Kayla", family_name="Reed",
           date_of_birth="1999-03-01", sex="F")  # fmt: skip
    person(con, "social_care", "L1", given_name="Leon", family_name="Hart",
           date_of_birth="2003-05-01", sex="M")  # fmt: skip
    person(con, "police", "F1", given_name="Ashley", family_name="Hart",
           date_of_birth="1975-01-01", sex="M", other_names="Ash")  # fmt: skip
    event(con, "police", "P1", recorded_at="2012-02-01T10:00", event_type="concern",
          people={"L1": "subject", "F1": father_role})  # fmt: skip
    event(con, "social_care", "M1", recorded_at="2013-07-15T10:00",
          event_type="missing_from_care", people={"G1": "subject"})  # fmt: skip
    mentions = [("social_care:M1", "2013-07-15 10:00")]
    if suspect_later:
        event(con, "police", "S1", recorded_at="2014-03-01T10:00",
              people={"L1": "victim", "F1": "suspect"})  # fmt: skip
        event(con, "social_care", "M2", recorded_at="2015-01-10T10:00",
              event_type="missing_from_care", people={"G1": "subject"})  # fmt: skip
        mentions.append(("social_care:M2", "2015-01-10 10:00"))
    resolved_with_history(con)
    con.execute(
        "CREATE TABLE text_mentions (event_id VARCHAR, agency VARCHAR, kind VARCHAR, "
        "value VARCHAR, value_norm VARCHAR, occurred_at TIMESTAMP, recorded_at TIMESTAMP)"
    )
    for event_id, at in mentions:
        con.execute(
            "INSERT INTO text_mentions VALUES (?, 'social_care', 'nickname', 'Ash', 'ash', ?, ?)",
            [event_id, at, at],
        )
    graph.run(con, stats=False)
    return con


def _ties(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "SELECT event_id, available_at, protective FROM graph_evidence "
        "WHERE kind = 'text_mention' AND src = ? AND dst = ? ORDER BY ALL",
        [person_id_for("police:F1"), person_id_for("social_care:G1")],
    ).fetchall()


def _edge_weight(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "SELECT weight, routine_reason FROM graph_edges WHERE kind = 'text_mention' "
        "AND src = ? AND dst = ?",
        [person_id_for("police:F1"), person_id_for("social_care:G1")],
    ).fetchall()


def test_a_father_known_only_as_a_parent_is_not_tied_by_his_alias():
    con = _store("parent")
    assert _ties(con) == [("social_care:M1", datetime(2013, 7, 15, 10), True)]
    assert _edge_weight(con) == [(0, "contact mostly in a protective role")]


def test_a_man_recorded_in_another_role_is_tied_as_before():
    con = _store("associate")
    assert _ties(con) == [("social_care:M1", datetime(2013, 7, 15, 10), False)]
    assert _edge_weight(con)[0][0] > 0


def test_a_later_suspect_record_ties_the_later_narrative_not_the_earlier_one():
    con = _store("parent", suspect_later=True)
    assert _ties(con) == [
        ("social_care:M1", datetime(2013, 7, 15, 10), True),  # as known in 2013: a parent
        ("social_care:M2", datetime(2015, 1, 10, 10), False),  # by 2015 also a suspect
    ]
