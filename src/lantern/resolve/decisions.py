"""Reviewers' decisions: "these two records are the same person" or "not the same person".

Decisions live in `resolve_decisions`, which no run drops. The latest
decision on a pair wins; every run of `lantern resolve` applies them: "same"
pairs are linked (source `reviewer`), "different" pairs are never linked,
directly or through other records.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import duckdb

from lantern.errors import UserError
from lantern.store.connection import table_exists

DECISIONS = ("same", "different")


def ensure_decisions_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS resolve_decisions (
            record_id_l VARCHAR NOT NULL,
            record_id_r VARCHAR NOT NULL,
            decision VARCHAR NOT NULL CHECK (decision IN ('same', 'different')),
            decided_by VARCHAR NOT NULL,
            reason VARCHAR,
            decided_at TIMESTAMP NOT NULL
        )
        """
    )


def record_decision(
    con: duckdb.DuckDBPyConnection,
    record_a: str,
    record_b: str,
    decision: str,
    decided_by: str,
    reason: str,
    decided_at: datetime | None = None,
) -> tuple[str, str]:
    """Store a decision about two records (`agency:person_ref`); returns the pair in stored order."""
    if decision not in DECISIONS:
        raise UserError(f"decision must be one of {', '.join(DECISIONS)}, not {decision!r}")
    if record_a == record_b:
        raise UserError(f"{record_a}: a record cannot be compared with itself")
    if not decided_by.strip():
        raise UserError("say who decided (--by)")
    if table_exists(con, "people"):
        known = {
            row[0]
            for row in con.execute(
                "SELECT record_id FROM people WHERE record_id IN (?, ?)", [record_a, record_b]
            ).fetchall()
        }
        missing = [r for r in (record_a, record_b) if r not in known]
        if missing:
            raise UserError(
                f"no such person record: {', '.join(missing)} (records are agency:person_ref)"
            )
    ensure_decisions_table(con)
    left, right = sorted((record_a, record_b))
    con.execute(
        "INSERT INTO resolve_decisions VALUES (?, ?, ?, ?, ?, coalesce(?, localtimestamp))",
        [left, right, decision, decided_by.strip(), reason, decided_at],
    )
    return left, right


CURRENT_DECISIONS_SQL = """
    SELECT * FROM resolve_decisions
    QUALIFY row_number() OVER (PARTITION BY record_id_l, record_id_r ORDER BY decided_at DESC) = 1
"""


# A supervisor's decision on a person's date of birth (made in the web app, copied into the
# store by `lantern run`: docs/replay.md, "Age"). One row per record the person had when it was
# decided, so the decision follows the records whichever person ids a later run gives them.
# The law on age reads it from `decided_at` on (indicators/inputs.py); it changes nothing
# recorded before. The latest decision covering a record by then wins.
DOB_DECISIONS_COLUMNS = (
    "decision_id VARCHAR NOT NULL, record_id VARCHAR NOT NULL, date_of_birth DATE NOT NULL, "
    "decided_by VARCHAR NOT NULL, reason VARCHAR, decided_at TIMESTAMP NOT NULL"
)


def ensure_dob_decisions_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE TABLE IF NOT EXISTS resolve_dob_decisions ({DOB_DECISIONS_COLUMNS})")


def replace_dob_decisions(
    con: duckdb.DuckDBPyConnection,
    source: str,
    decisions: Sequence[tuple[str, Sequence[str], date, str, str, datetime]],
) -> int:
    """Write the date-of-birth decisions of `source` (e.g. `app`), replacing that source's
    earlier copy: (id, records, date_of_birth, decided_by, reason, decided_at) each. Returns
    the rows written."""
    ensure_dob_decisions_table(con)
    con.execute(
        "DELETE FROM resolve_dob_decisions WHERE starts_with(decision_id, ?)", [f"{source}:"]
    )
    rows = [
        (f"{source}:{decision_id}", record, dob, by, reason, at)
        for decision_id, records, dob, by, reason, at in decisions
        for record in records
    ]
    if rows:
        con.executemany("INSERT INTO resolve_dob_decisions VALUES (?, ?, ?, ?, ?, ?)", rows)
    return len(rows)
