"""CLI commands: `lantern score` (the whole pipeline, `lantern assess` and `lantern run`, is in
`lantern/commands.py`)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from lantern.settings import StoreOption, command_settings

AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of", help="Assess as of this date (YYYY-MM-DD), with what was recorded by then."
    ),
]


def as_of_date(value: str | None) -> date | None:
    from lantern.errors import UserError

    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as error:
        raise UserError(f"--as-of {value!r}: expected a date as YYYY-MM-DD") from error


def score_command(
    store: StoreOption = None,
    as_of: AsOfOption = None,
    weights: Annotated[
        Path | None, typer.Option("--weights", help="A weights file instead of Lantern's own.")
    ] = None,
) -> None:
    """Score children, adults and networks, replaying every record by the date it was recorded."""
    from lantern.score import stage
    from lantern.store.connection import writing_store

    settings = command_settings(store)
    store = settings.store
    with writing_store(settings, "lantern score") as con:
        summary = stage.run(con, as_of_date(as_of), weights_path=weights)
    bands = ", ".join(f"{n} {band}" for band, n in summary.children_by_band.items())
    typer.echo(
        f"{store}: as of {summary.as_of}: {summary.children} children ({bands}), "
        f"{summary.adults_of_interest} adults of interest, {summary.networks} networks, "
        f"{summary.band_changes} band changes replayed"
    )


def register(app: typer.Typer) -> None:
    app.command("score")(score_command)
