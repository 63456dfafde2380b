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

`engine` "spark" (`--engine spark`) hands the indicators and graph stages readers that run
their distributable work on Apache Spark (`lantern.spark`: the text analysis, and the
network communities per connected component) and offers their named SQL steps to Spark SQL
(`lantern.spark.sql`, the steps that translate); every other step runs on the store's DuckDB,
and the store written is the same (docs/spark.md).
`assess_agency_sets` runs that baseline for several sets of agencies (each
alone for `lantern evaluate`, each alone and each pair for `lantern review`),
each in its own process (`assess_apart`), so each run's wall time and peak
memory are its own and nothing from one run is left in the next.

The pipeline sits above every stage: no stage imports it (import-linter's
layers contract in pyproject.toml); the commands in `lantern/commands.py` call it.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from lantern.errors import UserError
from lantern.export_safety import csv_writer
from lantern.settings import DEFAULT_STORE, Settings
from lantern.store.connection import connect
from lantern.store.contract import stamp
from lantern.store.steps import steps_run_by

if TYPE_CHECKING:
    from lantern.spark.engine import SparkEngine

OUTPUT_FILES = ("persons.csv", "children.csv", "adults.csv", "networks.csv")
ENGINES = ("duckdb", "spark")


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
    incremental: bool = False  # a run on a store that held one (lantern.incremental)
    engine: str = "duckdb"  # where the distributable steps ran (ENGINES)

    @property
    def seconds(self) -> float:
        return sum(s.seconds for s in self.stages)

    @property
    def peak_memory_mb(self) -> float:
        return max((s.peak_memory_mb for s in self.stages), default=0.0)


def _peak_memory_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _connect(
    path: Path, settings: Settings | None, *, rederive: bool = False
) -> duckdb.DuckDBPyConnection:
    if settings is None:
        return connect(path, rederive=rederive)
    return connect(
        path, threads=settings.threads, memory_limit=settings.memory_limit, rederive=rederive
    )


def _ingest(con: duckdb.DuckDBPyConnection, dataset_dir: Path) -> Any:
    from lantern.store.ingest import ingest, refuse_incomplete

    summary = ingest(con, dataset_dir)
    # An incomplete load (a file wholly quarantined, people who cannot be linked by name) stops
    # the pipeline: an assessment missing an agency's records would read as complete.
    refuse_incomplete(summary)
    return summary


def _resolve(con: duckdb.DuckDBPyConnection, spark: SparkEngine | None = None) -> Any:
    from lantern.resolve import stage

    if spark is None:
        return stage.run(con)
    return stage.run(con, predictor=spark.pair_predictor)


def _indicators(con: duckdb.DuckDBPyConnection, spark: SparkEngine | None = None) -> Any:
    from lantern.indicators import stage

    if spark is None:
        return stage.run(con)
    with steps_run_by(spark.sql):
        return stage.run(con, text_reader=spark.text_reader)


def _graph(con: duckdb.DuckDBPyConnection, *, stats: bool, spark: SparkEngine | None = None) -> Any:
    from lantern.graph import stage

    if spark is None:  # the indicators stage has just run on this store (`_derived_stages`)
        return stage.run(con, stats=stats, dates_of_birth_from_indicators=True)
    with steps_run_by(spark.sql):
        return stage.run(con, stats=stats, communities=spark.community_finder)


def _engine(name: str) -> SparkEngine | None:
    """The Spark engine for a run with `engine` "spark" (its session starts when a stage first
    uses it; the caller stops it); None for DuckDB."""
    if name not in ENGINES:
        raise UserError(f"unknown engine {name!r}: one of {', '.join(ENGINES)}")
    if name == "duckdb":
        return None
    from lantern.spark.engine import SparkEngine
    from lantern.spark.session import require_pyspark

    require_pyspark()
    return SparkEngine()


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
    con: duckdb.DuckDBPyConnection,
    as_of: date | None,
    *,
    app_tables: bool = True,
    spark: SparkEngine | None = None,
) -> list[tuple[str, Callable[[], Any]]]:
    """The stages after ingest. `app_tables` False skips what only the web app reads
    (the graph's centrality, `graph_stats`): a throwaway store is never served. `spark`: the
    engine whose readers the indicators and graph stages use (module doc)."""
    from lantern.score import stage as score

    return [
        ("resolve", lambda: _resolve(con, spark)),
        ("indicators", lambda: _indicators(con, spark)),
        ("graph", lambda: _graph(con, stats=app_tables, spark=spark)),
        # a throwaway store has no next run to carry the replay's state to
        (
            "score",
            lambda: score.run(
                con,
                as_of,
                keep_state=app_tables,
                parts_replayed_by=spark.part_replayer if spark is not None else None,
            ),
        ),
    ]


def _run_stages(
    con: duckdb.DuckDBPyConnection,
    dataset_dir: Path,
    summary: AssessSummary,
    agencies: Sequence[str] | None,
    progress: Callable[[str], None] | None,
    *,
    app_tables: bool = True,
    derived: list[tuple[str, Callable[[], Any]]] | None = None,
    spark: SparkEngine | None = None,
) -> None:
    steps: list[tuple[str, Callable[[], Any]]] = [("ingest", lambda: _ingest(con, dataset_dir))]
    if agencies:
        steps.append(("keep agencies", lambda: keep_only_agencies(con, agencies)))
    steps.extend(derived or _derived_stages(con, summary.as_of, app_tables=app_tables, spark=spark))
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
    settings: Settings | None = None,
    engine: str = "duckdb",
    parquet_dir: Path | str | None = None,
) -> AssessSummary:
    """Run the whole pipeline on `dataset_dir` and write the assessment files into `out_dir`
    (DuckDB's threads and memory from `settings`, the defaults when none are given; `engine`:
    module doc). `parquet_dir`: also every table of the store there as Parquet
    (`lantern.store.parquet`), which Spark and DuckDB both read."""
    dataset_dir, out_dir = Path(dataset_dir), Path(out_dir)
    summary = AssessSummary(out_dir, as_of, tuple(agencies) if agencies else None, engine=engine)
    spark = _engine(engine)
    with tempfile.TemporaryDirectory(prefix="lantern-assess-") as scratch:
        path = Path(store_path) if store_path else Path(scratch) / DEFAULT_STORE.name
        con = _connect(path, settings)
        try:
            # A store kept (`store_path`) may be served by the web app: give it every table.
            app_tables = store_path is not None
            _run_stages(
                con, dataset_dir, summary, agencies, progress, app_tables=app_tables, spark=spark
            )
            started = time.perf_counter()
            summary.files = write_outputs(con, out_dir)
            summary.stages.append(
                StageTiming("export", time.perf_counter() - started, _peak_memory_mb())
            )
            if parquet_dir is not None:
                from lantern.store.parquet import write_parquet

                started = time.perf_counter()
                write_parquet(con, parquet_dir)
                summary.stages.append(
                    StageTiming("parquet", time.perf_counter() - started, _peak_memory_mb())
                )
        finally:
            con.close()
            if spark is not None:
                spark.stop()
    return summary


def run(
    store_path: Path | str,
    dataset_dir: Path | str | None,
    *,
    full: bool = False,
    out_dir: Path | str | None = None,
    as_of: date | None = None,
    progress: Callable[[str], None] | None = None,
    settings: Settings | None = None,
    engine: str = "duckdb",
) -> AssessSummary:
    """Ingest a new extract into a persistent store and bring every derived table up to date:
    incrementally when the store already holds a run (`lantern.incremental`), unless `full` or
    `engine` is "spark" (module doc; the incremental path is DuckDB's alone, so a Spark run
    recomputes every derived stage, as `full` does, the model retrained).

    `dataset_dir` None: no new extract; the derived stages are recomputed from what the store
    holds (after reviewers' decisions or a change of weights), incrementally too unless `full`
    (the kept model and readings; decisions and weights apply after them). `full` recomputes
    every stage from scratch, the model retrained (`lantern run --full`). The store is written
    in place: `lantern.runs.run_generation` runs this on a new store generation."""
    from lantern import incremental

    summary = AssessSummary(Path(out_dir) if out_dir else None, as_of, None, engine=engine)
    # `full` writes every derived table again, so a store from an older Lantern may be opened
    # (and is stamped with this version once the stages have run); otherwise it is refused.
    spark = _engine(engine)
    con = _connect(Path(store_path), settings, rederive=full)
    try:
        if settings is not None:
            _copy_app_decisions(con, settings)
        derived = None
        if spark is not None:
            derived = _derived_stages(con, as_of, spark=spark)
        elif not full and incremental.holds_run(con):
            derived = incremental.derived_stages(con, as_of)
            summary.incremental = True
        if dataset_dir is None:
            _recompute(con, summary, progress, derived)
        else:
            _run_stages(con, Path(dataset_dir), summary, None, progress, derived=derived)
        if full:
            stamp(con)
        if out_dir is not None:
            summary.files = write_outputs(con, Path(out_dir))
    finally:
        con.close()
        if spark is not None:
            spark.stop()
    return summary


def _copy_app_decisions(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """The web app's decisions that a run applies: a supervisor's date of birth for a person
    (app/dob_decisions.py), copied from the operational store into `resolve_dob_decisions`
    before the stages run, so the law on age reads it from the decision's own date on."""
    from lantern.app.dob_decisions import copy_to_store

    copy_to_store(settings.database_url, con)


def _recompute(
    con: duckdb.DuckDBPyConnection,
    summary: AssessSummary,
    progress: Callable[[str], None] | None,
    derived: list[tuple[str, Callable[[], Any]]] | None = None,
) -> None:
    """Every derived stage again over the store's records, with no new extract (`derived`: an
    incremental run's stages, `lantern.incremental`)."""
    from lantern.store.connection import table_exists

    if not table_exists(con, "people"):
        raise UserError(
            "the store holds no records yet: give an extract (`lantern run DATASET --store S`)"
        )
    for name, step in derived or _derived_stages(con, summary.as_of):
        if progress:
            progress(name)
        started = time.perf_counter()
        summary.results[name] = step()
        summary.stages.append(StageTiming(name, time.perf_counter() - started, _peak_memory_mb()))


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
        (
            "person_id",
            "records",
            "band",
            "score",
            "first_flagged_at",
            "network_ids",
            "top_reasons",
            "concern",
        ),  # fmt: skip
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
            "concern",  # added too: the concern of the flagged children around the adult
            # added too: for a man with no person record, the car, phone or handle he is
            # known by (`vehicle:AB12CDE`); empty for a person (lantern.score.unidentified)
            "known_by",
        ),
        """
        SELECT person_id, records, score, linked_children, first_flagged_at, network_ids,
               top_reasons, band, coalesce(concern, 'sexual_exploitation'),
               CASE WHEN kind = 'unidentified' THEN substr(person_id, 14) ELSE '' END
        FROM assessments WHERE kind IN ('adult', 'unidentified')
        ORDER BY score DESC, person_id
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
            writer = csv_writer(handle)
            writer.writerow(header)
            for row in rows:
                writer.writerow([_cell(v) for v in row])
        counts[name] = len(rows)
    return counts


# the pipeline in a child process, for some agencies alone ---------------------------------


def agency_set_name(agency_set: Sequence[str]) -> str:
    """A run's directory name: the agencies joined by '+' ("police", "health+police")."""
    return "+".join(agency_set)


def assess_apart(
    dataset_dir: Path,
    out_dir: Path,
    *,
    agencies: Sequence[str] | None = None,
    as_of: date | None = None,
    store_path: Path | None = None,
) -> dict[str, object]:
    """`assess` in a child process, so its wall time and peak memory are its own; returns the
    OUT_DIR/run.json it writes (agencies, seconds, peak_rss_mb, stages)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "lantern.pipeline", str(dataset_dir), str(out_dir)]
    for agency in agencies or []:
        command += ["--agency", agency]
    if as_of:
        command += ["--as-of", as_of.isoformat()]
    if store_path:
        command += ["--store", str(store_path)]
    done = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ))
    if done.returncode != 0:
        raise UserError(
            f"assessment of {dataset_dir} (agencies: {list(agencies) if agencies else 'all'}) "
            "failed:\n" + done.stderr.strip()[-3000:]
        )
    return json.loads((out_dir / "run.json").read_text())  # type: ignore[no-any-return]


def assess_agency_sets(
    dataset_dir: Path,
    agency_sets: Sequence[Sequence[str]],
    work_dir: Path,
    *,
    as_of: date | None = None,
    keep_stores: bool = False,
    progress: Callable[[int, str], None] | None = None,
) -> dict[str, dict[str, object]]:
    """The pipeline once for each set of agencies' records alone, each in its own process:
    WORK_DIR/<name>/ holds a run's files and, with `keep_stores`, WORK_DIR/<name>.duckdb its store
    (name: `agency_set_name`). Returns each run's run.json by name; `progress(done, name)` after
    each run."""
    runs: dict[str, dict[str, object]] = {}
    for done, agency_set in enumerate(agency_sets, start=1):
        name = agency_set_name(agency_set)
        store = work_dir / f"{name}.duckdb" if keep_stores else None
        runs[name] = assess_apart(
            dataset_dir, work_dir / name, agencies=list(agency_set), as_of=as_of, store_path=store
        )
        if progress is not None:
            progress(done, name)
    return runs


def _child(argv: list[str]) -> int:
    """`python -m lantern.pipeline DATASET OUT [--agency A]... [--as-of D] [--store S]`: one
    assessment (the child process of `assess_apart`), measured into OUT/run.json."""
    parser = argparse.ArgumentParser(prog="python -m lantern.pipeline")
    parser.add_argument("dataset", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--agency", action="append", default=None)
    parser.add_argument("--as-of", type=date.fromisoformat, default=None)
    parser.add_argument("--store", type=Path, default=None)
    args = parser.parse_args(argv)
    began = time.perf_counter()
    result = assess(
        args.dataset, args.out, as_of=args.as_of, agencies=args.agency, store_path=args.store
    )
    seconds = time.perf_counter() - began
    run: dict[str, object] = {
        "agencies": args.agency or "all",
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if args.store:  # kept for the caller to read (`lantern review` reads what each re-run flagged)
        run["store"] = str(args.store)
    if result.stages:
        run["stages"] = [dataclasses.asdict(s) for s in result.stages]
    (args.out / "run.json").write_text(json.dumps(run, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
