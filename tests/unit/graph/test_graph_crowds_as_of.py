"""Ties that hold only while few enough persons share something are judged on the persons of
the tie's own date: a nickname named in a narrative (`nickname_max_persons`), a thing an adult
and a child were both recorded with (`shared_thing_max_people`).

A 2006 missing report in which a girl names "Deano"; one man carried the nickname in 2006, and
two more men recorded in 2009 and 2010 carry it too. The graph counted the carriers over the
whole history (three, over the limit of two), so the 2006 tie vanished from the full data's
graph of 2006 while a run on the data of 2006 kept it (the 10,000-child truncation property,
seed 2, cut 2006-08-22). As of its own date the tie stands, on both. A car is the same: men
recorded with it later do not make it a crowd's car behind an earlier date.

Hand-built, no Splink: each record is its own person (no links), as resolve's replay
(`build_person_spans`) writes it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import duckdb

from lantern.graph import stage as graph
from lantern.graph.rules import load_rules
from lantern.resolve.replay import person_id_for
from resolve_support import create_store_tables, event, person, resolved_with_history

MEN = (("D1", "2005-05-24T08:24", "Vinnie;Deano"), ("D2", "2009-10-03T13:56", "Deano"),
       ("D3", "2010-08-16T18:47", "Deano"))  # fmt: skip


def _store(*, men: int) -> duckdb.DuckDBPyConnection:
    """Kayla's 2006 missing report names "Deano"; `men` men carry the nickname (2005, 2009,
    2010)."""
    con = duckdb.connect()
    create_store_tables(con)
    person(con, "social_care", "G1", given_name="Kayla", family_name="Reed",
           date_of_birth="1992-03-01", sex="F")  # fmt: skip
    event(con, "social_care", "M1", recorded_at="2006-07-01T10:08",
          occurred_at="2006-06-30T12:13", event_type="missing_from_care",
          people={"G1": "subject"})  # fmt: skip
    for i, (ref, recorded, names) in enumerate(MEN[:men]):
        person(con, "police", ref, given_name="Dean", family_name=f"Man{i}",
               date_of_birth=f"197{i}-01-01", sex="M", other_names=names)  # fmt: skip
        event(con, "police", f"E{ref}", recorded_at=recorded, people={ref: "suspect"})
    resolved_with_history(con)
    con.execute(
        """
        CREATE TABLE text_mentions AS SELECT * FROM (VALUES
            ('social_care:M1', 'social_care', 'nickname', 'Deano', 'deano',
             TIMESTAMP '2006-06-30 12:13', TIMESTAMP '2006-07-01 10:08')
        ) AS t(event_id, agency, kind, value, value_norm, occurred_at, recorded_at)
        """
    )
    graph.run(con, stats=False)
    return con


def _nickname_ties(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "SELECT src, dst, available_at, dst_role FROM graph_evidence WHERE kind = 'text_mention' "
        "ORDER BY ALL"
    ).fetchall()


def test_a_nickname_tie_is_judged_on_the_carriers_of_its_own_date():
    full = _store(men=3)
    cut = _store(men=1)  # the data of 2006
    try:
        of_2006 = [t for t in _nickname_ties(full) if t[2] < datetime(2006, 8, 23)]
        assert of_2006 == _nickname_ties(cut)
        assert [(src, dst) for src, dst, _, _ in of_2006] == [
            (person_id_for("police:D1"), person_id_for("social_care:G1"))
        ]
        # Later: by 2009 "Deano" was two men's, within the limit, so the 2009 man is tied to
        # the narrative from 2009; by 2010 three men's, so the 2010 man is not.
        later = [(src, at) for src, _, at, _ in _nickname_ties(full) if at >= datetime(2006, 8, 23)]
        assert later == [(person_id_for("police:D2"), datetime(2009, 10, 3, 13, 56))]
    finally:
        full.close()
        cut.close()


def _car(*, men: int) -> duckdb.DuckDBPyConnection:
    """A man stopped in a car in 2005; a girl seen getting into it in 2006; `men` - 1 more men
    stopped in it, in 2009 and 2010. At most two persons may share a thing (the rules, here)."""
    con = duckdb.connect()
    create_store_tables(con)
    car = [{"kind": "vehicle", "value": "AB12 CDE", "role": "used_by_suspect"}]
    person(con, "social_care", "G1", given_name="Kayla", family_name="Reed",
           date_of_birth="1992-03-01", sex="F")  # fmt: skip
    event(con, "social_care", "M1", recorded_at="2006-07-01T10:08",
          event_type="missing_from_care", people={"G1": "subject"},
          things=[{"kind": "vehicle", "value": "AB12 CDE", "role": "seen_with_subject"}])  # fmt: skip
    for i, (ref, recorded, _) in enumerate(MEN[:men]):
        person(con, "police", ref, given_name="Dean", family_name=f"Man{i}",
               date_of_birth=f"197{i}-01-01", sex="M")  # fmt: skip
        event(con, "police", f"E{ref}", recorded_at=recorded, event_type="vehicle_stop",
              people={ref: "suspect"}, things=car)  # fmt: skip
    resolved_with_history(con)
    graph.run(con, rules=replace(load_rules(), shared_thing_max_people=2), stats=False)
    return con


def _car_ties(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "SELECT src, dst, available_at FROM graph_evidence WHERE kind = 'shared_thing' ORDER BY ALL"
    ).fetchall()


def test_a_shared_car_is_judged_on_the_men_tied_to_it_by_the_ties_date():
    full = _car(men=3)
    cut = _car(men=1)  # the data of 2006
    try:
        assert _car_ties(cut) == [(person_id_for("police:D1"), person_id_for("social_care:G1"),
                                   datetime(2006, 7, 1, 10, 8))]  # fmt: skip
        assert [t for t in _car_ties(full) if t[2] < datetime(2006, 8, 23)] == _car_ties(cut)
    finally:
        full.close()
        cut.close()
