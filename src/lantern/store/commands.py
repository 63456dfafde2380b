"""CLI commands of the store stage: `lantern schema`, `lantern ingest`, `lantern quarantine`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from lantern.settings import StoreOption, command_settings

if TYPE_CHECKING:
    from lantern.store.ingest import LoadSummary

# Rows (all tables) from which `lantern ingest` shows a progress bar.
PROGRESS_FROM_BYTES = 20 * 1024 * 1024


def schema_command(
    markdown: Annotated[
        Path | None,
        typer.Option("--markdown", help="Write the format as Markdown tables to this file."),
    ] = None,
) -> None:
    """Print the interchange format: every table and column, its type, vocabulary and meaning."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from lantern.interchange import schema

    if markdown is not None:
        markdown.write_text(schema.render_markdown() + "\n", encoding="utf-8")
        typer.echo(f"wrote {markdown}")
        return
    console = Console()
    for table in schema.TABLES.values():
        out = Table(title=f"{table.name}: {table.meaning}", title_justify="left")
        for heading in ("column", "type", "required", "vocabulary", "meaning"):
            out.add_column(heading, overflow="fold")
        for c in table.columns:
            out.add_row(
                c.name,
                schema.describe_type(c),
                "yes" if c.required else "",
                escape(schema.vocabulary_text(c)),
                escape(c.meaning),
            )
        console.print(out)


def ingest_command(
    dataset: Annotated[
        Path,
        typer.Argument(
            help="Dataset directory in the interchange format (or, with --format, "
            "the return or export to adapt)."
        ),
    ],
    store: StoreOption = None,
    format_: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="Adapt DATASET from this format first (ssda903, cin, "
            "annex-a, ssd, or a mapping.yaml), as `lantern adapt` does.",
        ),
    ] = None,
) -> None:
    """Load a dataset into the store; bad rows go to quarantine and the rest loads."""
    from rich.console import Console

    console = Console()
    if not console.is_terminal:  # piped or captured: do not squeeze the table into 80 columns
        console = Console(width=120)
    settings = command_settings(store)
    store = settings.store
    if format_ is not None:
        summary = adapt_and_ingest(format_, dataset, settings)
        print_summary(console, summary, store)
        return
    from lantern.interchange.dataset import open_dataset
    from lantern.store.connection import writing_store
    from lantern.store.ingest import ingest, refuse_incomplete

    size = sum(f.path.stat().st_size for f in open_dataset(dataset).files)
    # A load is kept even when incomplete (the quarantine says why): it is refused after.
    with writing_store(settings, f"lantern ingest {dataset}") as con:
        if size >= PROGRESS_FROM_BYTES and console.is_terminal:
            from rich.progress import Progress

            with Progress(console=console, transient=True) as bar:
                task = bar.add_task("loading", total=None)

                def progress(description: str, done: int, total: int) -> None:
                    bar.update(task, description=description, completed=done, total=total)

                summary = ingest(con, dataset, progress=progress)
        else:
            summary = ingest(con, dataset)
    print_summary(console, summary, store)
    refuse_incomplete(summary, store)


def adapt_and_ingest(fmt: str, source: Path, settings, agency: str | None = None):  # type: ignore[no-untyped-def]
    """`lantern ingest --format`: adapt `source` into a scratch dataset and load it; what the
    adapter could not read joins the load's quarantine (and warnings) in the store, with its
    place in the source, so `lantern quarantine` lists both."""
    import tempfile

    from lantern.adapters.registry import adapt
    from lantern.store.connection import writing_store
    from lantern.store.ingest import ingest

    adapted = adapt(fmt, source, agency)
    with tempfile.TemporaryDirectory(prefix="lantern-adapt-") as scratch:
        dataset = Path(scratch) / source.name
        adapted.write(dataset)
        (dataset / "quarantine.csv").unlink()  # its rows go to the store's quarantine below
        with writing_store(settings, f"lantern ingest --format {fmt} {source}") as con:
            summary = ingest(con, dataset)
            for issue in adapted.issues:
                table = "quarantine" if issue.severity == "error" else "load_warnings"
                where = issue.location
                con.execute(
                    f"INSERT INTO {table} VALUES (?, 'source', ?, ?, ?, ?, ?, ?)",  # noqa: S608
                    [summary.load_id, adapted.agency,
                     where.file + (f" [{where.sheet}]" if where.sheet else ""), where.line,
                     where.column, issue.value, str(issue)],
                )  # fmt: skip
    if adapted.errors:
        summary.file_notes.append(
            f"{len(adapted.errors):,} source records could not be adapted and are in the "
            "quarantine with their place in the source"
        )
    return summary


def print_summary(console, summary: LoadSummary, store: Path) -> None:  # type: ignore[no-untyped-def]
    from rich.table import Table

    table = Table(
        title=f"Load {summary.load_id}: {summary.dataset} → {store}", title_justify="left"
    )
    headings = ("table", "agency", "read", "loaded", "new", "changed", "unchanged",
                "quarantined", "warned")  # fmt: skip
    for i, heading in enumerate(headings):
        table.add_column(heading, justify="right" if i >= 2 else "left")
    for c in summary.counts:
        table.add_row(
            c.table, c.agency,
            *(f"{getattr(c, w):,}" for w in headings[2:]),
        )  # fmt: skip
    table.add_section()
    table.add_row("total", "", *(f"{summary.total(w):,}" for w in headings[2:]))
    console.print(table)
    for note in summary.file_notes:
        console.print(f"  note: {note}", highlight=False)
    for name in summary.ignored_files:
        console.print(f"  ignored (not an interchange table): {name}", highlight=False)
    quarantined = summary.total("quarantined")
    seconds = max(summary.seconds, 1e-6)
    console.print(
        f"{summary.total('read'):,} rows read in {summary.seconds:.1f} s "
        f"({summary.total('read') / seconds:,.0f} rows/s)."
        + (
            f" {quarantined:,} rows quarantined: see `lantern quarantine --store {store}`."
            if quarantined
            else ""
        ),
        highlight=False,
    )


def quarantine_command(
    store: StoreOption = None,
    load: Annotated[
        str | None, typer.Option("--load", help="Load id (default: the latest load).")
    ] = None,
    export: Annotated[
        Path | None,
        typer.Option("--export", help="Write the rows to this CSV file (formulas escaped)."),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="Rows to list on screen.")] = 50,
) -> None:
    """List or export the rows a load rejected, and its warnings, with file, line, column and
    reason."""
    from rich.console import Console

    from lantern.errors import StoreError
    from lantern.export_safety import csv_writer
    from lantern.store.connection import open_store

    settings = command_settings(store)
    store = settings.store
    con = open_store(settings, read_only=True)
    try:
        if not con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'quarantine'"
        ).fetchone()[0]:  # type: ignore[index]
            raise StoreError(f"{store}: no loads yet; run `lantern ingest` first")
        if load is None:
            load = con.execute(
                "SELECT load_id FROM loads ORDER BY try_cast(substr(load_id, 2) AS INTEGER) DESC "
                "LIMIT 1"
            ).fetchone()[0]  # type: ignore[index]
        elif not con.execute("SELECT count(*) FROM loads WHERE load_id = ?", [load]).fetchone()[0]:  # type: ignore[index]
            raise StoreError(f"{store}: no load {load!r}")
        columns = ["load_id", "table_name", "agency", "source_file", "line", "column_name",
                   "value", "message"]  # fmt: skip
        query = (
            "SELECT load_id, table_name, agency, source_file, line, column_name, value, message "
            "FROM {} WHERE load_id = ? "
            "ORDER BY table_name, source_file, line NULLS FIRST, column_name"
        )
        rows = con.execute(query.format("quarantine"), [load]).fetchall()
        warnings = con.execute(query.format("load_warnings"), [load]).fetchall()
    finally:
        con.close()
    console = Console()
    if export is not None:
        with export.open("w", newline="", encoding="utf-8") as handle:
            writer = csv_writer(handle)  # every cell escaped (export_safety)
            writer.writerow([*columns, "severity"])
            writer.writerows((*row, "quarantined") for row in rows)
            writer.writerows((*row, "warning") for row in warnings)
        console.print(
            f"wrote {len(rows):,} quarantined rows and {len(warnings):,} warnings of load "
            f"{load} to {export}"
        )
        return
    console.print(f"Load {load}: {len(rows):,} quarantined rows", highlight=False)
    for row in rows[:limit]:
        console.print(f"  {row[-1]}", highlight=False, markup=False)
    if len(rows) > limit:
        console.print(f"  … and {len(rows) - limit:,} more (use --export FILE.csv)")
    # Warnings: rows and headers that loaded, with something a person should know about them.
    console.print(
        f"Load {load}: {len(warnings):,} warning{'s' if len(warnings) != 1 else ''} "
        "(rows and headers that loaded)",
        highlight=False,
    )
    for row in warnings[:limit]:
        console.print(f"  {row[-1]}", highlight=False, markup=False)
    if len(warnings) > limit:
        console.print(f"  … and {len(warnings) - limit:,} more (use --export FILE.csv)")


def register(app: typer.Typer) -> None:
    app.command("schema")(schema_command)
    app.command("ingest")(ingest_command)
    app.command("quarantine")(quarantine_command)
