"""`lantern review` on a store: the review's steps, then its files.

Progress bars on the long steps and a summary table at the end, on the terminal.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from lantern.errors import UserError
from lantern.review import render, stage
from lantern.review.report import TIER_SUMMARY, build_report
from lantern.review.stage import SiloedFlags
from lantern.store import generations
from lantern.store.connection import connect, table_exists


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
    kept: bool = False,
) -> render.ReviewFiles:
    """Review a store that the pipeline has filled (with the agency sets' flags, if they were
    re-run: `lantern.commands.review_dataset` runs the pipeline and those re-runs). `kept`: a
    store the user keeps (`--store`), which the app may be serving (`_writing`)."""
    console = console or Console(stderr=True)
    out.mkdir(parents=True, exist_ok=True)
    if not store.exists():
        raise UserError(f"{store}: no store here")
    elif period_to is not None:
        scored = _scored_to(store, out, period_to, console)
        kept = kept and scored == store  # a copy scored as of --to is the review's own
        store = scored
    with _writing(store, kept=kept) as path:
        return _review(path, out, period_from, period_to, siloed, pdf, console)


@contextlib.contextmanager
def _writing(store: Path, *, kept: bool = False) -> Iterator[Path]:
    """The review's tables go into the store: into its next generation when it has
    generations or is `kept` (a store `lantern run` keeps, or one given with `--store`:
    perhaps served by the app meanwhile, docs/operations.md; a plain file is upgraded to
    generations, as `lantern run` and `lantern assess --store` do), in place otherwise (the
    review's own store, made for it)."""
    if not store.is_symlink() and not kept:
        yield store
        return
    with generations.writing(store, "lantern review") as generation:
        yield generation.path


def _review(
    store: Path,
    out: Path,
    period_from: date | None,
    period_to: date | None,
    siloed: SiloedFlags | None,
    pdf: bool,
    console: Console,
) -> render.ReviewFiles:
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


def _scored_to(store: Path, out: Path, period_to: date, console: Console) -> Path:
    """The store to review to `period_to`: the one given when it was scored as of that date
    or earlier; else a copy in OUT scored again as of `period_to`, so that no person is
    joined, and no score raised, by a record or a link from after it (docs/review.md). The
    store given is left as it was (the app may be serving it)."""
    con = connect(store, read_only=True)
    try:
        row = (
            con.execute("SELECT max(as_of) FROM assessments").fetchone()
            if table_exists(con, "assessments")
            else None
        )
    finally:
        con.close()
    as_of = row[0] if row else None
    if as_of is None or as_of <= period_to:
        return store
    copy = out / "lantern.duckdb"
    if copy.resolve() == store.resolve():
        raise UserError(
            f"{store} was scored as of {as_of}, after --to {period_to}: review it into another "
            "--out, so that a copy can be scored as of --to"
        )
    copy.unlink(missing_ok=True)
    shutil.copyfile(store, copy)
    from lantern.score import stage as score

    with console.status(f"Scoring a copy of the store as of {period_to} (it was {as_of})…"):
        con = connect(copy)
        try:
            score.run(con, period_to)
        finally:
            con.close()
    console.print(f"Scored a copy as of {period_to}: {copy}")
    return copy


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
