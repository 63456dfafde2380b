"""The store's tables: what `lantern ingest` writes (see docs/pipeline.md, "store").

Each interchange table is kept as a `<name>_history` table holding every version of every
row any load has brought, and a view `<name>` of the current versions (those not
superseded). Nothing is ever deleted: a changed row is marked `superseded_by` the load that
brought its new version.
"""

# ruff: noqa: S608 -- SQL is built from the schema's own identifiers and internal table names;
# every value from a dataset is bound as a parameter or quoted with lantern.sql.sql_string().

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from lantern.interchange import schema

PROVENANCE = (
    ("load_id", "VARCHAR"),
    ("dataset", "VARCHAR"),
    ("source_file", "VARCHAR"),
    ("source_line", "BIGINT"),
    ("loaded_at", "TIMESTAMP"),
)
VERSIONING = (
    ("superseded_by", "VARCHAR"),
    ("superseded_at", "TIMESTAMP"),
)

_SQL_TYPES = {
    schema.DATE: "DATE",
    schema.TIMESTAMP: "TIMESTAMP",
    schema.INTEGER: "INTEGER",
    schema.DECIMAL: "DOUBLE",
}


@dataclass(frozen=True)
class StoredTable:
    """A current-rows view over a history table, and how to fill it from a staging table."""

    name: str
    source: str  # the interchange table it is loaded from
    columns: tuple[tuple[str, str, str], ...]  # (name, SQL type, expression over the stage)
    key: tuple[str, ...]
    # For link tables: a newer load's links for an event replace that event's current links.
    replaces_group: tuple[str, ...] = ()

    @property
    def history(self) -> str:
        return f"{self.name}_history"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c[0] for c in self.columns)

    @property
    def stored_names(self) -> tuple[str, ...]:
        """Columns written by a load (the ids are virtual: computed from agency and ref)."""
        return tuple(c[0] for c in self.columns if c[0] not in GENERATED)


def _from_schema(table: schema.Table, skip: tuple[str, ...] = ()) -> list[tuple[str, str, str]]:
    return [(c.name, _SQL_TYPES.get(c.kind, "VARCHAR"), c.name) for c in table.stored_columns
            if c.name not in skip]  # fmt: skip


# Expressions are over the typed staging table (`lantern.interchange.checks.typed_columns`).
_RECORD_ID = ("record_id", "VARCHAR", "agency || ':' || person_ref")
_EVENT_ID = ("event_id", "VARCHAR", "agency || ':' || event_ref")
# record_id and event_id are virtual columns of the history tables: computed when read, never
# stored, so a load does not write (and compress) millions of concatenated strings.
GENERATED = {"record_id": _RECORD_ID[2], "event_id": _EVENT_ID[2]}
_ATTRIBUTES = ("attributes", "JSON", "attributes")


def _events_columns() -> list[tuple[str, str, str]]:
    columns = []
    for name, type_, expr in _from_schema(schema.EVENTS):
        if name == "event_type":
            columns.append((name, type_, "coalesce(event_type, CASE WHEN raw_event_type IS NOT "
                            "NULL THEN 'other' END)"))  # fmt: skip
            columns.append(("event_type_raw", "VARCHAR", "raw_event_type"))
        elif name == "recorded_at":
            columns.append((name, type_, "coalesce(recorded_at, occurred_at)"))
        else:
            columns.append((name, type_, expr))
    return columns


PEOPLE = StoredTable(
    "people",
    "people",
    (_RECORD_ID, *_from_schema(schema.PEOPLE), _ATTRIBUTES),
    key=("agency", "person_ref"),
)
EVENTS = StoredTable(
    "events",
    "events",
    (_EVENT_ID, *_events_columns(), _ATTRIBUTES),
    key=("agency", "event_ref"),
)
EVENT_PEOPLE = StoredTable(
    "event_people",
    "event_people",
    (_EVENT_ID, _RECORD_ID, *_from_schema(schema.EVENT_PEOPLE), _ATTRIBUTES),
    key=("agency", "event_ref", "person_ref", "role"),
    replaces_group=("agency", "event_ref"),
)
EVENT_THINGS = StoredTable(
    "event_things",
    "event_things",
    (_EVENT_ID, *_from_schema(schema.EVENT_THINGS), _ATTRIBUTES),
    key=("agency", "event_ref", "kind", "value"),
    replaces_group=("agency", "event_ref"),
)


def _disruption_columns() -> list[tuple[str, str, str]]:
    columns = []
    for name, type_, expr in _from_schema(schema.DISRUPTION_ACTIONS):
        if name == "action":  # an unknown action is kept as 'other', as an unknown event type
            columns.append((name, type_, "coalesce(action, CASE WHEN raw_action IS NOT NULL "
                            "THEN 'other' END)"))  # fmt: skip
            columns.append(("action_raw", "VARCHAR", "raw_action"))
        elif name == "recorded_at":
            columns.append((name, type_, "coalesce(recorded_at, started_on::TIMESTAMP)"))
        else:
            columns.append((name, type_, expr))
    return columns


DISRUPTION_ACTIONS = StoredTable(
    "disruption_actions",
    "disruption_actions",
    (*_disruption_columns(), _ATTRIBUTES),
    key=("agency", "action_ref"),
)
# Protected characteristics: read by equality monitoring only (a test enforces it).
EQUALITY_MONITORING = StoredTable(
    "equality_monitoring",
    "people",
    (
        _RECORD_ID,
        ("agency", "VARCHAR", "agency"),
        ("person_ref", "VARCHAR", "person_ref"),
        ("ethnicity", "VARCHAR", "ethnicity"),
        *[(c, "VARCHAR", c) for c in schema.PROTECTED_EXTRA_COLUMNS],
    ),
    key=("agency", "person_ref"),
)

STORED_TABLES: tuple[StoredTable, ...] = (
    PEOPLE,
    EQUALITY_MONITORING,
    EVENTS,
    EVENT_PEOPLE,
    EVENT_THINGS,
    DISRUPTION_ACTIONS,
)

ISSUE_COLUMNS = (
    "load_id VARCHAR, table_name VARCHAR, agency VARCHAR, source_file VARCHAR, line BIGINT, "
    "column_name VARCHAR, value VARCHAR, message VARCHAR"
)
COUNT_COLUMNS = (
    "rows_read",
    "rows_loaded",
    "rows_new",
    "rows_changed",
    "rows_unchanged",
    "rows_quarantined",
    "rows_warned",
)


def create_store_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create every store table and view that is missing (safe to run on every load)."""
    for t in STORED_TABLES:
        cols = ", ".join(
            f"{n} {ty} GENERATED ALWAYS AS ({GENERATED[n]}) VIRTUAL" if n in GENERATED
            else f"{n} {ty}"
            for n, ty, _ in t.columns
        )  # fmt: skip
        extra = ", ".join(f"{n} {ty}" for n, ty in (*PROVENANCE, *VERSIONING))
        con.execute(f"CREATE TABLE IF NOT EXISTS {t.history} ({cols}, {extra})")
        visible = ", ".join([*t.column_names, *(n for n, _ in PROVENANCE)])
        con.execute(
            f"CREATE OR REPLACE VIEW {t.name} AS SELECT {visible} FROM {t.history} "
            "WHERE superseded_by IS NULL"
        )
    con.execute(f"CREATE TABLE IF NOT EXISTS quarantine ({ISSUE_COLUMNS})")
    con.execute(f"CREATE TABLE IF NOT EXISTS load_warnings ({ISSUE_COLUMNS})")
    counts = ", ".join(f"{c} BIGINT" for c in COUNT_COLUMNS)
    con.execute(
        "CREATE TABLE IF NOT EXISTS loads (load_id VARCHAR PRIMARY KEY, dataset VARCHAR, "
        "path VARCHAR, extracted_at TIMESTAMP, started_at TIMESTAMP, finished_at TIMESTAMP, "
        f"{counts}, counts JSON)"
    )
    con.execute(
        "CREATE TABLE IF NOT EXISTS load_counts (load_id VARCHAR, table_name VARCHAR, "
        f"agency VARCHAR, {counts})"
    )
