"""The commands that run the pipeline: `lantern assess`, `lantern run`, `lantern review` and
`lantern evaluate`.

They sit at the top, above `lantern.pipeline` and every stage: a stage's own commands live in
`lantern/<stage>/commands.py` and never run the pipeline (import-linter's layers contract in
pyproject.toml). Heavy imports stay inside the functions, so `lantern --help` stays fast.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lantern.errors import UserError
from lantern.score.commands import AsOfOption, as_of_date
from lantern.settings import StoreOption, command_settings

EngineOption = Annotated[
    str,
    typer.Option(
        "--engine",
        help="duckdb (one machine), or spark: the text analysis, the network communities and "
        "the indicators' and graph's SQL steps that translate on Apache Spark (the spark "
        "extra; LANTERN_SPARK_MASTER, default local[2]; docs/spark.md).",
    ),
]

if TYPE_CHECKING:
    from rich.console import Console

    from lantern.pipeline import AssessSummary
    from lantern.review.render import ReviewFiles


@contextlib.contextmanager
def removed_on_failure(out: Path | None) -> Iterator[None]:
    """An --out folder this command creates is removed again if the command fails, so a failed
    run leaves nothing that looks like results (a folder that was already there is left)."""
    created = out is not None and not out.exists()
    try:
        yield
    except BaseException:
        if created and out is not None and out.exists():
            shutil.rmtree(out, ignore_errors=True)
        raise


def _print_load(summary: AssessSummary, store: Path | str) -> None:
    """What the load took in and kept out, as `lantern ingest` says it, in a line or a few."""
    load = summary.results.get("ingest")
    if load is None:
        return
    quarantined, warned = load.total("quarantined"), load.total("warned")
    typer.echo(
        f"  load {load.load_id}: {load.total('read'):,} rows read, {load.total('loaded'):,} "
        f"loaded, {quarantined:,} quarantined, {warned:,} with warnings"
    )
    for note in load.file_notes:
        typer.echo(f"    note: {note}")
    if quarantined or warned:
        typer.echo(f"    every one, with file, line and column: lantern quarantine --store {store}")


def _print_summary(summary: AssessSummary) -> None:
    for timing in summary.stages:
        typer.echo(
            f"  {timing.stage:<14} {timing.seconds:7.1f}s  peak {timing.peak_memory_mb:,.0f} MB"
        )
    for name, rows in summary.files.items():
        typer.echo(f"  {name}: {rows:,} row{'' if rows == 1 else 's'}")
    typer.echo(f"total {summary.seconds:.1f}s, peak memory {summary.peak_memory_mb:,.0f} MB")


def assess_command(
    dataset: Annotated[Path, typer.Argument(help="Dataset directory in the interchange format.")],
    out: Annotated[Path, typer.Option("--out", help="Directory for the assessment files.")],
    as_of: AsOfOption = None,
    agencies: Annotated[
        str | None,
        typer.Option(
            "--agencies", help="Only these agencies' rows (comma-separated): a siloed view."
        ),
    ] = None,
    store: Annotated[
        Path | None, typer.Option("--store", help="Keep the store here (default: a throwaway one).")
    ] = None,
    engine: EngineOption = "duckdb",
    parquet: Annotated[
        Path | None,
        typer.Option(
            "--parquet",
            help="Also write every table of the store here as Parquet, one file a table "
            "(read by DuckDB and Spark alike; docs/spark.md).",
        ),
    ] = None,
) -> None:
    """Run the whole pipeline on a fresh store and write persons, children, adults and networks."""
    from lantern.pipeline import assess
    from lantern.runs import assess_generation

    chosen = [a.strip() for a in agencies.split(",") if a.strip()] if agencies else None
    options: dict[str, Any] = {
        "as_of": as_of_date(as_of),
        "agencies": chosen,
        "progress": lambda stage: typer.echo(f"{stage}…", err=True),
        "settings": command_settings(),
        "engine": engine,
        "parquet_dir": parquet,
    }
    with removed_on_failure(out):
        if store is None:
            summary = assess(dataset, out, **options)
        else:  # a store kept may be served: its next generation (docs/operations.md)
            summary = assess_generation(store, dataset, out, **options).summary
    typer.echo(f"{out}: assessment written")
    _print_load(summary, store or "(a throwaway store)")
    _print_summary(summary)


def run_command(
    dataset: Annotated[
        Path | None,
        typer.Argument(
            help="A new extract in the interchange format (none: recompute the store, after "
            "reviewers' decisions or a change of weights)."
        ),
    ] = None,
    store: StoreOption = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Also write the assessment files here.")
    ] = None,
    as_of: AsOfOption = None,
    full: Annotated[
        bool, typer.Option("--full", help="Recompute every stage from scratch.")
    ] = False,
    engine: EngineOption = "duckdb",
) -> None:
    """Bring an extract into a persistent store and every stage up to date, as a new store
    generation: the web app keeps serving the current one and moves to the new one when the run
    has finished; a run that fails or is stopped changes nothing. Two runs never overlap (exit
    7). Ends with one `lantern-run outcome=…` line for monitoring (docs/operations.md)."""
    import time

    from lantern.errors import LanternError
    from lantern.runs import log_line, run_generation

    settings = command_settings(store)
    began = time.perf_counter()
    try:
        if dataset is not None and not dataset.is_dir():
            raise UserError(f"{dataset}: no such dataset directory")
        with removed_on_failure(out):
            result = run_generation(
                settings.store,
                dataset,
                full=full,
                out_dir=out,
                as_of=as_of_date(as_of),
                progress=lambda stage: typer.echo(f"{stage}…", err=True),
                settings=settings,
                engine=engine,
            )
    except BaseException as error:
        code = error.exit_code if isinstance(error, LanternError) else 1
        typer.echo(
            log_line({
                "outcome": "failed", "exit": code, "store": settings.store,
                "seconds": round(time.perf_counter() - began, 1),
                "error": f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"[:300],
            }),
            err=True,
        )  # fmt: skip
        raise
    summary, generation = result.summary, result.generation
    upgraded = generation.details.get("upgraded_from")
    if upgraded:
        typer.echo(
            f"{settings.store}: upgraded to store generations (the file it was is now "
            f"generation {generation.number}, in {generation.path.parent})"
        )
    typer.echo(f"{settings.store}: up to date (generation {generation.number})")
    _print_load(summary, settings.store)
    _print_summary(summary)
    details = generation.details
    typer.echo(
        log_line({
            "outcome": "succeeded", "exit": 0, "store": settings.store,
            "generation": generation.number, "mode": details.get("mode"),
            "load": details.get("load_id") or "none",
            "loaded": details.get("loaded", 0), "quarantined": details.get("quarantined", 0),
            "data_as_of": details.get("data_as_of"), "seconds": round(time.perf_counter() - began, 1),
        })
    )  # fmt: skip


def status_command(
    store: StoreOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
) -> None:
    """When the last run started and finished, how it ended, what it loaded and quarantined,
    and the store generation being served. Exits 0 when the last run succeeded or is running,
    1 when it failed or did not finish, 4 when there is no store (docs/operations.md)."""
    import json

    from lantern.errors import StoreError
    from lantern.runs import status

    settings = command_settings(store)
    found = status(settings.store)
    if found["current"]["path"] is None and found["last_run"] is None:
        raise StoreError(f"{settings.store}: no store here (build one with `lantern run`)")
    if as_json:
        typer.echo(json.dumps(found, indent=2, default=str))
    else:
        _print_status(found)
    last = found["last_run"]
    outcome = last.get("outcome") if last else None
    if outcome in ("failed", "did not finish"):
        raise typer.Exit(1)


def _print_status(found: dict[str, object]) -> None:
    current: dict = found["current"]  # type: ignore[assignment]
    typer.echo(f"store: {found['store']}")
    if current.get("generation") is not None:
        typer.echo(
            f"  serving: generation {current['generation']} ({current['path']}), data as of "
            f"{current.get('data_as_of') or 'unknown'}, run finished {current.get('finished_at')}"
        )
    elif current.get("path"):
        typer.echo(
            f"  serving: {current['path']} (a store from before generations; the next run "
            "upgrades it)"
        )
    last: dict | None = found["last_run"]  # type: ignore[assignment]
    if last is None:
        typer.echo("  last run: none recorded")
        return
    typer.echo(
        f"  last run: {last.get('outcome')}"
        + (f" ({last['mode']})" if last.get("mode") else "")
        + f" — {last.get('purpose')}, started {last.get('started_at')}"
        + (f", finished {last['finished_at']}" if last.get("finished_at") else "")
    )
    if last.get("outcome") == "running":
        typer.echo(f"    running in process {last.get('pid')}; the app serves the generation above")
    if last.get("error"):
        typer.echo(f"    error: {last['error']}")
    if last.get("outcome") == "did not finish":
        typer.echo("    it was stopped (killed, or the machine went down): nothing was switched")
    if last.get("load_id"):
        typer.echo(
            f"    load {last['load_id']}: {last.get('read', 0):,} rows read, "
            f"{last.get('loaded', 0):,} loaded, {last.get('quarantined', 0):,} quarantined, "
            f"{last.get('warned', 0):,} with warnings"
        )
    success: dict | None = found["last_success"]  # type: ignore[assignment]
    if last.get("outcome") != "succeeded" and success:
        typer.echo(
            f"  last run that succeeded: generation {success.get('generation')}, finished "
            f"{success.get('finished_at')}"
        )


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise UserError(f"{option} {value!r} is not a date (YYYY-MM-DD)") from error


def review_dataset(
    dataset: Path | None,
    out: Path,
    *,
    period_from: date | None = None,
    period_to: date | None = None,
    store: Path | None = None,
    pairs: bool = True,
    pdf: bool = True,
    console: Console | None = None,
) -> ReviewFiles:
    """`lantern review`: the pipeline on a fresh store (unless `store` is given), the re-runs
    with each agency alone and each pair (`pairs`, with a dataset), then the review and its
    files."""
    import tempfile

    from rich.console import Console

    from lantern.pipeline import assess, assess_agency_sets
    from lantern.review.run import progress_bars, review_store
    from lantern.review.siloed import agency_sets, siloed_flags
    from lantern.settings import DEFAULT_STORE
    from lantern.store.connection import connect

    console = console or Console(stderr=True)
    out.mkdir(parents=True, exist_ok=True)
    kept = store is not None  # the user's store, perhaps served: reviewed into a generation
    if store is None:
        assert dataset is not None
        store = out / DEFAULT_STORE.name
        if store.exists():
            store.unlink()
        stages = ("ingest", "resolve", "indicators", "graph", "score")
        with progress_bars(console) as bars:
            task = bars.add_task("Pipeline on a fresh store", total=len(stages), step="")

            def stage_started(name: str) -> None:
                done = stages.index(name) if name in stages else None
                bars.update(task, completed=done, step=name)

            assess(dataset, store.parent / "assess", as_of=period_to, store_path=store,
                   progress=stage_started)  # fmt: skip
            bars.update(task, completed=len(stages), step="done")
        console.print(f"Pipeline done: {store}")
    elif not store.exists():
        raise UserError(f"{store}: no store here")
    siloed = None
    if pairs and dataset is not None:
        con = connect(store, read_only=True)
        try:
            agencies = [a for (a,) in con.execute("SELECT DISTINCT agency FROM people").fetchall()]
        finally:
            con.close()
        sets = agency_sets(agencies)
        with progress_bars(console) as bars, tempfile.TemporaryDirectory() as work:
            task = bars.add_task("Replaying agencies alone and in pairs", total=len(sets), step="")
            runs = assess_agency_sets(
                dataset,
                sets,
                Path(work),
                as_of=period_to,
                keep_stores=True,
                progress=lambda done, name: bars.update(task, completed=done, step=name),
            )
            siloed = siloed_flags(runs.values())
            bars.update(task, completed=len(sets), step="done")
    return review_store(
        store, out, period_from=period_from, period_to=period_to, siloed=siloed, pdf=pdf,
        console=console, kept=kept,
    )  # fmt: skip


def review_command(
    out: Annotated[Path, typer.Option("--out", help="Directory for the report files.")],
    dataset: Annotated[
        Path | None,
        typer.Argument(help="Interchange dataset to review (runs the pipeline on a fresh store)."),
    ] = None,
    period_from: Annotated[
        str | None, typer.Option("--from", help="First day of the period (YYYY-MM-DD).")
    ] = None,
    period_to: Annotated[
        str | None, typer.Option("--to", help="Last day of the period; nothing later is read.")
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option("--store", help="Review an existing store instead of running the pipeline."),
    ] = None,
    pairs: Annotated[
        bool,
        typer.Option(
            "--pairs/--no-pairs",
            help="Replay the pipeline for each agency and each pair of agencies (needs DATASET).",
        ),
    ] = True,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Write report.pdf.")] = True,
) -> None:
    """Retrospective review: children by tier, missed opportunities, agencies, language, networks."""
    start, end = _date(period_from, "--from"), _date(period_to, "--to")
    if dataset is None and store is None:
        raise UserError("give a DATASET to review, or --store PATH for an existing store")
    if dataset is not None and not dataset.is_dir():
        raise UserError(f"{dataset}: no such dataset directory")
    with removed_on_failure(out):
        review_dataset(
            dataset, out, period_from=start, period_to=end, store=store, pairs=pairs, pdf=pdf
        )


def evaluate_command(
    data: Annotated[
        Path | None, typer.Option("--data", help="Dataset to assess (runs the pipeline).")
    ] = None,
    truth: Annotated[
        Path | None, typer.Option("--truth", help="Ground truth directory (default DATA/truth).")
    ] = None,
    assessed: Annotated[
        Path | None,
        typer.Option(
            "--assessed",
            help="Evaluate an existing `lantern assess` output (or an evaluate work directory) instead of running the pipeline.",
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the report as JSON here.")
    ] = None,
    work: Annotated[
        Path | None,
        typer.Option(
            "--work",
            help="Where the runs' outputs go, kept afterwards "
            "(default: a temporary directory, removed at the end).",
        ),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Assess as of this date (YYYY-MM-DD).")
    ] = None,
    siloed: Annotated[
        bool, typer.Option("--siloed/--no-siloed", help="Also run each agency alone.")
    ] = True,
    lead_table: Annotated[
        Path | None,
        typer.Option(
            "--lead-table",
            help="Write the per-victim lead table here (default: lead_time.csv beside "
            "--out, and in --work).",
        ),
    ] = None,
) -> None:
    """Measure identity linkage, children flagged, networks found and lead time against truth."""
    import json
    import shutil
    import tempfile

    from lantern.evaluate import runs
    from lantern.evaluate.inputs import load_truth
    from lantern.evaluate.metrics import evaluate_outputs
    from lantern.evaluate.summary import print_summary
    from lantern.evaluate.victim_leads import write_table
    from lantern.pipeline import assess_agency_sets, assess_apart

    if (data is None) == (assessed is None):
        raise UserError("give exactly one of --data DIR (run the pipeline) or --assessed DIR")
    if truth is None:
        if data is None:
            raise UserError("--truth is required with --assessed")
        truth = data / "truth"
    if not truth.is_dir():
        raise UserError(f"{truth}: no ground truth directory here")
    measured: dict[str, object] = {}
    scratch = None
    if data is not None and work is None:
        # Nobody asked to keep the runs: a scratch directory, removed however we leave.
        scratch = work = Path(tempfile.mkdtemp(prefix="lantern-evaluate-"))
    try:
        if data is not None:
            assert work is not None
            agencies = load_truth(truth).agencies
            typer.echo(
                f"running the pipeline jointly and for {len(agencies) if siloed else 0} "
                f"agencies alone, into {work}",
                err=True,
            )
            day = as_of_date(as_of)
            measured = {"joint": assess_apart(data, work / "joint", as_of=day)}
            typer.echo("  done: joint", err=True)
            if siloed:
                measured["siloed"] = assess_agency_sets(
                    data,
                    [(agency,) for agency in agencies],
                    work / "siloed",
                    as_of=day,
                    progress=lambda _done, name: typer.echo(f"  done: {name}", err=True),
                )
            assessed = work
        assert assessed is not None
        joint, silos = runs.layout(assessed)
        report = evaluate_outputs(joint, truth, silos or None, dataset_dir=data)
        report["runs"] = measured or runs.read_runs(assessed)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2, default=str))
    tables = [lead_table] if lead_table else []
    if not tables and out is not None:
        tables.append(out.parent / "lead_time.csv")
    if not tables and work is not None and scratch is None:
        tables.append(work / "lead_time.csv")
    for path in tables:
        write_table(report["lead_time_per_victim"], path)  # type: ignore[arg-type]
    print_summary(report)


def register(app: typer.Typer) -> None:
    app.command("assess")(assess_command)
    app.command("run")(run_command)
    app.command("status")(status_command)


def register_measures(app: typer.Typer) -> None:
    """The commands that measure (listed after `lantern synth`, whose counties they measure)."""
    app.command("evaluate")(evaluate_command)
    app.command("review")(review_command)
