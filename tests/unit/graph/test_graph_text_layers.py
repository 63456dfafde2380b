"""The graph reads text hits as the score does: a hit only the concept layer read is shown to a
person, not evidence for the graph (issue 15; docs/graph.md, docs/indicators-text.md)."""

from __future__ import annotations

import duckdb

from lantern.graph.inputs import prepare_inputs
from lantern.indicators.text.layers import SCORED_BY_DEFAULT
from lantern.score.weights import load_weights


def _store() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for table, columns in (
        ("events", "event_id VARCHAR"),
        ("event_people", "event_id VARCHAR, record_id VARCHAR, role VARCHAR"),
        ("persons", "record_id VARCHAR, person_id VARCHAR"),
        ("person_records", "record_id VARCHAR"),
    ):
        con.execute(f"CREATE TABLE {table} ({columns})")
    con.execute(
        "CREATE TABLE indicator_hits (hit_id VARCHAR, indicator VARCHAR, category VARCHAR, "
        "record_id VARCHAR, event_id VARCHAR, recorded_at TIMESTAMP, concern VARCHAR, "
        "text_layer VARCHAR)"
    )
    con.execute(
        "INSERT INTO indicator_hits VALUES "
        "('h1', 'older_associates', 'older_associate', 'C1', 'E1', NULL, NULL, 'patterns'), "
        "('h2', 'hotels_parties_flats', 'places', 'C1', 'E2', NULL, NULL, 'concepts'), "
        "('h3', 'missing_repeat', 'missing', 'C1', 'E3', NULL, NULL, NULL), "
        "('h4', 'legal_under13_sexual_health', 'sexual_health', 'C2', 'E4', NULL, NULL, "
        "'concepts')"
    )
    return con


def _hits(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {h for (h,) in con.execute("SELECT hit_id FROM graph_in_indicator_hits").fetchall()}


def test_concept_only_text_hits_are_not_graph_evidence_by_default():
    con = _store()
    prepare_inputs(con)
    # the fixed pattern's hit and the structured rule's stay; the concept layer's text hit and
    # the legal hit resting on a concept-layer finding go, as in the score
    assert _hits(con) == {"h1", "h3"}


def test_every_layer_when_asked_for():
    con = _store()
    prepare_inputs(con, None)
    assert _hits(con) == {"h1", "h2", "h3", "h4"}
    prepare_inputs(con, ["patterns", "concepts"])
    assert _hits(con) == {"h1", "h2", "h3", "h4"}


def test_a_store_without_text_layers_keeps_every_hit():
    con = _store()
    con.execute("ALTER TABLE indicator_hits DROP COLUMN text_layer")
    prepare_inputs(con)
    assert _hits(con) == {"h1", "h2", "h3", "h4"}


def test_the_graphs_default_is_the_shipped_weights_scored_layers():
    assert tuple(load_weights().child.scored_text_layers) == SCORED_BY_DEFAULT
