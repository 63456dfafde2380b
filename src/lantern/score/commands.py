"""CLI commands: `lantern score`, and the whole pipeline as `lantern assess` and `lantern run`."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from lantern.pipeline import AssessSummary

StoreOption = Annotated[Path, typer.Option("--store", help="DuckDB analytical store.")]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of", help="Assess as of this date (YYYY-MM-DD), with what was recorded by then."
    ),
]


def _as_of(value: str | None) -> date | None:
    from lantern.errors import UserError

    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as error:
        raise UserError(f"--as-of {value!r}: expected a date as YYYY-MM-DD") from error


def score_command(
    store: StoreOption = Path("lantern.duckdb"),
    as_of: AsOfOption = None,
    weights: Annotated[
        Path | None, typer.Option("--weights", help="A weights file instead of Lantern's own.")
    ] = None,
) -> None:
    """Score children, adults and networks, replaying every record by the date it was recorded."""
    from lantern.score import stage
    from lantern.store.connection import connect

    con = connect(store)
    try:
        summary = stage.run(con, _as_of(as_of), weights_path=weights)
    finally:
        con.close()
    bands = ", ".join(f"{n} {band}" for band, n in summary.children_by_band.items())
    typer.echo(
        f"{store}: as of {summary.as_of}: {summary.children} children ({bands}), "
        f"{summary.adults_of_interest} adults of interest, {summary.networks} networks, "
        f"{summary.band_changes} band changes replayed"
    )


def _print_summary(summary: AssessSummary) -> None:
    for timing in summary.stages:
        typer.echo(
            f"  {timing.stage:<14} {timing.seconds:7.1f}s  peak {timing.peak_memory_mb:,.0f} MB"
        )
    for name, rows in summary.files.items():
        typer.echo(f"  {name}: {rows} rows")
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
) -> None:
    """Run the whole pipeline on a fresh store and write persons, children, adults and networks."""
    from lantern.pipeline import assess

    chosen = [a.strip() for a in agencies.split(",") if a.strip()] if agencies else None
    summary = assess(
        dataset,
        out,
        as_of=_as_of(as_of),
        agencies=chosen,
        store_path=store,
        progress=lambda stage: typer.echo(f"{stage}…", err=True),
    )
    typer.echo(f"{out}: assessment written")
    _print_summary(summary)


def run_command(
    dataset: Annotated[Path, typer.Argument(help="A new extract in the interchange format.")],
    store: StoreOption = Path("lantern.duckdb"),
    out: Annotated[
        Path | None, typer.Option("--out", help="Also write the assessment files here.")
    ] = None,
    as_of: AsOfOption = None,
) -> None:
    """Ingest an extract into a persistent store and bring every stage up to date."""
    from lantern.pipeline import run

    summary = run(
        store,
        dataset,
        out_dir=out,
        as_of=_as_of(as_of),
        progress=lambda stage: typer.echo(f"{stage}…", err=True),
    )
    typer.echo(f"{store}: up to date")
    _print_summary(summary)


def register(app: typer.Typer) -> None:
    app.command("score")(score_command)
    app.command("assess")(assess_command)
    app.command("run")(run_command)
