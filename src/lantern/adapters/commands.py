"""`lantern adapt`: a statutory return, or a police or health export with a mapping, into the
interchange format."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from lantern.adapters.core import Adapted

FORMAT_HELP = (
    "ssda903, cin, annex-a or ssd; or a mapping file (mapping.yaml) for a police or health export."
)


def adapt_command(
    format: Annotated[str, typer.Argument(help=FORMAT_HELP)],
    source: Annotated[Path, typer.Argument(help="The return: a folder, XML file or workbook.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Dataset directory to write (interchange).")
    ] = None,
    agency: Annotated[
        str | None,
        typer.Option(
            "--agency",
            help="Agency code for the rows (default: social_care, or the mapping's agency).",
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Preview the first rows mapped, the columns and values "
            "left out, and the problems; write nothing.",
        ),
    ] = False,
    rows: Annotated[int, typer.Option("--rows", help="Rows to preview with --check.")] = 5,
) -> None:
    """Read a return or an export into the interchange format, with where each row came from;
    what cannot be read goes to OUT/quarantine.csv with its file, line and column."""
    from rich.console import Console

    from lantern.adapters.registry import adapt
    from lantern.errors import UserError

    console = Console(width=None if Console().is_terminal else 120)
    adapted = adapt(format, source, agency)
    if check:
        print_check(console, adapted, rows)
        return
    if out is None:
        raise UserError("--out DATASET is required (or --check to preview)")
    if out.exists() and any(out.iterdir()) and not (out / "manifest.yaml").exists():
        raise UserError(f"{out}: not empty and not a dataset; choose a new directory")
    counts = adapted.write(out)
    print_summary(console, adapted, out, counts)


def print_summary(console: Console, adapted: Adapted, out: Path, counts: dict[str, int]) -> None:
    read = ", ".join(f"{n:,} {kind}" for kind, n in sorted(adapted.read.items())) or "nothing"
    console.print(f"Read {read}.", highlight=False)
    console.print(
        f"Wrote {out}: {counts['people.csv']:,} people, {counts['events.csv']:,} events.",
        highlight=False,
    )
    errors, warnings = adapted.errors, adapted.warnings
    if errors or warnings:
        console.print(
            f"{len(errors):,} records not loaded and {len(warnings):,} values left out: "
            f"see {out / 'quarantine.csv'}",
            highlight=False,
        )
        for issue in adapted.issues[:10]:
            console.print(f"  {issue}", highlight=False, markup=False)
        if len(adapted.issues) > 10:
            console.print(f"  … and {len(adapted.issues) - 10:,} more", highlight=False)


def print_check(console: Console, adapted: Adapted, rows: int) -> None:
    from rich.markup import escape
    from rich.table import Table

    read = ", ".join(f"{n:,} {kind}" for kind, n in sorted(adapted.read.items())) or "nothing"
    console.print(f"Read {read}: {len(adapted.people):,} people, {len(adapted.events):,} "
                  "events would be written.", highlight=False)  # fmt: skip
    table = Table(title=f"The first {rows} events, mapped", title_justify="left")
    for heading in ("event_ref", "event_type", "occurred_at", "subject", "codes", "source"):
        table.add_column(heading, overflow="fold")
    subjects: dict[str, str] = {}
    for link in adapted.event_people:  # the first person named on the event
        subjects.setdefault(link["event_ref"], link["person_ref"])
    for event in list(adapted.events.values())[:rows]:
        table.add_row(*(escape(v) for v in (
            event["event_ref"], event["event_type"], event["occurred_at"],
            subjects.get(event["event_ref"], ""), event["codes"], event["source"],
        )))  # fmt: skip
    console.print(table)
    for note in adapted.notes:
        console.print(note, highlight=False, markup=False)
    console.print(
        f"{len(adapted.errors):,} records would not be loaded and {len(adapted.warnings):,} "
        "values would be left out.",
        highlight=False,
    )
    for issue in adapted.issues[:20]:
        console.print(f"  {issue}", highlight=False, markup=False)
    if len(adapted.issues) > 20:
        console.print(f"  … and {len(adapted.issues) - 20:,} more", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("adapt")(adapt_command)
