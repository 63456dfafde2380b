"""`lantern review` on a store: the review's steps, then its files.

Progress bars on the long steps and a summary table at the end, on the terminal.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from lantern.errors import UserError
from lantern.review import render, stage
from lantern.review.report import TIER_SUMMARY, build_report
from lantern.review.stage import SiloedFlags
from lantern.store.connection import connect


def progress_bars(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[step]}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def review_store(
    store: Path,
    out: Path,
    *,
    period_from: date | None = None,
    period_to: date | None = None,
    siloed: SiloedFlags | None = None,
    pdf: bool = True,
    console: Console | None = None,
) -> render.ReviewFiles:
    """Review a store that the pipeline has filled (with the agency sets' flags, if they were
    re-run: `lantern.commands.review_dataset` runs the pipeline and those re-runs)."""
    console = console or Console(stderr=True)
    out.mkdir(parents=True, exist_ok=True)
    if not store.exists():
        raise UserError(f"{store}: no store here")
    con = connect(store)
    try:
        with progress_bars(console) as bars:
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
