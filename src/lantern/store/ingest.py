"""Loading an interchange dataset into the store: `ingest(con, dataset_dir)`.

The whole load is one transaction, in named steps each writing a named (temporary) table:

1. read     each file with DuckDB's own reader → `_ingest_file_<n>` (text + source_line);
            unreadable records → `_ingest_problems`
2. stage    every file of a table → `_ingest_typed_<table>` (schema column names, every
            value converted once; the text as given kept as `raw_<name>` where it differs)
3. check    set-based rules → `_ingest_issues_<table>` (row_id, column, value, message,
            severity); references are checked against this load's accepted rows and the
            store's current rows; rows with an error → `_ingest_errors_<table>`
4. merge    accepted rows compared by key with the current ones → `_ingest_incoming_<stored>`
            (new / changed / unchanged); into `<stored>_history`: new and changed rows
            inserted, the versions they replace marked superseded, unchanged rows left alone
5. report   quarantine, load_warnings, load_counts, loads

A crash or Ctrl-C anywhere leaves the store as it was: nothing is committed until the end.
"""

# ruff: noqa: S608 -- SQL is built from the schema's own identifiers and internal table names;
# every value from a dataset is bound as a parameter or quoted with lantern.sql.sql_string().

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

from lantern.errors import DatasetError
from lantern.interchange import checks, schema
from lantern.interchange.dataset import Dataset, open_dataset
from lantern.interchange.readers import FileRead, create_problems_table, read_file
from lantern.sql import sql_string
from lantern.store import tables as store_tables
from lantern.store.tables import STORED_TABLES, StoredTable

Progress = Callable[[str, int, int], None]

PROBLEMS = "_ingest_problems"
UNREADABLE = "the file was not loaded"  # the end of the note on a file DuckDB cannot read
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
    # files with rows, every one of which was quarantined: (file name, rows)
    files_quarantined: list[tuple[str, int]] = field(default_factory=list)

    @property
    def blocking(self) -> list[str]:
        """What makes the load incomplete, one line each: a file with a required column (or a
        people file with a name column) missing, a table and agency every row of which was
        quarantined. The rest still loads; the commands exit non-zero and say why."""
        found = [
            note
            for note in self.file_notes
            if note.endswith((checks.MISSING_REQUIRED, checks.MISSING_NAME, UNREADABLE))
        ]
        found += [
            f"{name}: "
            + ("its one row" if rows == 1 else f"all {rows:,} rows")
            + " quarantined, none loaded"
            for name, rows in self.files_quarantined
        ]
        return found

    def total(self, what: str, table: str | None = None) -> int:
        return sum(getattr(c, what) for c in self.counts if table is None or c.table == table)

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()


def refuse_incomplete(summary: LoadSummary, store: Path | str | None = None) -> None:
    """Raise `DatasetError` (exit 3) naming every problem that makes the load incomplete. The
    rows that could be read are already in the store, and the quarantine says why the rest
    are not: the message says so, and how to load again once the files are put right."""
    problems = summary.blocking
    if problems:
        raise DatasetError(
            f"{summary.dataset}: the load is incomplete ({len(problems)} problem"
            f"{'s' if len(problems) != 1 else ''}); the rows that could be read were loaded "
            f"(load {summary.load_id}). Correct the files and load them again"
            + (
                f"; `lantern quarantine --store {store}` lists every row and header kept out"
                if store
                else ""
            ),
            problems,
        )


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
    steps = len(dataset.files) + 2 * len(schema.TABLES) + 2
    done = 0

    def step(description: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(description, done, steps)

    (keep_order,) = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()  # type: ignore[misc]
    # Line numbers rely on files being read into tables in file order.
    con.execute("SET preserve_insertion_order = true")
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
            built_known: set[str] = set()  # the accepted keys of a table, built once
            for table in schema.TABLES.values():
                _stage(con, table, reads[table.name])
                step(f"staged {table.name}")
                _check(con, table, built_known)
                step(f"checked {table.name}")
            provenance = (load_id, dataset.name, started)
            # Rows in history need no particular order, so let DuckDB write them in parallel.
            con.execute("SET preserve_insertion_order = false")
            for stored in STORED_TABLES:
                _merge(con, stored, provenance)
            step("merged into history")
            summary = _report(con, dataset, load_id, started)
            step("recorded the load")
            _pause_for_tests(environ)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        _drop_temporary_tables(con)
        con.execute(f"SET preserve_insertion_order = {'true' if keep_order else 'false'}")
    return summary


def _read_files(
    con: duckdb.DuckDBPyConnection, dataset: Dataset, step: Callable[[str], None]
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
                [file.table, file.name, f"{file.name} cannot be read ({reason}); {UNREADABLE}"],
            )  # fmt: skip
            con.execute(f"CREATE OR REPLACE TEMP TABLE {target} (source_line BIGINT)")
            read = FileRead(file=file, target=target, empty=True)
        reads[file.table].append(read)
        step(f"read {file.name}")
    return reads


def _stage(con: duckdb.DuckDBPyConnection, table: schema.Table, reads: list[FileRead]) -> None:
    typed = f"_ingest_typed_{table.name}"
    checks.create_typed(con, table, typed)
    offset = 0
    for read in reads:
        checks.stage_file(con, table, read, typed, PROBLEMS, offset)
        offset = con.execute(f"SELECT coalesce(max(row_id), 0) + 1 FROM {typed}").fetchone()[0]  # type: ignore[index]
        con.execute(f"DROP TABLE IF EXISTS {read.target}")


def _check(con: duckdb.DuckDBPyConnection, table: schema.Table, built_known: set[str]) -> None:
    typed = f"_ingest_typed_{table.name}"
    issues = f"_ingest_issues_{table.name}"
    suspects = f"_ingest_suspects_{table.name}"
    # One scan finds the rows breaking any per-value rule; each rule then runs over those few.
    rules = checks.column_rules(table, suspects, typed)
    anything = " OR ".join(f"({r.condition})" for r in rules)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {suspects} AS SELECT * FROM {typed} WHERE {anything}"
    )
    queries = [r.sql for r in rules] + [checks.duplicate_rule(table, typed)]
    con.execute(f"CREATE OR REPLACE TEMP TABLE {issues} AS {' UNION ALL '.join(queries)}")
    if table.references:
        known = {}
        for other in sorted({t for t, _ in table.references.values()}):
            known[other] = f"_ingest_known_{other}"
            if other in built_known:
                continue
            built_known.add(other)
            ref = schema.TABLES[other].key[1]
            con.execute(
                f"""CREATE OR REPLACE TEMP TABLE _ingest_known_{other} AS
                SELECT agency, {ref} FROM _ingest_typed_{other}
                WHERE row_id NOT IN (SELECT row_id FROM _ingest_issues_{other}
                                     WHERE severity = 'error')
                UNION SELECT agency, {ref} FROM {other}"""
            )
        refs = checks.reference_rules(table, typed, known)
        con.execute(f"INSERT INTO {issues} {' UNION ALL '.join(r.sql for r in refs)}")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _ingest_errors_{table.name} AS "
        f"SELECT DISTINCT row_id FROM {issues} WHERE severity = 'error'"
    )


def _merge(
    con: duckdb.DuckDBPyConnection,
    stored: StoredTable,
    provenance: tuple[str, str, dt.datetime],
) -> None:
    """Compare the accepted rows with the current ones by key: insert new and changed rows,
    mark the versions they replace as superseded. Unchanged rows are left alone."""
    load_id, dataset, at = provenance
    typed = f"_ingest_typed_{stored.source}"
    incoming = f"_ingest_incoming_{stored.name}"
    values = ", ".join(
        f"{expr} AS {name}" for name, _, expr in stored.columns if name in stored.stored_names
    )
    errors = f"_ingest_errors_{stored.source}"
    any_errors = con.execute(f"SELECT EXISTS (SELECT 1 FROM {errors})").fetchone()[0]  # type: ignore[index]
    accepted = f"SELECT {values}, source_file, source_line FROM {typed}" + (
        f" WHERE row_id NOT IN (SELECT row_id FROM {errors})" if any_errors else ""
    )
    has_current = con.execute(
        f"SELECT EXISTS (SELECT 1 FROM {stored.history} WHERE superseded_by IS NULL)"
    ).fetchone()[0]  # type: ignore[index]
    columns = ", ".join(stored.stored_names)
    provenance_columns = ", ".join(n for n, _ in store_tables.PROVENANCE)
    insert = f"INSERT INTO {stored.history} ({columns}, {provenance_columns}) "
    if not has_current:
        # nothing to compare with (a first load): every accepted row is new; insert directly
        con.execute(
            insert + f"SELECT {columns}, ?, ?, source_file, source_line, ? FROM ({accepted})",
            [load_id, dataset, at],
        )
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {incoming} AS SELECT agency, 'new' AS status "
            f"FROM {typed} WHERE row_id NOT IN (SELECT row_id FROM _ingest_errors_{stored.source})"
        )
        return
    join = " AND ".join(f"c.{k} = a.{k}" for k in stored.key)
    differs = " OR ".join(
        f"a.{n} IS DISTINCT FROM c.{n}" for n in stored.stored_names if n not in stored.key
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {incoming} AS
        SELECT a.*, CASE WHEN c.{stored.key[0]} IS NULL THEN 'new'
                         WHEN {differs or "false"} THEN 'changed'
                         ELSE 'unchanged' END AS status
        FROM ({accepted}) a
        LEFT JOIN (SELECT {", ".join(stored.stored_names)} FROM {stored.history}
                   WHERE superseded_by IS NULL) c ON {join}"""
    )
    key = ", ".join(stored.key)
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
    con.execute(
        insert + f"SELECT {columns}, ?, ?, source_file, source_line, ? FROM {incoming} "
        "WHERE status <> 'unchanged'",
        [load_id, dataset, at],
    )


def _report(
    con: duckdb.DuckDBPyConnection, dataset: Dataset, load_id: str, started: dt.datetime
) -> LoadSummary:
    lid = sql_string(load_id)
    rows = []
    whole_files: list[tuple[str, int]] = []
    for table in schema.TABLES:
        typed = f"_ingest_typed_{table}"
        issues = f"_ingest_issues_{table}"
        errors = f"_ingest_errors_{table}"
        t = sql_string(table)
        whole_files += con.execute(
            f"""SELECT source_file, count(*) FROM {typed}
            GROUP BY source_file
            HAVING count(*) = count(*) FILTER (WHERE row_id IN (SELECT row_id FROM {errors}))
            ORDER BY source_file"""
        ).fetchall()
        con.execute(
            f"""INSERT INTO quarantine
            SELECT {lid}, {t}, s.agency, s.source_file, s.source_line, i.column_name, i.value,
                   i.message
            FROM {issues} i JOIN {typed} s USING (row_id)
            WHERE i.severity = 'error' ORDER BY s.row_id, i.column_name"""
        )
        con.execute(
            f"""INSERT INTO load_warnings
            SELECT {lid}, {t}, s.agency, s.source_file, s.source_line, i.column_name, i.value,
                   i.message
            FROM {issues} i JOIN {typed} s USING (row_id)
            WHERE i.severity = 'warning' AND row_id NOT IN (SELECT row_id FROM {errors})
            ORDER BY s.row_id, i.column_name"""
        )
        incoming = f"_ingest_incoming_{table}"
        rows += con.execute(
            f"""
            WITH per_row AS (
                SELECT coalesce(s.agency, '(missing)') AS agency, count(*) AS rows_read,
                       count(*) FILTER (WHERE e.row_id IS NOT NULL) AS rows_quarantined,
                       count(*) FILTER (WHERE w.row_id IS NOT NULL AND e.row_id IS NULL)
                           AS rows_warned
                FROM {typed} s
                LEFT JOIN {errors} e USING (row_id)
                LEFT JOIN (SELECT DISTINCT row_id FROM {issues} WHERE severity = 'warning') w
                    USING (row_id)
                GROUP BY ALL
                UNION ALL
                SELECT '(unreadable)', count(*), count(*), 0
                FROM {PROBLEMS} WHERE loses_row AND table_name = {t}
                HAVING count(*) > 0
            ),
            per_status AS (
                SELECT agency,
                       count(*) FILTER (WHERE status = 'new') AS rows_new,
                       count(*) FILTER (WHERE status = 'changed') AS rows_changed,
                       count(*) FILTER (WHERE status = 'unchanged') AS rows_unchanged
                FROM {incoming} GROUP BY ALL
            )
            SELECT {t}, agency, rows_read, rows_read - rows_quarantined,
                   coalesce(rows_new, 0), coalesce(rows_changed, 0), coalesce(rows_unchanged, 0),
                   rows_quarantined, rows_warned
            FROM per_row LEFT JOIN per_status USING (agency)
            ORDER BY agency
            """
        ).fetchall()
    for severity, target in (("error", "quarantine"), ("warning", "load_warnings")):
        con.execute(
            f"""INSERT INTO {target}
            SELECT {lid}, table_name, NULL, source_file, line, column_name, value, message
            FROM {PROBLEMS} WHERE severity = '{severity}'
            ORDER BY table_name, source_file, line"""
        )
    counts = [TableCounts(*row) for row in rows]
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
        files_quarantined=[(str(name), int(n)) for name, n in whole_files],
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
    for kind, catalog, column in (("TABLE", "duckdb_tables()", "table_name"),
                                  ("VIEW", "duckdb_views()", "view_name")):  # fmt: skip
        names = con.execute(
            f"SELECT {column} FROM {catalog} WHERE temporary AND {column} LIKE '\\_ingest%' "  # noqa: S608
            "ESCAPE '\\'"
        ).fetchall()
        for (name,) in names:
            con.execute(f"DROP {kind} IF EXISTS {name}")
