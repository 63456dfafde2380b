"""A sexual-harm hit the record attributes to the child's family, a peer or a stranger's
exposure (concern `child_sexual_abuse`) does not make a CSE signal child; the same hit
with no such attribution does."""

from __future__ import annotations

import duckdb

from lantern.graph.edges import build_signal_children
from lantern.graph.inputs import prepare_inputs
from lantern.graph.rules import load_rules


def _signal_children(hits: list[tuple[str, str, str, str | None]]) -> set[str]:
    con = duckdb.connect()
    for table, columns in (
        ("events", "event_id VARCHAR"),
        ("event_people", "event_id VARCHAR, record_id VARCHAR, role VARCHAR"),
        ("person_records", "record_id VARCHAR"),
    ):
        con.execute(f"CREATE TABLE {table} ({columns})")
    children = sorted({h[0] for h in hits})
    con.execute("CREATE TABLE persons AS SELECT unnest(?) AS record_id, unnest(?) AS person_id",
                [children, children])  # fmt: skip
    con.execute("CREATE TABLE graph_children AS SELECT unnest(?) AS person_id", [children])
    con.execute(
        "CREATE TABLE indicator_hits (hit_id VARCHAR, indicator VARCHAR, category VARCHAR, "
        "record_id VARCHAR, event_id VARCHAR, recorded_at TIMESTAMP, concern VARCHAR)"
    )
    for i, (record, indicator, category, concern) in enumerate(hits):
        con.execute(
            "INSERT INTO indicator_hits VALUES (?, ?, ?, ?, ?, TIMESTAMP '2010-01-01', ?)",
            [f"h{i}", indicator, category, record, f"E{i}", concern],
        )
    prepare_inputs(con)
    build_signal_children(con, load_rules())
    return {r[0] for r in con.execute("SELECT person_id FROM graph_signal_children").fetchall()}


def test_attributed_sexual_abuse_is_not_a_cse_signal():
    found = _signal_children(
        [
            ("family", "sexual_offence_reported", "sexual_abuse_disclosed", "child_sexual_abuse"),
            ("family", "legal_under13_sexual_activity", "sexual_abuse_disclosed", "child_sexual_abuse"),
            ("men", "sexual_offence_reported", "sexual_abuse_disclosed", "sexual_exploitation"),
            ("old_store", "sexual_offence_reported", "sexual_abuse_disclosed", None),
        ]
    )  # fmt: skip
    assert found == {"men", "old_store"}
