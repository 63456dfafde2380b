"""`lantern synth`: write a synthetic county with planted networks and its ground truth."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def synth_command(
    out: Annotated[Path, typer.Option("--out", help="Directory to write the dataset into.")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed; same seed, same files.")] = 1,
    children: Annotated[int, typer.Option("--children", help="Children in the county.")] = 3000,
    years: Annotated[int, typer.Option("--years", help="Years of records.")] = 10,
    start_year: Annotated[int, typer.Option("--start-year", help="First year of records.")] = 2004,
    recognition: Annotated[
        str,
        typer.Option(
            "--recognition",
            help="When agencies recognise a victim: 'prompt' (the headline county) or 'late' "
            "(a sensitivity test: years after the signs are stark; docs/synthetic-county.md).",
        ),
    ] = "prompt",
    ends_on: Annotated[
        str | None,
        typer.Option(
            "--ends-on",
            help="Move the county whole weeks in time so its records end in the week before "
            "this date (YYYY-MM-DD, or 'today'), taking the extract on it: a live demo.",
        ),
    ] = None,
    profile: Annotated[
        str,
        typer.Option(
            "--profile",
            help="'default' (the headline county) or 'hard' (more benign confounders, men known "
            "only by car, phone or street name, children's homes as the only recorder of missing "
            "episodes, birth-year-only dates of birth, a second way of writing notes; "
            "docs/synthetic-county.md).",
        ),
    ] = "default",
    formats: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            help="Also write the county's social care as this return in OUT/formats/FORMAT "
            "(ssda903, cin, annex-a, ssd; repeat for several). See docs/adapters.md.",
        ),
    ] = None,
) -> None:
    """Generate a synthetic county (interchange tables in OUT, ground truth in OUT/truth)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from lantern.errors import UserError
    from lantern.synth.county import generate

    if children < 1 or years < 1:
        raise UserError("--children and --years must be at least 1")
    if recognition not in ("prompt", "late"):
        raise UserError("--recognition must be 'prompt' or 'late'")
    ends = None
    if ends_on is not None:
        import datetime as dt

        try:
            ends = dt.date.today() if ends_on == "today" else dt.date.fromisoformat(ends_on)
        except ValueError:
            raise UserError("--ends-on must be a date (YYYY-MM-DD) or 'today'") from None
    if profile not in ("default", "hard"):
        raise UserError("--profile must be 'default' or 'hard'")
    from lantern.adapters.writers import WRITERS

    unknown = [f for f in formats or [] if f not in WRITERS]
    if unknown:
        raise UserError(f"--format {unknown[0]!r}: use one of {', '.join(WRITERS)}")
    if out.exists() and any(out.iterdir()) and not (out / "truth" / "manifest.yaml").is_file():
        raise UserError(f"{out}: not empty and not a synthetic county; choose a new directory")
    with Progress(
        TextColumn("[bold]synth[/]"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} children"),
        TimeElapsedColumn(),
        transient=False,
    ) as bar:
        task = bar.add_task("children", total=children)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done)

        summary = generate(
            out,
            seed=seed,
            children=children,
            years=years,
            start_year=start_year,
            recognition=recognition,
            profile=profile,
            progress=advance,
        )
    moved = ""
    if ends is not None:
        from lantern.synth.shift import shift_county

        shift = shift_county(out, ends)
        moved = (
            f"; moved {shift.days} days to end on {shift.window_end}, extract taken {ends} "
            f"({shift.dropped_events} later records left out)"
        )
    typer.echo(
        f"{summary.out}: {summary.children} children, {summary.persons} persons, "
        f"{summary.person_records} person records, {summary.events} events, "
        f"{summary.networks} planted networks with {summary.victims} victims "
        f"({summary.seconds:.1f}s){moved}"
    )
    if formats:
        from lantern.adapters.writers import write_formats

        for line in write_formats(out, formats):
            typer.echo(line)


def register(app: typer.Typer) -> None:
    app.command("synth")(synth_command)
