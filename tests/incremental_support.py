"""Incremental equals full: load a base and daily deltas into one store run by run, and their
union into another in one full run; then compare every stage's tables as sets.

What is not compared, and why (docs/incremental.md):
- `person_changes`: a log of what each run changed (the union's single run changed nothing);
- `resolve_model`: when the model was trained and on how many records (the base's, or the
  union's); the model itself (`model_json`, `training`) is compared;
- `text_reading_*`: the incremental store keeps the readings of texts a later version of an
  event replaced (read once, kept for a text that may come back); the union never saw them.
  Every finding made from the readings (`text_findings`, `language_findings`,
  `text_mentions`) is compared.
- `score_replay_state`: the score replay's state by part, pickled (lantern.score.carry): what
  an incremental run carries forward. Every score table made from it is compared.
- `resolve_normalised_*` (but `_code`): the normalisers' results by raw value
  (lantern.resolve.records), kept for values a later version of a person row replaced.
  `person_records`, made from them, is compared.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from lantern import pipeline
from lantern.store.contract import TABLES
from lantern.synth.deltas import DeltaPlan, split, union

NOT_COMPARED = {
    "person_changes": "a log of each run's changes",
    "text_reading_texts": "holds texts later versions replaced",
    "text_reading_findings": "holds texts later versions replaced",
    "text_reading_language": "holds texts later versions replaced",
    "text_reading_mentions": "holds texts later versions replaced",
    "score_replay_state": "the replay's pickled state; every table made from it is compared",
    **{
        f"resolve_normalised_{name}": "holds values later versions replaced"
        for name in ("given", "family", "other_names", "postcode", "phone", "email", "nhs", "upn")
    },
}
COLUMNS_NOT_COMPARED = {"resolve_model": {"saved_at", "records"}}  # when, and on how many
DIGITS = 9  # doubles rounded: a parallel sum may differ in its last bits from run to run


def run_both(county: Path, work: Path, plan: DeltaPlan, seed: int) -> tuple[Path, Path, list]:
    """The incremental store (base, then each delta) and the full store (the union)."""
    parts = split(county, work / "extracts", plan, seed)
    both = union(parts, work / "extracts" / "union")
    summaries = [pipeline.run(work / "incremental.duckdb", part) for part in parts]
    pipeline.run(work / "full.duckdb", both)
    return work / "incremental.duckdb", work / "full.duckdb", summaries


def _columns(con: duckdb.DuckDBPyConnection, db: str, table: str) -> list[tuple[str, str]]:
    return sorted(
        con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_catalog = ? AND table_name = ?",
            [db, table],
        ).fetchall()
    )


def differences(incremental: Path, full: Path) -> dict[str, str]:
    """Every contract table that differs between the two stores, with how."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{incremental}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{full}' AS b (READ_ONLY)")
    found = {}
    for table in TABLES:
        if table.name in NOT_COMPARED:
            continue
        skip = COLUMNS_NOT_COMPARED.get(table.name, set())
        a = [c for c in _columns(con, "a", table.name) if c[0] not in skip]
        b = [c for c in _columns(con, "b", table.name) if c[0] not in skip]
        if a != b:
            found[table.name] = f"columns differ: {sorted(set(a) ^ set(b))}"
            continue
        if not a:
            continue
        cols = ", ".join(
            f'round("{n}", {DIGITS})' if kind in ("DOUBLE", "FLOAT") else f'"{n}"' for n, kind in a
        )
        only = [
            con.execute(
                f"SELECT count(*) FROM (SELECT {cols} FROM {x}.{table.name} EXCEPT ALL "  # noqa: S608
                f"SELECT {cols} FROM {y}.{table.name})"
            ).fetchall()[0][0]
            for x, y in (("a", "b"), ("b", "a"))
        ]
        if any(only):
            found[table.name] = f"{only[0]} rows only incremental, {only[1]} only full"
    con.close()
    return found
