"""CLI commands of the indicators stage: `lantern catalogue`, `lantern indicators`, `lantern text`."""

from __future__ import annotations

import sys
from datetime import date
from typing import IO, Annotated, Any

import typer

from lantern.settings import StoreOption, command_settings

# Lines read from standard input before their results are written.
TEXT_CHUNK = 5000


def catalogue_command(
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print docs/indicators.md (Markdown) instead.")
    ] = False,
) -> None:
    """Print the indicator catalogue: categories, weights, sources and rationale."""
    from lantern.indicators.catalogue import default_catalogue, render_markdown, render_text

    catalogue = default_catalogue()
    typer.echo(render_markdown(catalogue) if markdown else render_text(catalogue), nl=False)


def indicators_command(
    store: StoreOption = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Date (YYYY-MM-DD) the data runs to (for 72-hour rules)."),
    ] = None,
    processes: Annotated[
        int | None,
        typer.Option(
            "--processes",
            help="Worker processes for reading narratives (default: 2 from 10,000 narratives).",
        ),
    ] = None,
) -> None:
    """Find indicators in events and narratives; write indicator_hits and the text tables."""
    from lantern.errors import UserError
    from lantern.indicators.stage import run
    from lantern.store.connection import writing_store

    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError as error:
        raise UserError(f"--as-of {as_of!r} is not a date (YYYY-MM-DD)") from error
    settings = command_settings(store)
    with writing_store(settings, "lantern indicators") as con:
        summary = run(con, as_of=day, n_process=processes)
    sources = ", ".join(f"{k} {v}" for k, v in sorted(summary.hits_by_source.items()))
    typer.echo(
        f"indicator_hits: {summary.hits} ({sources or 'none'}); narratives read: {summary.narratives}; "
        f"text findings: {summary.text_findings}; language findings: {summary.language_findings}; "
        f"things named in text: {summary.text_mentions}; {summary.seconds:.1f}s"
    )


def text_command(
    mentions: Annotated[
        bool, typer.Option("--mentions", help="Also list nicknames, vehicles and phones named.")
    ] = False,
    processes: Annotated[int, typer.Option("--processes", help="Worker processes.")] = 1,
) -> None:
    """Read narratives on stdin (JSON lines or plain lines); write one JSON object per line."""
    run_text(sys.stdin, sys.stdout, mentions=mentions, n_process=processes)


def run_text(source: IO[str], sink: IO[str], *, mentions: bool = False, n_process: int = 1) -> int:
    """The `lantern text` contract: one JSON object out for every line in."""
    import json

    from lantern.indicators.age_law import ADULT_PARTNER, legal_indicators
    from lantern.indicators.catalogue import default_catalogue
    from lantern.indicators.text.analyse import TextAnalyser, analyse_many

    catalogue = default_catalogue()
    by_id = catalogue.by_id()
    analyser = TextAnalyser() if n_process <= 1 else None
    count = 0

    def flush(batch: list[tuple[Any, str, int | None]]) -> None:
        texts = [text for _, text, _ in batch]
        ages = [age for _, _, age in batch]
        results = analyse_many(texts, ages, n_process=n_process, analyser=analyser)
        for (identifier, _, age), analysis in zip(batch, results, strict=True):
            out = analysis.contract(identifier, mentions=mentions)
            if age is not None:
                affirmed = [h for h in analysis.hits if h.affirmed]
                partner = any(h.indicator in ADULT_PARTNER for h in affirmed)
                for hit in affirmed:
                    for legal in legal_indicators(
                        hit.indicator, age, catalogue, adult_in_evidence=partner
                    ):
                        out["hits"].append(
                            {
                                "indicator": legal,
                                "category": by_id[legal].category,
                                "start": hit.start,
                                "end": hit.end,
                                "text": hit.text,
                                "negated": False,
                                "hypothetical": False,
                                "historical": hit.historical,
                                "experiencer": "subject",
                                "legal_floor": by_id[legal].legal_floor,
                            }
                        )
            sink.write(json.dumps(out, ensure_ascii=False) + "\n")

    batch: list[tuple[Any, str, int | None]] = []
    for number, line in enumerate(source, start=1):
        batch.append(_parse_line(line, number))
        count += 1
        if len(batch) >= TEXT_CHUNK:
            flush(batch)
            batch = []
    if batch:
        flush(batch)
    sink.flush()
    return count


def _parse_line(line: str, number: int) -> tuple[Any, str, int | None]:
    """A JSON object with `text` (and optional `id`, `subject_age`), or a plain line of text."""
    import json

    stripped = line.rstrip("\r\n")
    if stripped.lstrip().startswith("{"):
        try:
            obj = json.loads(stripped)
        except json.JSONDecodeError:
            obj = None
        if isinstance(obj, dict) and isinstance(obj.get("text"), str):
            age = _age(obj.get("subject_age"))
            return obj.get("id", str(number)), obj["text"], age
    return str(number), stripped, None


def _age(value: Any) -> int | None:
    """`subject_age` as whole years: a number or a numeric string; anything else is unknown."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def register(app: typer.Typer) -> None:
    app.command("catalogue")(catalogue_command)
    app.command("indicators")(indicators_command)
    app.command("text")(text_command)
