"""Kinship in the graph (issue 16): an uncle named as suspect in his nieces' sexual-abuse
reports -- records whose hits say the harm is the family's (`indicator_hits.relation`) -- is
family context on the chart (weight 0, routine "the child's family"), not a connector that ties
the two girls into a network; the same man named in two girls' reports with no such mark is."""

from __future__ import annotations

import duckdb

from score_world import World, graph_built


def _world(relation: str | None) -> World:
    w = World()
    w.person("police:U1", "1975-03-01", sex="M")
    for i in range(2):
        girl = w.person(f"police:G{i}", "2002-05-01")
        for k in range(3):  # repeat missing: each girl is a signal child on her own
            event = w.event(f"police:m{i}{k}", f"2014-0{2 + k}-1{i}", people={girl: "subject"},
                            event_type="missing_report")  # fmt: skip
            w.hit(event, girl, "missing_episode", "missing", 1.0)
        report = w.event(f"police:s{i}", f"2014-06-1{i}", event_type="sexual_offence_report",
                         people={girl: "victim", "police:U1": "suspect"})  # fmt: skip
        w.hit(report, girl, "sexual_offence_reported", "sexual_abuse_disclosed", 4.0)
        w.hits[-1]["relation"] = relation
    return w


def _uncle_edges(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "SELECT weight, routine, routine_reason FROM graph_edges e "
        "JOIN persons p ON p.person_id IN (e.src, e.dst) "
        "WHERE p.record_id = 'police:U1' AND e.kind = 'suspect_of'"
    ).fetchall()


def _networks(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT count(DISTINCT network_id) FROM networks").fetchall()[0][0]


def test_a_relative_named_in_family_abuse_is_context_not_a_connector() -> None:
    con = graph_built(_world("family"))
    edges = _uncle_edges(con)
    assert len(edges) == 2
    assert all(w == 0 and routine and "family" in reason for w, routine, reason in edges), edges
    assert _networks(con) == 0


def test_the_same_man_with_no_family_mark_connects_the_girls() -> None:
    con = graph_built(_world(None))
    edges = _uncle_edges(con)
    assert len(edges) == 2 and all(w > 0 and not routine for w, routine, _ in edges), edges
    assert _networks(con) == 1
