"""Validating interchange rows with set-based SQL, driven by `lantern.interchange.schema`.

`stage_table` gathers every file of one table into one staging table of text with the
schema's column names; `issue_queries` returns one SELECT per rule, each producing
`(row_id, column_name, value, message, severity)` for every row that breaks it. A row with
an `error` is quarantined; a row with only `warning`s loads. Nothing here loops over rows.
"""

# ruff: noqa: S608 -- SQL is built from the schema's own identifiers and internal table names;
# every value from a dataset is bound as a parameter or quoted with lantern.sql.sql_string().

from __future__ import annotations

from typing import NamedTuple

import duckdb

from lantern.interchange import schema
from lantern.interchange.readers import FileRead
from lantern.interchange.schema import Column, Table
from lantern.sql import sql_string

# --- SQL macros -----------------------------------------------------------------------------

_DATE = r"\d{4}-\d{2}-\d{2}"
_TIME = r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?"
_OFFSET = r"(Z|[+-]([01]\d|2[0-3])(:?[0-5]\d)?)"

MACROS = (
    f"""CREATE OR REPLACE TEMP MACRO lantern_date(s) AS
        CASE WHEN regexp_full_match(s, '{_DATE}') THEN try_cast(s AS DATE) END""",
    # Naive timestamps are Europe/London local time and stored as they are; a timestamp with
    # an offset is converted to London local time. A bare date means midnight. The first
    # branch is a cheap exact-shape test for the common `YYYY-MM-DDTHH:MM:SS` (strptime is
    # strict about everything but spaces and year 0, which the guards refuse); the regular
    # expressions decide everything else.
    f"""CREATE OR REPLACE TEMP MACRO lantern_timestamp(s) AS CASE
        WHEN length(s) = 19 AND substr(s, 11, 1) = 'T' AND NOT contains(s, ' ')
             AND substr(s, 1, 4) > '0000'
            THEN try_strptime(s, '%Y-%m-%dT%H:%M:%S')
        WHEN regexp_full_match(s, '{_DATE}') THEN try_cast(s AS DATE)::TIMESTAMP
        WHEN regexp_full_match(s, '{_DATE}[T ]{_TIME}') THEN try_cast(s AS TIMESTAMP)
        WHEN regexp_full_match(s, '{_DATE}[T ]{_TIME}{_OFFSET}')
            THEN timezone('Europe/London', try_cast(s AS TIMESTAMPTZ))
        END""",
    # NHS number: 10 digits (spaces allowed); weights 10..2 on the first nine digits, the
    # check digit is 11 - (sum mod 11), where 11 means 0 and 10 means the number is invalid.
    r"""CREATE OR REPLACE TEMP MACRO lantern_nhs_valid(s) AS
        list_transform([regexp_replace(s, '\s', '', 'g')], lambda d:
            regexp_full_match(d, '\d{10}')
            AND (11 - list_sum([(ascii(substr(d, i, 1)) - 48) * (11 - i)
                                FOR i IN range(1, 10)]) % 11) % 11
                = ascii(substr(d, 10, 1)) - 48)[1]""",
)


def create_macros(con: duckdb.DuckDBPyConnection) -> None:
    for macro in MACROS:
        con.execute(macro)


def nhs_number_is_valid(value: str) -> bool:
    """The NHS number mod-11 check in Python (the SQL macro's reference)."""
    digits = "".join(value.split())
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


# --- staging: every file of a table into one typed table ----------------------------------

# Kinds whose stored value differs from the text given: the typed table keeps both, the
# text as `raw_<name>` for messages and the value as `<name>`.
_CONVERTED = (schema.AGENCY, schema.DATE, schema.TIMESTAMP, schema.INTEGER, schema.DECIMAL,
              schema.VOCAB)  # fmt: skip


# Kinds whose typed table keeps the text only when it did not parse (`raw_<name>` is NULL
# for a good value), so a load does not carry every timestamp twice.
_PARSED = (schema.DATE, schema.TIMESTAMP, schema.INTEGER, schema.DECIMAL)


def raw(column: Column) -> str:
    """The typed table's column holding `column` as given (trimmed, empty = NULL)."""
    return f"raw_{column.name}" if column.kind in _CONVERTED else column.name


def typed_columns(table: Table) -> list[str]:
    """The typed table's columns after row_id, source_file and source_line."""
    extra = list(schema.PROTECTED_EXTRA_COLUMNS) if table.name == "people" else []
    converted = [f"raw_{c.name}" for c in table.columns if c.kind in _CONVERTED]
    return [*table.column_names, *converted, *extra, "attributes"]


def create_typed(con: duckdb.DuckDBPyConnection, table: Table, target: str) -> None:
    types = {c.name: _SQL_TYPES.get(c.kind, "VARCHAR") for c in table.columns}
    cols = ", ".join(f"{c} {types.get(c, 'VARCHAR')}" for c in typed_columns(table))
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {target} (row_id BIGINT, source_file VARCHAR, "
        f"source_line BIGINT, {cols})"
    )


_SQL_TYPES = {
    schema.DATE: "DATE",
    schema.TIMESTAMP: "TIMESTAMP",
    schema.INTEGER: "BIGINT",
    schema.DECIMAL: "DOUBLE",
}


def sql_type(column: Column) -> str:
    return _SQL_TYPES.get(column.kind, "VARCHAR")


def _cleaned(column: Column | None, expr: str) -> str:
    """Empty strings mean unknown; identifiers and codes lose surrounding spaces."""
    if column is not None and column.kind in (schema.TEXT, schema.LIST):
        return f"nullif({expr}, '')"
    return f"nullif(trim({expr}), '')"


# The end of a header note that makes a load incomplete (`LoadSummary.blocking`): a file every
# row of which is quarantined, or people who cannot be linked by name.
MISSING_REQUIRED = "which is required, so every row will be quarantined"
MISSING_NAME = "so these records cannot be linked by name: add the column (empty where unknown)"
# Columns a people file may leave empty row by row, but not leave out: resolve links by name.
NAME_COLUMNS = ("given_name", "family_name")


def _header_notes(table: Table, read: FileRead, position: dict[str, int]) -> list[tuple[str, str]]:
    notes: list[tuple[str, str]] = []
    name = read.file.name
    for column in table.columns:
        if column.required and column.name not in position:
            notes.append(
                (column.name, f"{name} line 1, {column.name}: the header has no {column.name} "
                 f"column, {MISSING_REQUIRED}")
            )  # fmt: skip
    if table.name == "people" and "person_ref" in position:
        for column_name in NAME_COLUMNS:
            if column_name not in position:
                notes.append(
                    (column_name, f"{name} line 1, {column_name}: the header has no "
                     f"{column_name} column, {MISSING_NAME}")
                )  # fmt: skip
    for n in unknown_columns(table, read):
        if n == schema.PROVENANCE_COLUMN:
            continue  # an adapter's provenance: expected, kept in attributes
        notes.append((n, f"{name} line 1, {n}: not an interchange column; kept in attributes"))
    if table.name == "people":
        for n in schema.PROTECTED_EXTRA_COLUMNS:
            if n in position:
                notes.append(
                    (n, f"{name} line 1, {n}: a protected characteristic; held only in "
                     "equality_monitoring, never beside the record")
                )  # fmt: skip
    return notes


def unknown_columns(table: Table, read: FileRead) -> list[str]:
    known = set(table.column_names)
    if table.name == "people":
        known |= set(schema.PROTECTED_EXTRA_COLUMNS)
    return [n for n in read.header if n not in known]


def stage_file(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    read: FileRead,
    target: str,
    problems: str,
    offset: int = 0,
) -> None:
    """Append one file's rows to the typed table, converting every value once.

    `row_id` is `offset` + the row's line: unique within the load, in file and line order.
    """
    name = sql_string(read.file.name)
    if not read.has_header:
        values = " || ',' || ".join(f"coalesce(c{i}, '')" for i in range(len(read.header)))
        con.execute(
            f"""INSERT INTO {problems} SELECT {sql_string(table.name)}, {name}, {read.line},
                NULL, left({values or "''"}, 200),
                {name} || ' line ' || {read.line} || ': the file has no header row, '
                  || 'so this row cannot be read', 'error', true
            FROM {read.source}"""
        )
        return
    if not read.header:
        return
    position = {n: i for i, n in enumerate(read.header)}
    for column_name, message in _header_notes(table, read, position):
        con.execute(
            f"INSERT INTO {problems} VALUES (?, ?, 1, ?, NULL, ?, 'warning', false)",
            [table.name, read.file.name, column_name, message],
        )
    cleaned = []  # inner query: the text of each column, cleaned
    for c in typed_columns(table):
        if c == "attributes":
            unknown = unknown_columns(table, read)
            if unknown:
                entries = ", ".join(
                    f"struct_pack(k := {sql_string(n)}, v := c{position[n]})" for n in unknown
                )
                cleaned.append(
                    f"nullif(to_json(map_from_entries(list_filter([{entries}], "
                    "lambda e: e.v IS NOT NULL AND e.v <> '')))::VARCHAR, '{}') AS attributes"
                )
            else:
                cleaned.append("NULL AS attributes")
        elif c.startswith("raw_"):
            continue
        else:
            column = table.column(c) if c in table.column_names else None
            text = _cleaned(column, f"c{position[c]}") if c in position else "NULL"
            cleaned.append(f"{text} AS {c}")
    outer = []
    for c in typed_columns(table):
        if c.startswith("raw_") and table.column(c[4:]).kind in _PARSED:
            # the text is needed only to explain a value that did not parse
            outer.append(
                f"CASE WHEN {typed_expression(table.column(c[4:]))} IS NULL THEN {c[4:]} END"
            )
        elif c.startswith("raw_"):
            outer.append(c[4:])
        elif c in table.column_names:
            outer.append(typed_expression(table.column(c)))
        else:
            outer.append(c)
    con.execute(
        f"""INSERT INTO {target}
        SELECT {offset} + source_line, {name}, source_line,
               {", ".join(outer)}
        FROM (SELECT {read.line} AS source_line, {", ".join(cleaned)} FROM {read.source})"""
    )


# --- rules ----------------------------------------------------------------------------------


def _shown(expr: str) -> str:
    """A value as quoted in a message: at most 80 characters."""
    return f"'''' || left({expr}, 80) || CASE WHEN length({expr}) > 80 THEN '…' ELSE '' END || ''''"


def _where(column: str) -> str:
    return f"source_file || ' line ' || source_line || ', {column}: '"


class Rule(NamedTuple):
    """One check: `condition` over a typed row, and the SELECT producing its issues."""

    condition: str
    sql: str


def _rule(
    stage: str,
    column: Column | str,
    condition: str,
    message: str,
    severity: str = "error",
    value: str | None = None,
) -> Rule:
    """One rule: rows of `stage` meeting `condition` get `message` (SQL) about `column`."""
    name = column if isinstance(column, str) else column.name
    value = value or (name if isinstance(column, str) else raw(column))
    return Rule(
        condition,
        f"SELECT row_id, {sql_string(name)} AS column_name, left({value}, 1000) AS value, "
        f"coalesce({_where(name)} || {message}, {_where(name)} || 'breaks a rule') AS message, "
        f"{sql_string(severity)} AS severity "
        f"FROM {stage} WHERE {condition}",
    )


def _vocabulary_case(column: Column, expr: str) -> str:
    """The canonical vocabulary value for `expr`, NULL if unknown (or a synonym for unknown)."""
    whens = [f"WHEN {sql_string(v.lower())} THEN {sql_string(v)}" for v in column.vocabulary]
    whens += [
        f"WHEN {sql_string(word)} THEN {sql_string(canon) if canon else 'NULL'}"
        for word, canon in column.synonyms
    ]
    return f"CASE lower({expr}) {' '.join(whens)} END"


def _unknown_synonyms(column: Column) -> str:
    unknowns = [sql_string(word) for word, canon in column.synonyms if canon is None]
    return f"lower({raw(column)}) IN ({', '.join(unknowns)})" if unknowns else "false"


def typed_expression(column: Column, expr: str | None = None) -> str:
    """SQL turning the cleaned text of `column` into its typed value (NULL if it is not one).

    An unknown vocabulary value is NULL here; the store decides what to keep (`other`).
    """
    e = expr or column.name
    if column.kind == schema.AGENCY:
        return f"lower({e})"
    if column.kind == schema.DATE:
        return f"lantern_date({e})"
    if column.kind == schema.TIMESTAMP:
        return f"lantern_timestamp({e})"
    if column.kind == schema.INTEGER:
        return f"try_cast({e} AS BIGINT)"
    if column.kind == schema.DECIMAL:
        return f"try_cast({e} AS DOUBLE)"
    if column.kind == schema.VOCAB:
        return _vocabulary_case(column, e)
    return e


_NOT_A_TIMESTAMP = (
    "' is not a date and time (expected ISO 8601 such as 2011-03-04T21:15:00, "
    "with or without an offset, or a date YYYY-MM-DD)'"
)


def column_rules(table: Table, stage: str, typed: str | None = None) -> list[Rule]:
    """The per-value rules for every column of `table`, over rows of `stage`.

    `typed` is the whole typed table (for rules that look at every row, such as the set of
    agency codes); by default `stage` itself.
    """
    typed = typed or stage
    rules = []
    for column in table.columns:
        c, r = column.name, raw(column)
        v = _shown(r)
        converted_but_null = f"{r} IS NOT NULL AND {c} IS NULL"
        rules.append(
            _rule(
                stage,
                column,
                f"length({r}) > {schema.MAX_FIELD_CHARS}",
                f"'value is ' || format('{{:,}}', length({r})) || ' characters long "
                f"(the limit is {schema.MAX_FIELD_CHARS:,})'",
            )
        )
        if column.required:
            empty = f"{r} IS NULL AND {c} IS NULL" if column.kind in _PARSED else f"{r} IS NULL"
            rules.append(_rule(stage, column, empty, "'is empty, but it is required'"))
        if column.kind == schema.AGENCY:
            # the pattern is tested once per distinct agency, not once per row
            rules.append(
                _rule(
                    stage,
                    column,
                    f"{c} IN (SELECT a FROM (SELECT DISTINCT {c} AS a FROM {typed}) "
                    f"WHERE NOT regexp_full_match(a, '{schema.AGENCY_PATTERN}'))",
                    f"{v} || ' is not an agency code (expected lower-case letters, digits and _, "
                    "such as police or social_care)'",
                )
            )
        elif column.kind == schema.DATE:
            rules.append(
                _rule(
                    stage,
                    column,
                    converted_but_null,
                    f"{v} || ' is not a date (expected YYYY-MM-DD)'",
                )
            )
        elif column.kind == schema.TIMESTAMP:
            rules.append(_rule(stage, column, converted_but_null, f"{v} || {_NOT_A_TIMESTAMP}"))
        elif column.kind in (schema.INTEGER, schema.DECIMAL):
            what = "a whole number" if column.kind == schema.INTEGER else "a number"
            rules.append(_rule(stage, column, converted_but_null, f"{v} || ' is not {what}'"))
            if column.minimum is not None:
                rules.append(
                    _rule(
                        stage,
                        column,
                        f"{c} NOT BETWEEN {column.minimum} AND {column.maximum}",
                        f"{_shown(f'CAST({c} AS VARCHAR)')} || ' is outside "
                        f"{column.minimum:g} to {column.maximum:g}'",
                        value=f"CAST({c} AS VARCHAR)",
                    )
                )
        elif column.kind == schema.VOCAB:
            unknown = f"{converted_but_null} AND NOT {_unknown_synonyms(column)}"
            if column.unknown_becomes == "other":
                what = c.replace("_", " ")
                message = f"{v} || ' is not a known {what}; stored as ''other'''"
                rules.append(_rule(stage, column, unknown, message, "warning"))
            else:
                allowed = ", ".join(column.vocabulary)
                rules.append(_rule(stage, column, unknown, f"{v} || ' is not one of: {allowed}'"))
            if column.synonyms:
                rules.append(
                    _rule(
                        stage,
                        column,
                        f"{r} IS NOT NULL AND {_unknown_synonyms(column)}",
                        f"{v} || ' means unknown; stored as empty'",
                        "warning",
                    )
                )
        elif column.kind == schema.NHS_NUMBER:
            rules.append(
                _rule(
                    stage,
                    column,
                    f"{c} IS NOT NULL AND NOT lantern_nhs_valid({c})",
                    f"{v} || CASE WHEN regexp_full_match(regexp_replace({c}, '\\s', '', 'g'), "
                    "'\\d{10}') THEN ' fails the NHS number check digit; kept as given' "
                    "ELSE ' is not a 10-digit NHS number; kept as given' END",
                    "warning",
                )
            )
    if table.name == "people":
        rules.append(
            _rule(
                stage,
                "upn",
                "upn IS NOT NULL AND length(upn) <> 13",
                f"{_shown('upn')} || ' is not a 13-character Unique Pupil Number; kept as given'",
                "warning",
            )
        )
    if table.name == "events":
        rules.append(
            _rule(
                stage,
                table.column("ended_at"),
                "ended_at < occurred_at",
                f"{_shown('CAST(ended_at AS VARCHAR)')} || ' is before occurred_at ' || "
                f"{_shown('CAST(occurred_at AS VARCHAR)')}",
                "warning",
                value="CAST(ended_at AS VARCHAR)",
            )
        )
    if table.name == "disruption_actions":
        # a person is named by person_ref, a vehicle or place by its value: without it the
        # action is against nothing Lantern can find
        rules.append(
            _rule(
                stage,
                table.column("person_ref"),
                "target_kind = 'person' AND person_ref IS NULL",
                "'is empty, but target_kind is person: name the person it is against'",
            )
        )
        rules.append(
            _rule(
                stage,
                table.column("target_value"),
                "target_kind IN ('vehicle', 'place') AND target_value IS NULL",
                "'is empty, but target_kind is ' || target_kind || ': give the registration "
                "or the place'",
            )
        )
        rules.append(
            _rule(
                stage,
                table.column("ended_on"),
                "ended_on < started_on",
                f"{_shown('CAST(ended_on AS VARCHAR)')} || ' is before started_on ' || "
                f"{_shown('CAST(started_on AS VARCHAR)')}",
                "warning",
                value="CAST(ended_on AS VARCHAR)",
            )
        )
    return rules


def duplicate_rule(table: Table, stage: str) -> str:
    """A second row with the same key within one load is quarantined (the first one loads).

    Keys seen more than once are found first by grouping on a 64-bit hash of the key (cheap),
    so the window, which compares the keys themselves, runs only over the few rows that
    share a hash.
    """
    key = ", ".join(table.key)
    ref = table.key[1]
    key_text = " || ', ' || ".join(f"'{k} ' || {_shown(k)}" for k in table.key[1:])
    not_null = " AND ".join(f"{k} IS NOT NULL" for k in table.key)
    return f"""
        SELECT row_id, {sql_string(ref)} AS column_name, {ref} AS value,
               {_where(ref)} || 'duplicate ' || {key_text} || ' for agency '
                 || agency || ' (first at ' || first_file || ' line ' || first_line || ')'
                 AS message,
               'error' AS severity
        FROM (
            SELECT *, row_number() OVER w AS n,
                   first_value(source_file) OVER w AS first_file,
                   first_value(source_line) OVER w AS first_line
            FROM {stage}
            WHERE hash({key}) IN (SELECT h FROM (SELECT hash({key}) AS h FROM {stage}
                                                 WHERE {not_null})
                                  GROUP BY h HAVING count(*) > 1)
              AND {not_null}
            WINDOW w AS (PARTITION BY {key} ORDER BY row_id)
        ) WHERE n > 1
    """


def reference_rules(table: Table, stage: str, known_keys: dict[str, str]) -> list[Rule]:
    """Rows referring to an event or person that neither this load nor the store holds.

    `known_keys[t]` is a relation of (agency, <ref>) for table `t` that is accepted.
    """
    rules = []
    for column, (other, other_column) in table.references.items():
        rules.append(
            _rule(
                stage,
                column,
                f"agency IS NOT NULL AND {column} IS NOT NULL AND (agency, {column}) NOT IN "
                f"(SELECT agency, {other_column} FROM {known_keys[other]})",
                f"{_shown(column)} || ' is not in {other} for agency ' || agency"
                " || ' (neither in this load nor already in the store)'",
            )
        )
    return rules


def issue_queries(table: Table, stage: str) -> list[str]:
    """Every row-level rule but references (those need the other tables' results)."""
    return [*(r.sql for r in column_rules(table, stage)), duplicate_rule(table, stage)]
