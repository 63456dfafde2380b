"""Test helpers for resolve: the store tables it reads, built directly in DuckDB.

Columns follow docs/pipeline.md (store section). Keyword-default factories:
`person(agency="police", ref="P1", given_name=..., ...)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import duckdb

from lantern.resolve.history import build_person_spans
from lantern.resolve.records import build_person_records
from lantern.resolve.replay import person_id_for
from lantern.resolve.things import build_things

PEOPLE_COLUMNS = {
    "record_id": "VARCHAR",
    "agency": "VARCHAR",
    "person_ref": "VARCHAR",
    "given_name": "VARCHAR",
    "family_name": "VARCHAR",
    "other_names": "VARCHAR",
    "date_of_birth": "DATE",
    "birth_year": "INTEGER",
    "sex": "VARCHAR",
    "nhs_number": "VARCHAR",
    "upn": "VARCHAR",
    "postcode": "VARCHAR",
    "address": "VARCHAR",
    "phone": "VARCHAR",
    "email": "VARCHAR",
    "attributes": "JSON",
    "load_id": "VARCHAR",
    "dataset": "VARCHAR",
    "source_file": "VARCHAR",
    "source_line": "INTEGER",
}
EVENTS_COLUMNS = {
    "event_id": "VARCHAR",
    "agency": "VARCHAR",
    "event_ref": "VARCHAR",
    "event_type": "VARCHAR",
    "event_type_raw": "VARCHAR",
    "occurred_at": "TIMESTAMP",
    "recorded_at": "TIMESTAMP",
    "ended_at": "TIMESTAMP",
    "postcode": "VARCHAR",
    "place_name": "VARCHAR",
    "latitude": "DOUBLE",
    "longitude": "DOUBLE",
    "narrative": "VARCHAR",
    "outcome": "VARCHAR",
    "codes": "VARCHAR",
    "attributes": "JSON",
    "load_id": "VARCHAR",
    "dataset": "VARCHAR",
    "source_file": "VARCHAR",
    "source_line": "INTEGER",
}
EVENT_PEOPLE_COLUMNS = {
    "event_id": "VARCHAR",
    "record_id": "VARCHAR",
    "agency": "VARCHAR",
    "event_ref": "VARCHAR",
    "person_ref": "VARCHAR",
    "role": "VARCHAR",
    "load_id": "VARCHAR",
}
EVENT_THINGS_COLUMNS = {
    "event_id": "VARCHAR",
    "agency": "VARCHAR",
    "event_ref": "VARCHAR",
    "kind": "VARCHAR",
    "value": "VARCHAR",
    "role": "VARCHAR",
    "description": "VARCHAR",
    "load_id": "VARCHAR",
}
TABLES = {
    "people": PEOPLE_COLUMNS,
    "events": EVENTS_COLUMNS,
    "event_people": EVENT_PEOPLE_COLUMNS,
    "event_things": EVENT_THINGS_COLUMNS,
}


def create_store_tables(con: duckdb.DuckDBPyConnection) -> None:
    for name, columns in TABLES.items():
        cols = ", ".join(f"{c} {t}" for c, t in columns.items())
        con.execute(f"CREATE TABLE IF NOT EXISTS {name} ({cols})")


def _insert(con: duckdb.DuckDBPyConnection, table: str, row: dict[str, Any]) -> None:
    columns = list(row)
    con.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",  # noqa: S608
        [row[c] for c in columns],
    )


def person(
    con: duckdb.DuckDBPyConnection,
    agency: str = "police",
    ref: str = "P1",
    *,
    given_name: str | None = None,
    family_name: str | None = None,
    date_of_birth: date | str | None = None,
    **fields: Any,
) -> str:
    """Insert a `people` row; returns its record_id."""
    record_id = f"{agency}:{ref}"
    if isinstance(date_of_birth, str):
        date_of_birth = date.fromisoformat(date_of_birth)
    _insert(
        con,
        "people",
        {
            "record_id": record_id,
            "agency": agency,
            "person_ref": ref,
            "given_name": given_name,
            "family_name": family_name,
            "date_of_birth": date_of_birth,
            **fields,
        },
    )
    return record_id


def event(
    con: duckdb.DuckDBPyConnection,
    agency: str = "police",
    ref: str = "E1",
    *,
    recorded_at: datetime | str = "2010-01-01T12:00:00",
    occurred_at: datetime | str | None = None,
    event_type: str = "incident",
    people: dict[str, str] | None = None,
    things: list[dict[str, str]] | None = None,
) -> str:
    """Insert an event with its people ({person_ref: role}) and things; returns its event_id."""
    event_id = f"{agency}:{ref}"
    if isinstance(recorded_at, str):
        recorded_at = datetime.fromisoformat(recorded_at)
    if isinstance(occurred_at, str):
        occurred_at = datetime.fromisoformat(occurred_at)
    _insert(
        con,
        "events",
        {
            "event_id": event_id,
            "agency": agency,
            "event_ref": ref,
            "event_type": event_type,
            "occurred_at": occurred_at or recorded_at,
            "recorded_at": recorded_at,
        },
    )
    for person_ref, role in (people or {}).items():
        _insert(
            con,
            "event_people",
            {
                "event_id": event_id,
                "record_id": f"{agency}:{person_ref}",
                "agency": agency,
                "event_ref": ref,
                "person_ref": person_ref,
                "role": role,
            },
        )
    for thing in things or []:
        _insert(
            con, "event_things", {"event_id": event_id, "agency": agency, "event_ref": ref, **thing}
        )
    return event_id


def resolved_with_history(
    con: duckdb.DuckDBPyConnection, links: Sequence[tuple[str, str, str]] = ()
) -> None:
    """Resolve's tables with the model's `links` (left, right, available at), its history, and
    today's persons (every link joined): no Splink. Without `links`, each record its own person."""
    build_person_records(con)
    con.execute(
        "CREATE TABLE resolve_scored (record_id_l VARCHAR, record_id_r VARCHAR, "
        "match_weight DOUBLE, available_at TIMESTAMP, source VARCHAR)"
    )
    for a, b, at in links:
        con.execute(
            "INSERT INTO resolve_scored VALUES (?, ?, 15.0, ?, 'model')", [min(a, b), max(a, b), at]
        )
    con.execute("CREATE TABLE resolve_guarded (record_id_l VARCHAR, record_id_r VARCHAR)")
    con.execute(
        "CREATE TABLE resolve_decisions (record_id_l VARCHAR, record_id_r VARCHAR, "
        "decision VARCHAR, decided_by VARCHAR, reason VARCHAR, decided_at TIMESTAMP)"
    )
    build_person_spans(con)
    records = sorted(r for (r,) in con.execute("SELECT record_id FROM person_records").fetchall())
    joined = {r: {r} for r in records}
    for a, b, _ in links:
        together = joined[a] | joined[b]
        for r in together:
            joined[r] = together
    con.execute("CREATE TABLE persons (record_id VARCHAR, person_id VARCHAR)")
    con.executemany(
        "INSERT INTO persons VALUES (?, ?)", [(r, person_id_for(min(joined[r]))) for r in records]
    )
    build_things(con)
