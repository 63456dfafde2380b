"""`lantern resolve`: who is who across agencies, and which things they share.

Steps (each writes a named table; see docs/resolve.md):

1. `person_records`: normalised linking fields per `people` row (`records.py`).
2. `resolve_pairs`, `resolve_model_levels`: Splink scores (`pair_scores.py`).
3. `resolve_cannot_link`, `resolve_candidates`, `record_links`, `persons` (`link_persons.py`).
4. `things`, `thing_mentions` (`things.py`).

`resolve_decisions` (reviewers' decisions) and `resolve_dob_decisions` (a supervisor's date of
birth, from the web app) are created if missing and never dropped.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import duckdb

from lantern.errors import StoreError
from lantern.resolve import (
    history,
    identity,
    link_persons,
    model,
    pair_scores,
    person_changes,
    records,
    things,
)
from lantern.resolve.decisions import ensure_decisions_table, ensure_dob_decisions_table
from lantern.store.connection import table_exists

NEEDED_TABLES = ("people", "events", "event_people", "event_things")


@dataclass
class ResolveSummary:
    records: int
    persons: int
    links: int
    pairs_scored: int
    candidates: int
    cannot_link: int
    things: int
    thing_mentions: int
    thing_values_not_understood: int
    threshold: float
    training: list[str] = field(default_factory=list)
    person_changes: int = 0  # rows this run added to `person_changes` (merges, splits, renamings)
    seconds: float = 0.0
    step_seconds: dict[str, float] = field(default_factory=dict)


def _check_tables(con: duckdb.DuckDBPyConnection) -> None:
    present = {
        row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    missing = [t for t in NEEDED_TABLES if t not in present]
    if missing:
        raise StoreError(f"the store lacks {', '.join(missing)}; run `lantern ingest` first")


def run(
    con: duckdb.DuckDBPyConnection,
    *,
    threshold: float = model.DEFAULT_THRESHOLD,
    training: str = "auto",
    seed: int = 42,
    max_pairs_u: float = 2e6,
    guards: tuple[str, ...] = tuple(link_persons.GUARDS),
    incremental: bool = False,
    predictor: pair_scores.PairPredictor | None = None,
) -> ResolveSummary:
    """Resolve persons and things on an open store. `training`: "auto", "em" or "priors".

    `incremental`: keep the trained model of the last full run and score only the pairs of new
    and changed records (`kept_model`), normalising only the values no earlier run normalised
    (`records`); every later step runs on the whole store as in a full run. Either way a store that held persons gets this run's merges, splits and renamings
    appended to `person_changes`.

    `predictor`: who scores the pairs with the model trained here (`pair_scores.score_pairs`;
    None: Splink on the store's DuckDB)."""
    started = time.perf_counter()
    steps: dict[str, float] = {}

    def timed(name: str, since: list[float] = [started]) -> None:  # noqa: B006 - a running clock
        now = time.perf_counter()
        steps[name] = round(now - since[0], 2)
        since[0] = now

    _check_tables(con)
    ensure_decisions_table(con)
    ensure_dob_decisions_table(con)
    person_changes.keep_previous(con)
    previous = None
    if incremental and table_exists(con, "person_records") and table_exists(con, "resolve_pairs"):
        previous = "person_records_previous"
        con.execute(f"DROP TABLE IF EXISTS {previous}")
        con.execute(f"ALTER TABLE person_records RENAME TO {previous}")
    n_records = records.build_person_records(con, keep_normalised=previous is not None)
    timed("person_records")
    scored = pair_scores.score_pairs(
        con,
        training=training,
        seed=seed,
        max_pairs_u=max_pairs_u,
        previous_records=previous,
        predictor=predictor,
    )
    if previous is not None:
        con.execute(f"DROP TABLE {previous}")
    steps.update(scored.step_seconds)
    timed("splink")
    cannot = link_persons.build_cannot_link(con, guards)
    link_persons.build_candidates(con, threshold)
    timed("candidates")
    counts = link_persons.cluster_and_write(con)
    timed("clustering")
    changes = person_changes.record_changes(con)
    history.build_person_spans(con)
    timed("identity over time")
    identity.build_person_identity(con)
    timed("identity")
    n_things, n_mentions, not_understood = things.build_things(con)
    timed("things")
    return ResolveSummary(
        records=n_records,
        persons=counts.persons,
        links=counts.links,
        pairs_scored=scored.pairs_scored,
        candidates=counts.candidates,
        cannot_link=cannot,
        things=n_things,
        thing_mentions=n_mentions,
        thing_values_not_understood=not_understood,
        threshold=threshold,
        training=scored.training,
        person_changes=changes,
        seconds=time.perf_counter() - started,
        step_seconds=steps,
    )
