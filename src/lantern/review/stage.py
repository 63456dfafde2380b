"""`lantern.review.stage.run`: the retrospective review on an open store.

Reads the tables of every stage before it (docs/pipeline.md) and writes the
`review_*` tables, one named SQL step each, so any figure in the report can
be traced to a table and from there to records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

import duckdb

from lantern.errors import UserError
from lantern.review import joined_up, language, missed, networks, tiers, upstream
from lantern.review.definitions import Definitions, load_definitions, write_terms
from lantern.review.steps import Step
from lantern.store.connection import column_exists

STEPS: tuple[Step, ...] = (
    *networks.STEPS,
    *tiers.STEPS,
    *missed.STEPS,
    *joined_up.STEPS,
    *language.STEPS,
)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class SiloedFlags:
    """Results of replays with subsets of agencies (see `lantern.review.siloed`).

    `runs` names every agency set replayed (`;`-joined, sorted); `flags` holds
    `(agencies, record_id, first_flagged_at)` for each record of a child the
    replay flagged.
    """

    runs: tuple[str, ...]
    flags: tuple[tuple[str, str, date], ...]


@dataclass
class ReviewSummary:
    period_from: date
    period_to: date
    tiers: dict[str, int] = field(default_factory=dict)
    children_flagged: int = 0
    nfa_closures: int = 0
    networks: int = 0
    language_findings: int = 0
    replayed_sets: int = 0
    missing_tables: list[str] = field(default_factory=list)

    @property
    def children(self) -> int:
        return sum(self.tiers.values())


def default_period(con: duckdb.DuckDBPyConnection) -> tuple[date | None, date | None]:
    """From the first event recorded to the score's as-of date (or the last event recorded)."""
    first, last = con.execute(
        "SELECT min(CAST(recorded_at AS DATE)), max(CAST(recorded_at AS DATE)) FROM events"
    ).fetchone() or (None, None)
    (as_of,) = con.execute("SELECT max(as_of) FROM assessments").fetchone() or (None,)
    return first, as_of or last


def write_siloed(con: duckdb.DuckDBPyConnection, siloed: SiloedFlags | None) -> None:
    for table, columns in joined_up.SILOED_INPUTS.items():
        con.execute(f"CREATE OR REPLACE TABLE {table} ({columns})")
    if siloed is None:
        return
    con.executemany("INSERT INTO review_siloed_runs VALUES (?)", [(s,) for s in siloed.runs])
    if siloed.flags:
        con.executemany("INSERT INTO review_siloed_flags VALUES (?, ?, ?)", list(siloed.flags))


def run(
    con: duckdb.DuckDBPyConnection,
    *,
    period_from: date | None = None,
    period_to: date | None = None,
    siloed: SiloedFlags | None = None,
    definitions: Definitions | None = None,
    examples_per_agency: int = 3,
    progress: Progress | None = None,
) -> ReviewSummary:
    """Run every review step; returns the headline figures."""
    missing = upstream.prepare(con)
    default_from, default_to = default_period(con)
    period_from = period_from or default_from
    period_to = period_to or default_to
    if period_from is None or period_to is None:
        raise UserError("the store holds no events to review")
    if period_from > period_to:
        raise UserError(f"--from {period_from} is after --to {period_to}")
    con.execute(
        "CREATE OR REPLACE TABLE review_period AS SELECT ?::DATE AS period_from, ?::DATE AS period_to",
        [period_from, period_to],
    )
    write_terms(con, definitions or load_definitions())
    write_siloed(con, siloed)
    write_edges_as_of(con, period_to)
    for step in _with_progress(STEPS, progress):
        step.run(con)
    language.write_examples(con, examples_per_agency)
    return _summarise(con, period_from, period_to, missing, siloed)


def write_edges_as_of(con: duckdb.DuckDBPyConnection, period_to: date) -> None:
    """`review_graph_edges`: the graph's edges from the evidence recorded by the end of
    `period_to` only, so a place's events and last sighting are as known on that date
    (the graph stage's `graph_edges` count the whole history). Without the graph's
    evidence (a store built without it), `graph_edges` stands, filtered to edges first
    available by then."""
    if column_exists(con, "graph_evidence", "available_at"):
        from lantern.graph.queries import edges_as_of

        edges_as_of(con, period_to, table="review_graph_edges")
    else:
        con.execute(
            "CREATE OR REPLACE TABLE review_graph_edges AS SELECT * FROM graph_edges "
            "WHERE CAST(first_available_at AS DATE) <= ?",
            [period_to],
        )


def _with_progress(steps: Iterable[Step], progress: Progress | None) -> Iterable[Step]:
    for step in steps:
        if progress is not None:
            progress(step.description or step.table)
        yield step


def _summarise(
    con: duckdb.DuckDBPyConnection,
    period_from: date,
    period_to: date,
    missing: list[str],
    siloed: SiloedFlags | None,
) -> ReviewSummary:
    counts = dict(con.execute("SELECT tier, count(*) FROM review_tiers GROUP BY tier").fetchall())

    def scalar(sql: str) -> int:
        row = con.execute(sql).fetchone()
        return int(row[0] or 0) if row else 0

    return ReviewSummary(
        period_from=period_from,
        period_to=period_to,
        tiers={tier: int(counts.get(tier, 0)) for tier in ("recognised", "probable", "possible")},
        children_flagged=scalar(
            "SELECT count(*) FROM review_tiers WHERE first_flagged_at IS NOT NULL"
        ),
        nfa_closures=scalar("SELECT count(*) FROM review_nfa_closures"),
        networks=scalar("SELECT count(*) FROM review_networks"),
        language_findings=scalar("SELECT sum(findings) FROM review_language"),
        replayed_sets=len(siloed.runs) if siloed else 0,
        missing_tables=missing,
    )
