"""Incremental runs: a new extract on a store that already holds a run does only the work its
new and changed records need, where that work can be cut to them without changing the result.

`lantern run NEW_EXTRACT --store S` on a store that holds a run (`holds_run`) ingests the extract
as always and then runs `derived_stages`:

- resolve, with the model kept from the last full training (`resolve.kept_model`): no training,
  and Splink scores only the pairs a new or changed record makes; the pairs of two unchanged
  records keep their rows; only raw values no earlier run normalised are normalised (the
  results are kept by value, `resolve.records`). Clustering, identity over time, dates of birth
  and things then run
  on the whole store (seconds, and global by nature: one new record can join two persons).
  Merges, splits and renamings of persons are appended to `person_changes` (full runs too).
- indicators, reading only the narratives no earlier run has read (`indicators.narratives`);
  every rule then runs on the whole store (the counting rules count over a person's records,
  which a merge changes, and the SQL over all events takes seconds).
- graph: recomputed in full (edges and evidence hang on persons a merge renames; Leiden
  partitions the whole graph), but for centrality: a component with the same nodes, links and
  weights as one the last run measured keeps its figures (`graph.centrality.Carry`).
  docs/incremental.md gives the measurements and the reasons.
- score: the replay carried forward (`score.carry`): every part of the county whose facts did
  not change resumes from the state the last run stored and runs on to the new day (its points
  fade as a full replay's do); every part with a new or changed fact is replayed from its
  first day. The assessments are then written for everyone, as in a full run.

The result equals a full run on the union of the extracts, table by table
(tests/property/test_incremental_equals_full.py), with the one difference by design that a full
run trains the model again on all the records (on stores of 2,000 records or more) where an
incremental run keeps the last one: `lantern run ... --full` retrains.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import duckdb

from lantern.store.connection import table_exists

# What a store must hold for an incremental run: the previous run's resolve (and its kept model)
# and every later stage's tables.
NEEDED = ("person_records", "resolve_pairs", "resolve_model", "persons", "indicator_hits",
          "graph_edges", "assessments")  # fmt: skip


def holds_run(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the store holds a finished run that an incremental run can build on (checked
    before the new extract is ingested)."""
    if not all(table_exists(con, t) for t in NEEDED):
        return False
    return bool(con.execute("SELECT count(*) FROM resolve_model").fetchall()[0][0])


def derived_stages(
    con: duckdb.DuckDBPyConnection, as_of: date | None, *, app_tables: bool = True
) -> list[tuple[str, Callable[[], Any]]]:
    """The stages after ingest, as `pipeline._derived_stages` lists them, for an incremental
    run (module doc)."""
    from lantern.graph import stage as graph
    from lantern.indicators import stage as indicators
    from lantern.resolve import stage as resolve
    from lantern.score import stage as score

    return [
        ("resolve", lambda: resolve.run(con, incremental=True)),
        ("indicators", lambda: indicators.run(con, reuse_text=True)),
        (
            "graph",
            lambda: graph.run(
                con, stats=app_tables, carry=True, dates_of_birth_from_indicators=True
            ),
        ),
        ("score", lambda: score.run(con, as_of, carry=True)),
    ]
