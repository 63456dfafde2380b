"""The whole pipeline: ingest → resolve → indicators → graph → score, and its exports.

`assess(dataset_dir, out_dir)` runs every stage on a fresh store (or the one
given) and writes the four files of the interchange spec's "Assessment
output": `persons.csv`, `children.csv`, `adults.csv`, `networks.csv`.
`run(store_path, dataset_dir)` does the same on a persistent store: a new
extract is ingested on top of what is there (changed rows supersede old
ones, nothing is deleted) and the derived stages are recomputed from it.

`assess` without a `store_path` works in a throwaway store that nothing
will serve, so it skips what only the web app reads (the graph's
centrality, `graph_stats`); `run` and `assess` with a store build everything.

`agencies` restricts a run to those agencies' rows — the siloed baseline
against which the joint view is measured. Each stage's wall time and the
process's peak memory after it are recorded in the summary.
"""

from __future__ import annotations

import csv
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from lantern.interchange.export_safety import escape_row
from lantern.store.connection import connect

OUTPUT_FILES = ("persons.csv", "children.csv", "adults.csv", "networks.csv")


@dataclass(frozen=True)
class StageTiming:
    stage: str
    seconds: float
    peak_memory_mb: float  # peak resident memory of the process so far


@dataclass
class AssessSummary:
    out_dir: Path | None
    as_of: date | None
    agencies: tuple[str, ...] | None
    stages: list[StageTiming] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)
    files: dict[str, int] = field(default_factory=dict)  # file name -> data rows

    @property
    def seconds(self) -> float:
        return sum(s.seconds for s in self.stages)

    @property
    def peak_memory_mb(self) -> float:
        return max((s.peak_memory_mb for s in self.stages), default=0.0)


def _peak_memory_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _ingest(con: duckdb.DuckDBPyConnection, dataset_dir: Path) -> Any:
    from lantern.store.ingest import ingest

    return ingest(con, dataset_dir)


def _resolve(con: duckdb.DuckDBPyConnection) -> Any:
    from lantern.resolve import stage

    return stage.run(con)


def _indicators(con: duckdb.DuckDBPyConnection) -> Any:
    from lantern.indicators import stage

    return stage.run(con)


def _graph(con: duckdb.DuckDBPyConnection, *, stats: bool) -> Any:
    from lantern.graph import stage

    return stage.run(con, stats=stats)


def keep_only_agencies(con: duckdb.DuckDBPyConnection, agencies: Sequence[str]) -> None:
    """Drop every other agency's rows from a throwaway store: one agency's view alone."""
    from lantern.store.tables import STORED_TABLES

    keep = list(agencies)
    for table in STORED_TABLES:
        con.execute(
            f"DELETE FROM {table.history} WHERE agency NOT IN (SELECT unnest(?))",  # noqa: S608
            [keep],
        )


def _derived_stages(
    con: duckdb.DuckDBPyConnection, as_of: date | None, *, app_tables: bool = True
) -> list[tuple[str, Callable[[], Any]]]:
    """The stages after ingest. `app_tables` False skips what only the web app reads
    (the graph's centrality, `graph_stats`): a throwaway store is never served."""
    from lantern.score import stage as score

    return [
        ("resolve", lambda: _resolve(con)),
        ("indicators", lambda: _indicators(con)),
        ("graph", lambda: _graph(con, stats=app_tables)),
        ("score", lambda: score.run(con, as_of)),
    ]


def _run_stages(
    con: duckdb.DuckDBPyConnection,
    dataset_dir: Path,
    summary: AssessSummary,
    agencies: Sequence[str] | None,
    progress: Callable[[str], None] | None,
    *,
    app_tables: bool = True,
) -> None:
    steps: list[tuple[str, Callable[[], Any]]] = [("ingest", lambda: _ingest(con, dataset_dir))]
    if agencies:
        steps.append(("keep agencies", lambda: keep_only_agencies(con, agencies)))
    steps.extend(_derived_stages(con, summary.as_of, app_tables=app_tables))
    for name, step in steps:
        if progress:
            progress(name)
        started = time.perf_counter()
        summary.results[name] = step()
        summary.stages.append(StageTiming(name, time.perf_counter() - started, _peak_memory_mb()))


def assess(
    dataset_dir: Path | str,
    out_dir: Path | str,
    *,
    as_of: date | None = None,
    agencies: Sequence[str] | None = None,
    store_path: Path | str | None = None,
    progress: Callable[[str], None] | None = None,
) -> AssessSummary:
    """Run the whole pipeline on `dataset_dir` and write the assessment files into `out_dir`."""
    dataset_dir, out_dir = Path(dataset_dir), Path(out_dir)
    summary = AssessSummary(out_dir, as_of, tuple(agencies) if agencies else None)
    with tempfile.TemporaryDirectory(prefix="lantern-assess-") as scratch:
        path = Path(store_path) if store_path else Path(scratch) / "lantern.duckdb"
        con = connect(path)
        try:
            # A store kept (`store_path`) may be served by the web app: give it every table.
            app_tables = store_path is not None
            _run_stages(con, dataset_dir, summary, agencies, progress, app_tables=app_tables)
            started = time.perf_counter()
            summary.files = write_outputs(con, out_dir)
            summary.stages.append(
                StageTiming("export", time.perf_counter() - started, _peak_memory_mb())
            )
        finally:
            con.close()
    return summary


def run(
    store_path: Path | str,
    dataset_dir: Path | str,
    *,
    out_dir: Path | str | None = None,
    as_of: date | None = None,
    progress: Callable[[str], None] | None = None,
) -> AssessSummary:
    """Ingest a new extract into a persistent store and bring every derived table up to date."""
    summary = AssessSummary(Path(out_dir) if out_dir else None, as_of, None)
    con = connect(Path(store_path))
    try:
        _run_stages(con, Path(dataset_dir), summary, None, progress)
        if out_dir is not None:
            summary.files = write_outputs(con, Path(out_dir))
    finally:
        con.close()
    return summary


# exports -----------------------------------------------------------------------

EXPORTS = {
    "persons.csv": (
        ("person_id", "records"),
        """
        SELECT person_id, string_agg(record_id, ';' ORDER BY record_id)
        FROM score_persons GROUP BY person_id ORDER BY person_id
        """,
    ),
    "children.csv": (
        ("person_id", "records", "band", "score", "first_flagged_at", "network_ids", "top_reasons",
         "concern"),  # fmt: skip
        """
        SELECT person_id, records, band, score, first_flagged_at, network_ids, top_reasons,
               coalesce(concern, 'sexual_exploitation')
        FROM assessments WHERE kind = 'child'
        ORDER BY CASE band WHEN 'high' THEN 0 WHEN 'medium' THEN 1 WHEN 'low' THEN 2 ELSE 3 END,
                 score DESC, person_id
        """,
    ),
    "adults.csv": (
        (
            "person_id",
            "records",
            "score",
            "linked_children",
            "first_flagged_at",
            "network_ids",
            "top_reasons",
            "band",  # added after the spec's columns (docs/pipeline.md): a compatible extension
        ),
        """
        SELECT person_id, records, score, linked_children, first_flagged_at, network_ids,
               top_reasons, band
        FROM assessments WHERE kind = 'adult' ORDER BY score DESC, person_id
        """,
    ),
    "networks.csv": (
        (
            "network_id",
            "members",
            "child_count",
            "adult_count",
            "score",
            "first_flagged_at",
            "concern",
            "band",
        ),  # fmt: skip
        """
        SELECT a.network_id, a.members, a.child_count, a.adult_count, a.score,
               a.first_flagged_at, coalesce(c.concern, 'sexual_exploitation'), a.band
        FROM network_assessments a LEFT JOIN graph_network_concerns c USING (network_id)
        ORDER BY a.network_id
        """,
    ),
}


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return value


def write_outputs(con: duckdb.DuckDBPyConnection, out_dir: Path) -> dict[str, int]:
    """Write the four assessment files, every cell escaped against formula injection."""
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    has_concerns = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'graph_network_concerns'"
    ).fetchall()[0][0]
    if not has_concerns:  # scored without the graph stage: every network is a CSE network
        con.execute(
            "CREATE OR REPLACE TEMP TABLE graph_network_concerns "
            "(network_id VARCHAR, concern VARCHAR)"
        )
    for name, (header, query) in EXPORTS.items():
        rows = con.execute(query).fetchall()
        with (out_dir / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for row in rows:
                writer.writerow(escape_row(_cell(v) for v in row))
        counts[name] = len(rows)
    return counts
