"""Reading one interchange file into a DuckDB table of text, with the line each row starts on.

Every reader uses DuckDB's own readers and writes a temporary table with one column per
column of the file (`c0`, `c1`, ... all VARCHAR, names in `FileRead.header`) and
`source_line`. Records the file format itself makes unreadable (undecodable bytes, too many
or too few values, a broken quote, an absurdly long line) do not stop the read: they are
written to the `problems` table with their line, and the rest of the file is read.

Line numbers (see docs/ingest.md):

* CSV: the physical line of the file on which the record *starts* (the header is line 1).
  A quoted field may span lines, so the second record of
  `a,b\\n1,"x\\ny"\\n2,z` starts on line 4. Clean files take a fast path (the line is
  2 + the row's index + the newlines inside earlier rows' fields); a file with rejected or
  blank lines is re-read as raw lines and the record starts found by quote parity.
* JSONL: the physical line (blank lines are skipped but counted).
* Parquet: the row number in the file, counting from 1.
"""

# ruff: noqa: S608 -- SQL is built from the schema's own identifiers and internal table names;
# every value from a dataset is bound as a parameter or quoted with lantern.sql.sql_string().

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from lantern.interchange.dataset import TableFile
from lantern.sql import sql_string

# DuckDB refuses lines longer than this outright (quarantined as "too long"); shorter fields
# that still exceed schema.MAX_FIELD_CHARS are caught by the field-length check.
MAX_LINE_BYTES = 8 * 1024 * 1024

# The problems table every reader appends to (created by `create_problems_table`).
PROBLEMS_COLUMNS = (
    "table_name VARCHAR, source_file VARCHAR, line BIGINT, column_name VARCHAR, "
    "value VARCHAR, message VARCHAR, severity VARCHAR, loses_row BOOLEAN"
)


@dataclass
class FileRead:
    """What reading one file produced."""

    file: TableFile
    target: str  # the table holding c0..cN
    line: str = "source_line"  # SQL giving each row's line, over `source`
    from_clause: str = ""  # when reading the rows needs more than `target` (a join)
    header: list[str] = field(default_factory=list)  # column names, in c0..cN order
    rows: int = 0  # rows in `target`
    has_header: bool = True
    empty: bool = False

    @property
    def source(self) -> str:
        """The FROM clause that yields the rows, their c0..cN and what `line` needs."""
        return self.from_clause or self.target


def create_problems_table(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({PROBLEMS_COLUMNS})")


def read_file(
    con: duckdb.DuckDBPyConnection,
    file: TableFile,
    target: str,
    problems: str,
    known_columns: Sequence[str],
) -> FileRead:
    """Read `file` into temp table `target`; unreadable records go to `problems`."""
    reader = {"csv": _read_csv, "jsonl": _read_jsonl, "parquet": _read_parquet}[file.encoding]
    return reader(con, file, target, problems, known_columns)


# --- problems -------------------------------------------------------------------------------

_REJECT_MESSAGES = {
    "TOO MANY COLUMNS": "has more values than the header has columns ({detail})",
    "MISSING COLUMNS": "has fewer values than the header has columns ({detail})",
    "INVALID ENCODING": "contains bytes that are not valid UTF-8, so the row cannot be read",
    "INVALID UNICODE": "contains bytes that are not valid UTF-8, so the row cannot be read",
    "UNQUOTED VALUE": "has a quote character in the wrong place (RFC 4180 quoting expected)",
    "LINE SIZE OVER MAXIMUM": f"is longer than {MAX_LINE_BYTES:,} bytes, so the row cannot be read",
}


def _reject_message_sql(error_type: str, error_message: str) -> str:
    cases = " ".join(
        f"WHEN {sql_string(kind)} THEN {sql_string(text.replace('({detail})', ''))}"
        + (
            f" || '(' || regexp_extract({error_message}, 'Expected Number of Columns: (\\d+)', 1)"
            f" || ' expected, ' || regexp_extract({error_message}, 'Found: (\\d+)', 1) || ' found)'"
            if "{detail}" in text
            else ""
        )
        for kind, text in _REJECT_MESSAGES.items()
    )
    return f"CASE {error_type} {cases} ELSE 'cannot be read: ' || {error_message} END"


def _add_problem(
    con: duckdb.DuckDBPyConnection,
    problems: str,
    file: TableFile,
    line: int | None,
    column: str | None,
    value: str | None,
    message: str,
    *,
    severity: str,
    loses_row: bool,
) -> None:
    con.execute(
        f"INSERT INTO {problems} VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [file.table, file.name, line, column, value, message, severity, loses_row],
    )


# --- raw physical lines (JSONL, and CSV files that need exact line numbers) ----------------


def _raw_lines(
    con: duckdb.DuckDBPyConnection, path: Path, target: str, rejects: str
) -> tuple[int, int]:
    """`target(p, l, dropped)`: every physical line of `path`, numbered from 1.

    Lines DuckDB cannot read (bad UTF-8, too long) are kept as `dropped` rows with `l` NULL
    and their reason in the `rejects` table; blank lines have `l` NULL and `dropped` false.
    """
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {target}_kept AS "
        f"SELECT l FROM read_csv({sql_string(str(path))}, columns={{'l': 'VARCHAR'}}, "
        "header=false, quote='', escape='', delim='\\0', auto_detect=false, strict_mode=false, "
        f"store_rejects=true, rejects_table='{rejects}', rejects_scan='{rejects}_scan', "
        f"max_line_size={MAX_LINE_BYTES})"
    )
    kept, first = con.execute(f"SELECT count(*), min(rowid) FROM {target}_kept").fetchone()  # type: ignore[misc]
    dropped = con.execute(f"SELECT count(*) FROM {rejects}").fetchone()[0]  # type: ignore[index]
    # A table filled by one CREATE ... AS numbers its rows consecutively in insertion order,
    # so `rowid - min(rowid)` is the row's position: no window, no sort.
    position = f"rowid - {first or 0} + 1"
    if not dropped:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {target} AS "
            f"SELECT {position} AS p, l, false AS dropped FROM {target}_kept"
        )
    else:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {target} AS
            WITH numbers AS (SELECT range + 1 AS p FROM range({kept + dropped})),
            dropped AS (SELECT DISTINCT line AS p FROM {rejects}),
            kept_numbers AS (
                SELECT p, row_number() OVER (ORDER BY p) AS k
                FROM numbers WHERE p NOT IN (SELECT p FROM dropped)
            ),
            kept AS (SELECT l, {position} AS k FROM {target}_kept)
            SELECT kept_numbers.p, kept.l, false AS dropped
            FROM kept_numbers JOIN kept USING (k)
            UNION ALL
            SELECT p, NULL, true FROM dropped
            """
        )
    con.execute(f"DROP TABLE {target}_kept")
    return kept, dropped


# --- CSV ------------------------------------------------------------------------------------


def _first_record(path: Path) -> tuple[list[str] | None, str | None]:
    """The first CSV record of `path` (the header), or None for an empty file; and an error."""
    with path.open("rb") as handle:
        head = handle.read(1024 * 1024)
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    if not head.strip():
        return None, None
    text = head.decode("utf-8", errors="replace")
    if "\ufffd" in text.split("\n", 1)[0]:
        return None, "the header line is not valid UTF-8"
    record = next(csv.reader(io.StringIO(text)), None)
    return record, None


def _count_newlines(path: Path) -> tuple[int, bool]:
    """Number of `\\n` bytes in the file, and whether it ends with one."""
    count = 0
    last = b""
    with path.open("rb") as handle:
        while chunk := handle.read(16 * 1024 * 1024):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count, last == b"\n"


def _read_csv(
    con: duckdb.DuckDBPyConnection,
    file: TableFile,
    target: str,
    problems: str,
    known_columns: Sequence[str],
) -> FileRead:
    result = FileRead(file=file, target=target)
    header, error = _first_record(file.path)
    if error:
        _add_problem(
            con, problems, file, 1, None, None,
            f"{file.name} line 1: {error}; the file was not loaded",
            severity="error", loses_row=False,
        )  # fmt: skip
        header = None
    if header is None:
        result.empty = error is None
        if result.empty:
            _add_problem(
                con, problems, file, None, None, None,
                f"{file.name} is empty (no header, no rows)",
                severity="warning", loses_row=False,
            )  # fmt: skip
        con.execute(f"CREATE OR REPLACE TEMP TABLE {target} (source_line BIGINT)")
        return result
    names = [h.strip().lower() for h in header]
    known = set(known_columns)
    result.has_header = any(n in known for n in names)
    result.header = (
        _unique(names) if result.has_header else [f"column_{i + 1}" for i in range(len(names))]
    )
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(names)))
    rejects = f"{target}_rejects"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {target}_raw AS "
        f"SELECT * FROM read_csv({sql_string(str(file.path))}, columns={{{columns}}}, "
        f"header={'true' if result.has_header else 'false'}, auto_detect=false, delim=',', "
        "quote='\"', escape='\"', strict_mode=true, "
        f"store_rejects=true, rejects_table='{rejects}', rejects_scan='{rejects}_scan', "
        f"max_line_size={MAX_LINE_BYTES})"
    )
    cols = [f"c{i}" for i in range(len(names))]
    newlines_in_row = " + ".join(
        f"coalesce(length({c}) - length(replace({c}, chr(10), '')), 0)" for c in cols
    )
    n_rows, first = con.execute(f"SELECT count(*), min(rowid) FROM {target}_raw").fetchone()  # type: ignore[misc]
    n_rejects = con.execute(f"SELECT count(*) FROM {rejects}").fetchone()[0]  # type: ignore[index]
    physical, ends_with_newline = _count_newlines(file.path)
    physical_lines = physical + (0 if ends_with_newline else 1)
    header_lines = 1 if result.has_header else 0
    # physical lines = header + rows + newlines inside fields + blank lines + rejected lines,
    # so when the first two account for every line, the rest are all zero.
    n_newlines = 0
    if n_rejects == 0 and physical_lines != header_lines + n_rows:
        n_newlines = con.execute(
            f"SELECT coalesce(sum({newlines_in_row}), 0) FROM {target}_raw"
        ).fetchone()[0]  # type: ignore[index]
    clean = n_rejects == 0 and physical_lines == header_lines + n_rows + n_newlines
    raw = f"{target}_raw"
    result.target = raw
    # rows of a table filled by one CREATE ... AS are numbered consecutively in file order
    position = f"{raw}.rowid - {first or 0} + 1"
    if clean and n_newlines == 0:
        result.line = f"{position} + {header_lines}"
    elif clean:
        # line = position + header + the newlines inside earlier rows' fields: a running sum
        # over just the rows that have any, found for each row with an ASOF join
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE {target}_newlines AS
            SELECT r, sum(nl) OVER (ORDER BY r) AS before_next
            FROM (SELECT rowid AS r, {newlines_in_row} AS nl FROM {raw}) WHERE nl > 0"""
        )
        result.from_clause = f"{raw} ASOF LEFT JOIN {target}_newlines n ON {raw}.rowid > n.r"
        result.line = f"{position} + {header_lines} + coalesce(n.before_next, 0)"
    else:
        _exact_csv_lines(con, file, target, rejects, cols, header_lines)
        result.target = target
        con.execute(f"DROP TABLE IF EXISTS {target}_raw")
    if not clean:
        con.execute(
            f"""
            INSERT INTO {problems}
            SELECT {sql_string(file.table)}, {sql_string(file.name)}, r.source_line, NULL,
                   left(trim(r.csv_line, chr(10) || chr(13)), 200),
                   {sql_string(file.name)} || ' line ' || r.source_line || ': the row '
                     || {_reject_message_sql("r.error_type", "r.error_message")},
                   'error', true
            FROM {target}_reject_lines r
            """
        )
    result.rows = n_rows
    if not result.has_header:
        _add_problem(
            con, problems, file, 1, None, ",".join(header)[:200],
            f"{file.name} has no header row: its first line names none of the "
            f"{file.table} columns, so none of its rows can be read",
            severity="error", loses_row=False,
        )  # fmt: skip
    return result


def _exact_csv_lines(
    con: duckdb.DuckDBPyConnection,
    file: TableFile,
    target: str,
    rejects: str,
    cols: list[str],
    header_lines: int,
) -> None:
    """Line numbers for a CSV file with rejected or blank lines.

    DuckDB numbers rejected records by record (blank lines count, newlines inside quoted
    fields do not). Re-read the file as raw lines, find where each record starts (a line
    starts a record when the quotes before it are balanced), and number the records as
    DuckDB does: the n-th record start is DuckDB's line n. Good rows are the record starts
    that are neither blank nor rejected, in order.
    """
    _raw_lines(con, file.path, f"{target}_phys", f"{target}_phys_rejects")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {target}_starts AS
        WITH q AS (
            SELECT p, l, dropped,
                   coalesce(length(l) - length(replace(l, '"', '')), 0) AS quotes
            FROM {target}_phys
        ),
        parity AS (
            SELECT p, l, dropped,
                   coalesce(sum(quotes) OVER (ORDER BY p ROWS BETWEEN UNBOUNDED PRECEDING
                                              AND 1 PRECEDING), 0) % 2 AS open_quote
            FROM q
        )
        SELECT p, (l IS NULL AND NOT dropped) AS blank,
               row_number() OVER (ORDER BY p) AS record
        FROM parity WHERE open_quote = 0
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {target}_reject_lines AS
        SELECT coalesce(s.p, r.line) AS source_line, r.error_type, r.error_message, r.csv_line
        FROM (SELECT DISTINCT ON (line) line, error_type, error_message, csv_line
              FROM {rejects} ORDER BY line, column_idx) r
        LEFT JOIN {target}_starts s ON s.record = r.line
        """
    )
    select_cols = ", ".join(f"raw.{c}" for c in cols)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {target} AS
        WITH good AS (
            SELECT p, row_number() OVER (ORDER BY record) AS k
            FROM {target}_starts
            WHERE record > {header_lines} AND NOT blank
              AND record NOT IN (SELECT line FROM {rejects})
        ),
        raw AS (SELECT rowid - (SELECT min(rowid) FROM {target}_raw) + 1 AS k, *
                FROM {target}_raw)
        SELECT good.p AS source_line, {select_cols} FROM raw LEFT JOIN good USING (k)
        """
    )


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        n = n or "unnamed"
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n}_{seen[n]}")
    return out


# --- JSONL ----------------------------------------------------------------------------------


def _read_jsonl(
    con: duckdb.DuckDBPyConnection,
    file: TableFile,
    target: str,
    problems: str,
    known_columns: Sequence[str],
) -> FileRead:
    result = FileRead(file=file, target=target)
    rejects = f"{target}_rejects"
    _raw_lines(con, file.path, f"{target}_phys", rejects)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {target}_json AS
        SELECT p, l, dropped,
               CASE WHEN l IS NOT NULL AND json_valid(l) THEN json_type(l) END AS kind
        FROM {target}_phys WHERE dropped OR (l IS NOT NULL AND trim(l) <> '')
        """
    )
    reasons = _reject_message_sql("r.error_type", "r.error_message")
    con.execute(
        f"""
        INSERT INTO {problems}
        SELECT {sql_string(file.table)}, {sql_string(file.name)}, j.p, NULL,
               left(coalesce(j.l, r.csv_line), 200),
               {sql_string(file.name)} || ' line ' || j.p || ': the row ' ||
               CASE WHEN j.dropped THEN {reasons}
                    WHEN j.kind IS NULL THEN 'is not valid JSON'
                    ELSE 'is a JSON ' || lower(j.kind) || ', not an object' END,
               'error', true
        FROM {target}_json j
        LEFT JOIN (SELECT DISTINCT ON (line) * FROM {rejects} ORDER BY line) r ON r.line = j.p
        WHERE j.dropped OR j.kind IS DISTINCT FROM 'OBJECT'
        """
    )
    keys = [
        row[0]
        for row in con.execute(
            f"SELECT k FROM (SELECT unnest(json_keys(l)) AS k, p FROM {target}_json "
            "WHERE kind = 'OBJECT') GROUP BY k ORDER BY min(p), k"
        ).fetchall()
    ]
    names = [k.strip().lower() for k in keys]
    result.header = _unique(names)
    if not keys:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {target} (source_line BIGINT)")
        result.empty = True
        _add_problem(
            con, problems, file, None, None, None, f"{file.name} has no rows",
            severity="warning", loses_row=False,
        )  # fmt: skip
        return result
    extracts = []
    for i, key in enumerate(keys):
        path = sql_string('$."' + key.replace('"', '\\"') + '"')
        extracts.append(
            f"CASE WHEN json_type(l, {path}) = 'ARRAY' THEN "
            f"array_to_string(from_json(json_extract(l, {path}), '[\"VARCHAR\"]'), ';') "
            f"ELSE json_extract_string(l, {path}) END AS c{i}"
        )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {target} AS SELECT p AS source_line, "
        f"{', '.join(extracts)} FROM {target}_json WHERE kind = 'OBJECT' ORDER BY p"
    )
    con.execute(f"DROP TABLE {target}_json")
    result.rows = con.execute(f"SELECT count(*) FROM {target}").fetchone()[0]  # type: ignore[index]
    return result


# --- Parquet --------------------------------------------------------------------------------


def _read_parquet(
    con: duckdb.DuckDBPyConnection,
    file: TableFile,
    target: str,
    problems: str,
    known_columns: Sequence[str],
) -> FileRead:
    result = FileRead(file=file, target=target)
    source = f"read_parquet({sql_string(str(file.path))}, file_row_number=true)"
    described = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
    columns = [(name, type_) for name, type_, *_ in described if name != "file_row_number"]
    result.header = _unique([name.strip().lower() for name, _ in columns])
    selects = []
    for i, (name, type_) in enumerate(columns):
        quoted = '"' + name.replace('"', '""') + '"'
        if type_.endswith("[]"):
            selects.append(f"array_to_string({quoted}, ';') AS c{i}")
        else:
            selects.append(f"CAST({quoted} AS VARCHAR) AS c{i}")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {target} AS SELECT file_row_number + 1 AS source_line, "
        f"{', '.join(selects)} FROM {source}"
    )
    result.rows = con.execute(f"SELECT count(*) FROM {target}").fetchone()[0]  # type: ignore[index]
    return result
