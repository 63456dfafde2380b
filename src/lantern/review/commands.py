"""`lantern review`: the retrospective review of a dataset or an existing store."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from lantern.errors import UserError


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise UserError(f"{option} {value!r} is not a date (YYYY-MM-DD)") from error


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
    from lantern.review.run import review

    start, end = _date(period_from, "--from"), _date(period_to, "--to")
    if dataset is None and store is None:
        raise UserError("give a DATASET to review, or --store PATH for an existing store")
    if dataset is not None and not dataset.is_dir():
        raise UserError(f"{dataset}: no such dataset directory")
    review(dataset, out, period_from=start, period_to=end, store=store, pairs=pairs, pdf=pdf)


def register(app: typer.Typer) -> None:
    app.command("review")(review_command)
