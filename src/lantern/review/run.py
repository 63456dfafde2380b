"""Orchestrating `lantern review`: pipeline (or existing store), replays, review, files.

Progress bars on the long steps and a summary table at the end, on the terminal.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from lantern.errors import UserError
from lantern.review import render, stage
from lantern.review.replay import agency_sets, replay_agency_sets
from lantern.review.report import TIER_SUMMARY, build_report
from lantern.store.connection import connect


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[step]}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


PIPELINE_STAGES = ("ingest", "resolve", "indicators", "graph", "score")


def _run_pipeline(
    dataset: Path, store: Path, as_of: date | None, progress: Callable[[str], None]
) -> None:
    try:
        from lantern.pipeline import assess  # type: ignore[import-not-found]
    except ImportError as error:
        raise UserError(
            "running the pipeline needs `lantern.pipeline.assess`, which this build lacks; "
            "run the stages and use --store"
        ) from error
    assess(dataset, store.parent / "assess", as_of=as_of, store_path=store, progress=progress)


def review(
    dataset: Path | None,
    out: Path,
    *,
    period_from: date | None = None,
    period_to: date | None = None,
    store: Path | None = None,
    pairs: bool = True,
    pdf: bool = True,
    console: Console | None = None,
) -> render.ReviewFiles:
    console = console or Console(stderr=True)
    out.mkdir(parents=True, exist_ok=True)
    if store is None:
        assert dataset is not None
        store = out / "lantern.duckdb"
        if store.exists():
            store.unlink()
        with _progress(console) as bars:
            task = bars.add_task("Pipeline on a fresh store", total=len(PIPELINE_STAGES), step="")

            def stage_started(name: str) -> None:
                done = PIPELINE_STAGES.index(name) if name in PIPELINE_STAGES else None
                bars.update(task, completed=done, step=name)

            _run_pipeline(dataset, store, period_to, stage_started)
            bars.update(task, completed=len(PIPELINE_STAGES), step="done")
        console.print(f"Pipeline done: {store}")
    elif not store.exists():
        raise UserError(f"{store}: no store here")
    con = connect(store)
    try:
        siloed = None
        if pairs and dataset is not None:
            agencies = [a for (a,) in con.execute("SELECT DISTINCT agency FROM people").fetchall()]
            sets = agency_sets(agencies)
            with _progress(console) as bars, tempfile.TemporaryDirectory() as work:
                task = bars.add_task(
                    "Replaying agencies alone and in pairs", total=len(sets), step=""
                )
                siloed = replay_agency_sets(
                    dataset,
                    agencies,
                    Path(work),
                    as_of=period_to,
                    progress=lambda done, name: bars.update(task, completed=done, step=name),
                )
                bars.update(task, completed=len(sets), step="done")
        with _progress(console) as bars:
            task = bars.add_task("Review", total=len(stage.STEPS), step="")

            def step_done(description: str) -> None:
                bars.update(task, advance=1, step=description[:60])

            summary = stage.run(
                con, period_from=period_from, period_to=period_to, siloed=siloed, progress=step_done
            )
        with console.status("Writing report.html, report.pdf, review.xlsx, tiers.csv…"):
            report = build_report(con, summary)
            files = render.write_all(report, out, pdf=pdf)
    finally:
        con.close()
    _print_summary(console, summary, report, files)
    return files


def _print_summary(console: Console, summary: stage.ReviewSummary, report, files) -> None:  # noqa: ANN001
    table = Table(title=f"Retrospective review, {summary.period_from} to {summary.period_to}")
    table.add_column("tier")
    table.add_column("children", justify="right")
    table.add_column("criteria")
    for tier, criteria in TIER_SUMMARY.items():
        table.add_row(tier, str(summary.tiers.get(tier, 0)), criteria)
    table.add_row("total", str(summary.children), "")
    console.print(table)
    facts = Table(show_header=False, box=None)
    for label, value in report.headline[4:]:
        facts.add_row(label, value)
    facts.add_row("Agency sets replayed", str(summary.replayed_sets))
    console.print(facts)
    for note in report.notes:
        console.print(f"[yellow]Note:[/] {note}")
    written = [files.html, files.pdf, files.xlsx, files.tiers_csv]
    console.print("Wrote " + ", ".join(str(p) for p in written if p is not None))
