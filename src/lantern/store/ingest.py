"""Loading an interchange dataset into the store: `ingest(con, dataset_dir)`.

The whole load is one transaction, in named steps each writing a named (temporary) table:

1. read     each file with DuckDB's own reader → `_ingest_file_<n>` (text + source_line);
            unreadable records → `_ingest_problems`
2. stage    every file of a table → `_ingest_stage_<table>` (schema column names)
3. check    set-based rules → `_ingest_issues_<table>` (row_id, column, value, message,
            severity); references are checked against this load's accepted rows and the
            store's current rows
4. accept   rows without an error → `_ingest_accepted_<stored>` (typed, hashed, provenance)
5. merge    into `<stored>_history`: new keys inserted, changed rows superseded and their
            new version inserted, unchanged rows left alone
6. report   quarantine, load_warnings, load_counts, loads

A crash or Ctrl-C anywhere leaves the store as it was: nothing is committed until the end.
"""

# ruff: noqa: S608 -- SQL is built from the schema's own identifiers and internal table names;
# every value from a dataset is bound as a parameter or quoted with sql_string().

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from lantern.interchange import checks, schema
from lantern.interchange.dataset import Dataset, open_dataset
from lantern.interchange.readers import FileRead, create_problems_table, read_file, sql_string
from lantern.store import tables as store_tables
from lantern.store.tables import STORED_TABLES, StoredTable

Progress = Callable[[str, int, int], None]

PROBLEMS = "_ingest_problems"
# Set in tests only: after every table is merged and before the commit, create this file and
# wait, so a test can kill the process mid-load and check the store is untouched.
PAUSE_ENV = "LANTERN_TEST_INGEST_PAUSE_FILE"


@dataclass
class TableCounts:
    table: str
    agency: str
    read: int = 0
    loaded: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    quarantined: int = 0
    warned: int = 0


@dataclass
class LoadSummary:
    load_id: str
    dataset: str
    path: str
    extracted_at: dt.datetime | None
    started_at: dt.datetime
    finished_at: dt.datetime
    counts: list[TableCounts] = field(default_factory=list)
    file_notes: list[str] = field(default_factory=list)  # header and whole-file messages
    ignored_files: list[str] = field(default_factory=list)

    def total(self, what: str, table: str | None = None) -> int:
        return sum(getattr(c, what) for c in self.counts if table is None or c.table == table)

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()


def _now() -> dt.datetime:
    return dt.datetime.now(ZoneInfo("Europe/London")).replace(tzinfo=None)


def _next_load_id(con: duckdb.DuckDBPyConnection) -> str:
    latest = con.execute(
        "SELECT max(try_cast(substr(load_id, 2) AS INTEGER)) FROM loads"
    ).fetchone()[0]  # type: ignore[index]
    return f"L{(latest or 0) + 1:04d}"


def ingest(
    con: duckdb.DuckDBPyConnection,
    dataset_dir: Path | str,
    *,
    progress: Progress | None = None,
    environ: Mapping[str, str] | None = None,
) -> LoadSummary:
    """Load the dataset in `dataset_dir` into the store on `con`; see the module docstring.

    Raises `DatasetError` (before touching the store) if the dataset cannot be read at all;
    row-level problems never raise: they go to `quarantine`.
    """
    environ = os.environ if environ is None else environ
    dataset = open_dataset(dataset_dir)
    started = _now()
    steps = len(dataset.files) + 3 * len(schema.TABLES) + 1
    done = 0

    def step(description: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(description, done, steps)

    checks.create_macros(con)
    create_problems_table(con, PROBLEMS)
    try:
        # Reading touches only temporary tables, so it runs before the transaction: a file
        # DuckDB cannot read at all is reported and skipped without aborting the load.
        reads = _read_files(con, dataset, step)
        con.execute("BEGIN TRANSACTION")
        try:
            store_tables.create_store_tables(con)
            load_id = _next_load_id(con)
            for table in schema.TABLES.values():
                _stage(con, table, reads[table.name])
                step(f"checking {table.name}")
                _check(con, table)
                step(f"accepting {table.name}")
            provenance = (load_id, dataset.name, started)
            for stored in STORED_TABLES:
                _accept(con, stored, provenance)
                _merge(con, stored, load_id, started)
            step("merging")
            summary = _report(con, dataset, load_id, started)
            step("recording the load")
            _pause_for_tests(environ)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        _drop_temporary_tables(con)
    return summary


def _read_files(
    con: duckdb.DuckDBPyConnection, dataset: Dataset, step: Progress | Callable[[str], None]
) -> dict[str, list[FileRead]]:
    reads: dict[str, list[FileRead]] = {name: [] for name in schema.TABLES}
    for n, file in enumerate(dataset.files):
        table = schema.TABLES[file.table]
        known = [*table.column_names, *schema.PROTECTED_EXTRA_COLUMNS]
        target = f"_ingest_file_{n}"
        try:
            read = read_file(con, file, target, PROBLEMS, known)
        except duckdb.Error as error:
            reason = str(error).strip().splitlines()[0]
            con.execute(
                f"INSERT INTO {PROBLEMS} VALUES (?, ?, NULL, NULL, NULL, ?, 'error', false)",
                [file.table, file.name, f"{file.name} cannot be read ({reason}); "
                 "the file was not loaded"],
            )  # fmt: skip
            con.execute(f"CREATE OR REPLACE TEMP TABLE {target} (source_line BIGINT)")
            read = FileRead(file=file, target=target, empty=True)
        reads[file.table].append(read)
        step(f"reading {file.name}")  # type: ignore[call-arg]
    return reads


def _stage(con: duckdb.DuckDBPyConnection, table: schema.Table, reads: list[FileRead]) -> None:
    stage = f"_ingest_stage_{table.name}"
    checks.create_stage(con, table, stage)
    for read in reads:
        checks.stage_file(con, table, read, stage, PROBLEMS)
        con.execute(f"DROP TABLE IF EXISTS {read.target}")


def _check(con: duckdb.DuckDBPyConnection, table: schema.Table) -> None:
    stage = f"_ingest_stage_{table.name}"
    issues = f"_ingest_issues_{table.name}"
    rules = checks.issue_queries(table, stage)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {issues} AS {' UNION ALL '.join(rules)}")
    if table.references:
        known = {}
        for other in {t for t, _ in table.references.values()}:
            known[other] = f"_ingest_known_{other}"
            ref = schema.TABLES[other].key[1]
            con.execute(
                f"""CREATE OR REPLACE TEMP TABLE _ingest_known_{other} AS
                SELECT lower(agency) AS agency, {ref} FROM _ingest_stage_{other}
                WHERE row_id NOT IN (SELECT row_id FROM _ingest_issues_{other}
                                     WHERE severity = 'error')
                UNION SELECT agency, {ref} FROM {other}"""
            )
        refs = checks.reference_rules(table, stage, known)
        con.execute(f"INSERT INTO {issues} {' UNION ALL '.join(refs)}")


def _accept(
    con: duckdb.DuckDBPyConnection,
    stored: StoredTable,
    provenance: tuple[str, str, dt.datetime],
) -> None:
    stage = f"_ingest_stage_{stored.source}"
    issues = f"_ingest_issues_{stored.source}"
    values = ", ".join(f"{expr} AS {name}" for name, _, expr in stored.columns)
    hashed = " || chr(31) || ".join(
        f"coalesce(CAST({name} AS VARCHAR), chr(0))" for name in stored.column_names
    )
    load_id, dataset, loaded_at = provenance
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _ingest_accepted_{stored.name} AS
        SELECT *, md5({hashed}) AS row_hash FROM (
            SELECT {values}, {sql_string(load_id)} AS load_id, {sql_string(dataset)} AS dataset,
                   source_file, source_line, ?::TIMESTAMP AS loaded_at
            FROM {stage}
            WHERE row_id NOT IN (SELECT row_id FROM {issues} WHERE severity = 'error')
        )""",
        [loaded_at],
    )


def _merge(
    con: duckdb.DuckDBPyConnection, stored: StoredTable, load_id: str, at: dt.datetime
) -> None:
    accepted = f"_ingest_accepted_{stored.name}"
    incoming = f"_ingest_incoming_{stored.name}"
    key = ", ".join(stored.key)
    join = " AND ".join(f"c.{k} = a.{k}" for k in stored.key)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {incoming} AS
        SELECT a.*, CASE WHEN c.row_hash IS NULL THEN 'new'
                         WHEN c.row_hash = a.row_hash THEN 'unchanged'
                         ELSE 'changed' END AS status
        FROM {accepted} a
        LEFT JOIN (SELECT {key}, row_hash FROM {stored.history} WHERE superseded_by IS NULL) c
          ON {join}"""
    )
    supersede = f"UPDATE {stored.history} SET superseded_by = ?, superseded_at = ? "
    con.execute(
        supersede + f"WHERE superseded_by IS NULL AND ({key}) IN "
        f"(SELECT {key} FROM {incoming} WHERE status = 'changed')",
        [load_id, at],
    )
    if stored.replaces_group:
        group = ", ".join(stored.replaces_group)
        con.execute(
            supersede + f"WHERE superseded_by IS NULL AND ({group}) IN "
            f"(SELECT {group} FROM {incoming}) AND ({key}) NOT IN (SELECT {key} FROM {incoming})",
            [load_id, at],
        )
    columns = ", ".join(
        [*stored.column_names, *(n for n, _ in store_tables.PROVENANCE), "row_hash"]
    )
    con.execute(
        f"INSERT INTO {stored.history} ({columns}) "
        f"SELECT {columns} FROM {incoming} WHERE status <> 'unchanged'"
    )


def _report(
    con: duckdb.DuckDBPyConnection, dataset: Dataset, load_id: str, started: dt.datetime
) -> LoadSummary:
    lid = sql_string(load_id)
    issue_union = " UNION ALL ".join(
        f"SELECT {sql_string(t)} AS table_name, * FROM _ingest_issues_{t}" for t in schema.TABLES
    )
    stage_union = " UNION ALL ".join(
        f"SELECT {sql_string(t)} AS table_name, row_id, agency, source_file, source_line "
        f"FROM _ingest_stage_{t}"
        for t in schema.TABLES
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE _ingest_all_issues AS {issue_union}")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _ingest_row_status AS
        SELECT s.table_name, s.row_id, coalesce(lower(s.agency), '(missing)') AS agency,
               s.source_file, s.source_line,
               bool_or(i.severity = 'error') IS TRUE AS quarantined,
               bool_or(i.severity = 'warning') IS TRUE AS warned
        FROM ({stage_union}) s
        LEFT JOIN _ingest_all_issues i USING (table_name, row_id)
        GROUP BY ALL"""
    )
    for target, severity, row_filter in (
        ("quarantine", "error", "s.quarantined"),
        ("load_warnings", "warning", "NOT s.quarantined"),
    ):
        con.execute(
            f"""INSERT INTO {target}
            SELECT {lid}, s.table_name, s.agency, s.source_file, s.source_line,
                   i.column_name, i.value, i.message
            FROM _ingest_all_issues i JOIN _ingest_row_status s USING (table_name, row_id)
            WHERE i.severity = '{severity}' AND {row_filter}
            ORDER BY s.table_name, s.source_file, s.source_line"""
        )
        con.execute(
            f"""INSERT INTO {target}
            SELECT {lid}, table_name, NULL, source_file, line, column_name, value, message
            FROM {PROBLEMS} WHERE severity = '{severity}'
            ORDER BY table_name, source_file, line"""
        )
    status_counts = " UNION ALL ".join(
        f"SELECT {sql_string(s.source)} AS table_name, lower(agency) AS agency, status "
        f"FROM _ingest_incoming_{s.name}"
        for s in STORED_TABLES
        if s.name in schema.TABLES
    )
    rows = con.execute(
        f"""
        WITH per_row AS (
            SELECT table_name, agency,
                   count(*) AS rows_read,
                   count(*) FILTER (WHERE NOT quarantined) AS rows_loaded,
                   count(*) FILTER (WHERE quarantined) AS rows_quarantined,
                   count(*) FILTER (WHERE warned AND NOT quarantined) AS rows_warned
            FROM _ingest_row_status GROUP BY ALL
            UNION ALL
            SELECT table_name, '(unreadable)', count(*), 0, count(*), 0
            FROM {PROBLEMS} WHERE loses_row GROUP BY ALL
        ),
        per_status AS (
            SELECT table_name, agency,
                   count(*) FILTER (WHERE status = 'new') AS rows_new,
                   count(*) FILTER (WHERE status = 'changed') AS rows_changed,
                   count(*) FILTER (WHERE status = 'unchanged') AS rows_unchanged
            FROM ({status_counts}) GROUP BY ALL
        )
        SELECT table_name, agency, sum(rows_read)::BIGINT, sum(rows_loaded)::BIGINT,
               coalesce(max(rows_new), 0), coalesce(max(rows_changed), 0),
               coalesce(max(rows_unchanged), 0),
               sum(rows_quarantined)::BIGINT, sum(rows_warned)::BIGINT
        FROM per_row LEFT JOIN per_status USING (table_name, agency)
        GROUP BY ALL ORDER BY table_name, agency
        """
    ).fetchall()
    order = list(schema.TABLES)
    counts = sorted(
        (TableCounts(*row) for row in rows), key=lambda c: (order.index(c.table), c.agency)
    )
    notes = [
        r[0]
        for r in con.execute(
            f"SELECT message FROM {PROBLEMS} WHERE NOT loses_row ORDER BY table_name, source_file"
        ).fetchall()
    ]
    finished = _now()
    summary = LoadSummary(
        load_id=load_id,
        dataset=dataset.name,
        path=str(dataset.path.resolve()),
        extracted_at=dataset.manifest.extracted_at,
        started_at=started,
        finished_at=finished,
        counts=counts,
        file_notes=notes,
        ignored_files=dataset.ignored,
    )
    for c in counts:
        con.execute(
            "INSERT INTO load_counts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [load_id, c.table, c.agency, c.read, c.loaded, c.new, c.changed, c.unchanged,
             c.quarantined, c.warned],
        )  # fmt: skip
    per_table = {
        t: {w: summary.total(w, t) for w in ("read", "loaded", "new", "changed", "unchanged",
                                            "quarantined", "warned")}
        for t in schema.TABLES
    }  # fmt: skip
    con.execute(
        "INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            load_id,
            summary.dataset,
            summary.path,
            summary.extracted_at,
            started,
            finished,
            *(
                summary.total(w)
                for w in ("read", "loaded", "new", "changed", "unchanged", "quarantined", "warned")
            ),
            json.dumps(per_table),
        ],
    )
    return summary


def _pause_for_tests(environ: Mapping[str, str]) -> None:
    marker = environ.get(PAUSE_ENV)
    if marker:
        Path(marker).write_text("paused before commit\n")
        time.sleep(600)


def _drop_temporary_tables(con: duckdb.DuckDBPyConnection) -> None:
    names = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary AND table_name LIKE '\\_ingest%' "
        "ESCAPE '\\'"
    ).fetchall()
    for (name,) in names:
        con.execute(f"DROP TABLE IF EXISTS {name}")
