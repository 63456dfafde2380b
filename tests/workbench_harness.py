"""The app over the hand-written county with its graph completed to the graph stage's contract.

`app_county` writes only the graph columns the core pages read; the workbench also reads
`graph_stats` and the export's columns. `complete_graph` adds them (the county's own values
where it has them) and computes `graph_stats` with the graph stage's own code.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb
from fastapi import FastAPI

import app_harness
from app_county import County
from lantern.graph.centrality import build_stats
from lantern.graph.networks import build_hotspots
from lantern.graph.rules import load_rules

NODE_COLUMNS = {
    "subkind": "VARCHAR",
    "is_child": "BOOLEAN",
    "signal_child": "BOOLEAN",
    "linked_signal_children": "INTEGER",
    "routine": "BOOLEAN DEFAULT false",
    "first_available_at": "TIMESTAMP",
}
EDGE_COLUMNS = {
    "agencies": "VARCHAR[]",
    "routine": "BOOLEAN DEFAULT false",
    "routine_reason": "VARCHAR",
}


def complete_graph(path: Path) -> None:
    con = duckdb.connect(str(path))
    try:
        for name, sql_type in NODE_COLUMNS.items():
            con.execute(f"ALTER TABLE graph_nodes ADD COLUMN IF NOT EXISTS {name} {sql_type}")
        for name, sql_type in EDGE_COLUMNS.items():
            con.execute(f"ALTER TABLE graph_edges ADD COLUMN IF NOT EXISTS {name} {sql_type}")
        con.execute("""
            UPDATE graph_nodes n SET
                subkind = coalesce(a.kind, CASE WHEN n.kind = 'thing'
                                               THEN split_part(n.node_id, ':', 1) END),
                is_child = a.kind = 'child', signal_child = a.kind = 'child' AND a.band <> 'none'
            FROM (SELECT g.node_id, a.kind, a.band FROM graph_nodes g
                  LEFT JOIN assessments a ON a.person_id = g.node_id) a
            WHERE a.node_id = n.node_id
        """)
        # One row per piece of evidence, as the graph stage writes it (the hotspots read it).
        con.execute("""
            CREATE TABLE IF NOT EXISTS graph_evidence AS
            SELECT src, dst, kind, item ->> 'event_id' AS event_id,
                   TRY_CAST(item ->> 'occurred_at' AS TIMESTAMP) AS occurred_at
            FROM (SELECT src, dst, kind, unnest(from_json(evidence::JSON, '["json"]')) AS item
                  FROM graph_edges)
        """)
        # The hotspots as the graph stage writes them, with its own code, at one signal child
        # (the county has one at risk at the takeaway; the shipped rule wants three).
        con.execute("""
            CREATE TABLE IF NOT EXISTS graph_signal_children AS
            SELECT node_id AS person_id FROM graph_nodes WHERE signal_child
        """)
        build_hotspots(con, replace(load_rules(), hotspot_min_signal_children=1))
        build_stats(con)
    finally:
        con.close()


def run_review(path: Path) -> None:
    """Run the retrospective review on the county (its tables, for the review page)."""
    from lantern.review import stage

    con = duckdb.connect(str(path))
    try:
        # the county's hits predate the text layers and concerns; the review reads both
        for column in ("concern", "text_layer"):
            con.execute(f"ALTER TABLE indicator_hits ADD COLUMN IF NOT EXISTS {column} VARCHAR")
        stage.run(con)
    finally:
        con.close()


def make_workbench_app(
    tmp_path: Path, *, review: bool = False, live: bool = False, **options: object
) -> tuple[FastAPI, County]:
    """`app_harness.make_app`, over a county whose graph has been completed first (and, with
    `review`, reviewed; with `live`, moved to end in the week before today)."""
    original = app_harness.fresh_county

    def completed(directory: Path, live: bool = False) -> County:
        county = original(directory, live)
        complete_graph(county.path)
        if review:
            run_review(county.path)
        return county

    app_harness.fresh_county = completed  # type: ignore[assignment]
    try:
        return app_harness.make_app(tmp_path, live=live, **options)
    finally:
        app_harness.fresh_county = original  # type: ignore[assignment]
