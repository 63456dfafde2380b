"""Validating interchange rows with set-based SQL, driven by `lantern.interchange.schema`.

`stage_table` gathers every file of one table into one staging table of text with the
schema's column names; `issue_queries` returns one SELECT per rule, each producing
`(row_id, column_name, value, message, severity)` for every row that breaks it. A row with
an `error` is quarantined; a row with only `warning`s loads. Nothing here loops over rows.
"""

# ruff: noqa: S608 -- SQL is built from the schema's own identifiers and internal table names;
# every value from a dataset is bound as a parameter or quoted with sql_string().

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from lantern.interchange import schema
from lantern.interchange.readers import FileRead, sql_string
from lantern.interchange.schema import Column, Table

# --- SQL macros -----------------------------------------------------------------------------

_DATE = r"\d{4}-\d{2}-\d{2}"
_TIME = r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?"
_OFFSET = r"(Z|[+-]([01]\d|2[0-3])(:?[0-5]\d)?)"

MACROS = (
    f"""CREATE OR REPLACE TEMP MACRO lantern_date(s) AS
        CASE WHEN regexp_full_match(s, '{_DATE}') THEN try_cast(s AS DATE) END""",
    # Naive timestamps are Europe/London local time and stored as they are; a timestamp with
    # an offset is converted to London local time. A bare date means midnight.
    f"""CREATE OR REPLACE TEMP MACRO lantern_timestamp(s) AS CASE
        WHEN regexp_full_match(s, '{_DATE}') THEN try_cast(s AS DATE)::TIMESTAMP
        WHEN regexp_full_match(s, '{_DATE}[T ]{_TIME}') THEN try_cast(s AS TIMESTAMP)
        WHEN regexp_full_match(s, '{_DATE}[T ]{_TIME}{_OFFSET}')
            THEN timezone('Europe/London', try_cast(s AS TIMESTAMPTZ))
        END""",
    # NHS number: 10 digits (spaces allowed); weights 10..2 on the first nine digits, the
    # check digit is 11 - (sum mod 11), where 11 means 0 and 10 means the number is invalid.
    r"""CREATE OR REPLACE TEMP MACRO lantern_nhs_valid(s) AS (
        regexp_full_match(regexp_replace(s, '\s', '', 'g'), '\d{10}')
        AND (11 - list_sum([
                (ascii(substr(regexp_replace(s, '\s', '', 'g'), i, 1)) - 48) * (11 - i)
                FOR i IN range(1, 10)]) % 11) % 11
            = ascii(substr(regexp_replace(s, '\s', '', 'g'), 10, 1)) - 48)""",
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


# --- staging --------------------------------------------------------------------------------


def staged_columns(table: Table) -> list[str]:
    """The text columns of a staging table, after row_id, source_file and source_line."""
    extra = list(schema.PROTECTED_EXTRA_COLUMNS) if table.name == "people" else []
    return [*table.column_names, *extra, "attributes"]


def create_stage(con: duckdb.DuckDBPyConnection, table: Table, target: str) -> None:
    cols = ", ".join(f"{c} VARCHAR" for c in staged_columns(table))
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {target} (row_id BIGINT, source_file VARCHAR, "
        f"source_line BIGINT, {cols})"
    )


def _cleaned(column: Column | None, expr: str) -> str:
    """Empty strings mean unknown; identifiers and codes lose surrounding spaces."""
    if column is not None and column.kind in (schema.TEXT, schema.LIST):
        return f"nullif({expr}, '')"
    return f"nullif(trim({expr}), '')"


def stage_file(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    read: FileRead,
    target: str,
    problems: str,
) -> None:
    """Append the rows of one file to the staging table, noting header-level problems."""
    name = sql_string(read.file.name)
    if not read.has_header:
        values = " || ',' || ".join(f"coalesce(c{i}, '')" for i in range(len(read.header)))
        con.execute(
            f"""INSERT INTO {problems} SELECT {sql_string(table.name)}, {name}, source_line,
                NULL, left({values or "''"}, 200),
                {name} || ' line ' || source_line || ': the file has no header row, '
                  || 'so this row cannot be read', 'error', true
            FROM {read.target}"""
        )
        return
    if read.rows == 0 and not read.header:
        return
    position = {n: i for i, n in enumerate(read.header)}
    known = set(table.column_names) | (
        set(schema.PROTECTED_EXTRA_COLUMNS) if table.name == "people" else set()
    )
    notes: list[tuple[str, str]] = []
    for column in table.columns:
        if column.required and column.name not in position:
            notes.append(
                (
                    column.name,
                    f"{read.file.name} line 1, {column.name}: the header has no "
                    f"{column.name} column, which is required, so every row will be quarantined",
                )
            )
    unknown = [n for n in read.header if n not in known]
    for n in unknown:
        notes.append(
            (n, f"{read.file.name} line 1, {n}: not an interchange column; kept in attributes")
        )
    for n in schema.PROTECTED_EXTRA_COLUMNS:
        if n in position and table.name == "people":
            notes.append(
                (
                    n,
                    f"{read.file.name} line 1, {n}: a protected characteristic; held only "
                    "in equality_monitoring, never beside the record",
                )
            )
    for column_name, message in notes:
        con.execute(
            f"INSERT INTO {problems} VALUES (?, ?, 1, ?, NULL, ?, 'warning', false)",
            [table.name, read.file.name, column_name, message],
        )
    selects = []
    for c in staged_columns(table):
        if c == "attributes":
            if unknown:
                entries = ", ".join(
                    f"struct_pack(k := {sql_string(n)}, v := c{position[n]})" for n in unknown
                )
                selects.append(
                    f"nullif(to_json(map_from_entries(list_filter([{entries}], "
                    "lambda e: e.v IS NOT NULL AND e.v <> '')))::VARCHAR, '{}')"
                )
            else:
                selects.append("NULL")
        elif c in position:
            column = table.column(c) if c in table.column_names else None
            selects.append(_cleaned(column, f"c{position[c]}"))
        else:
            selects.append("NULL")
    offset = con.execute(f"SELECT count(*) FROM {target}").fetchone()[0]  # type: ignore[index]
    con.execute(
        f"INSERT INTO {target} SELECT {offset} + row_number() OVER (ORDER BY source_line), "
        f"{name}, source_line, {', '.join(selects)} FROM {read.target}"
    )


# --- rules ----------------------------------------------------------------------------------


def _shown(expr: str) -> str:
    """A value as quoted in a message: at most 80 characters."""
    return f"'''' || left({expr}, 80) || CASE WHEN length({expr}) > 80 THEN '…' ELSE '' END || ''''"


def _where(column: str) -> str:
    return f"source_file || ' line ' || source_line || ', {column}: '"


def _rule(stage: str, column: str, condition: str, message: str, severity: str = "error") -> str:
    """One rule: rows of `stage` meeting `condition` get `message` (SQL) about `column`."""
    return (
        f"SELECT row_id, {sql_string(column)} AS column_name, left({column}, 1000) AS value, "
        f"{_where(column)} || {message} AS message, {sql_string(severity)} AS severity "
        f"FROM {stage} WHERE {condition}"
    )


def _vocabulary_case(column: Column, expr: str) -> str:
    """The canonical vocabulary value for `expr`, NULL if unknown (or a synonym for unknown)."""
    whens = [f"WHEN {sql_string(v.lower())} THEN {sql_string(v)}" for v in column.vocabulary]
    whens += [
        f"WHEN {sql_string(raw)} THEN {sql_string(canon) if canon else 'NULL'}"
        for raw, canon in column.synonyms
    ]
    return f"CASE lower({expr}) {' '.join(whens)} END"


def _unknown_synonyms(column: Column) -> str:
    unknowns = [sql_string(raw) for raw, canon in column.synonyms if canon is None]
    return f"lower({column.name}) IN ({', '.join(unknowns)})" if unknowns else "false"


def typed_expression(column: Column, expr: str | None = None) -> str:
    """SQL turning the staged text of `column` into its stored value."""
    e = expr or column.name
    if column.kind == schema.AGENCY:
        return f"lower({e})"
    if column.kind == schema.DATE:
        return f"lantern_date({e})"
    if column.kind == schema.TIMESTAMP:
        return f"lantern_timestamp({e})"
    if column.kind == schema.INTEGER:
        return f"try_cast({e} AS INTEGER)"
    if column.kind == schema.DECIMAL:
        return f"try_cast({e} AS DOUBLE)"
    if column.kind == schema.VOCAB:
        if column.unknown_becomes == "other":
            return f"coalesce({_vocabulary_case(column, e)}, CASE WHEN {e} IS NOT NULL THEN 'other' END)"
        return _vocabulary_case(column, e)
    return e


def column_rules(table: Table, stage: str) -> list[str]:
    """The per-value rules for every column of `table`."""
    rules = []
    for column in table.columns:
        c = column.name
        v = _shown(c)
        rules.append(
            _rule(
                stage,
                c,
                f"length({c}) > {schema.MAX_FIELD_CHARS}",
                f"'value is ' || format('{{:,}}', length({c})) || ' characters long "
                f"(the limit is {schema.MAX_FIELD_CHARS:,})'",
            )
        )
        if column.required:
            rules.append(_rule(stage, c, f"{c} IS NULL", "'is empty, but it is required'"))
        if column.kind == schema.AGENCY:
            rules.append(
                _rule(
                    stage,
                    c,
                    f"NOT regexp_full_match(lower({c}), '{schema.AGENCY_PATTERN}')",
                    f"{v} || ' is not an agency code (expected lower-case letters, digits and _, "
                    "such as police or social_care)'",
                )
            )
        elif column.kind == schema.DATE:
            rules.append(
                _rule(
                    stage,
                    c,
                    f"{c} IS NOT NULL AND lantern_date({c}) IS NULL",
                    f"{v} || ' is not a date (expected YYYY-MM-DD)'",
                )
            )
        elif column.kind == schema.TIMESTAMP:
            rules.append(
                _rule(
                    stage,
                    c,
                    f"{c} IS NOT NULL AND lantern_timestamp({c}) IS NULL",
                    f"{v} || ' is not a date and time (expected ISO 8601 such as "
                    "2011-03-04T21:15:00, with or without an offset, or a date YYYY-MM-DD)'",
                )
            )
        elif column.kind in (schema.INTEGER, schema.DECIMAL):
            cast = "BIGINT" if column.kind == schema.INTEGER else "DOUBLE"
            what = "a whole number" if column.kind == schema.INTEGER else "a number"
            rules.append(
                _rule(
                    stage,
                    c,
                    f"{c} IS NOT NULL AND try_cast({c} AS {cast}) IS NULL",
                    f"{v} || ' is not {what}'",
                )
            )
            if column.minimum is not None:
                rules.append(
                    _rule(
                        stage,
                        c,
                        f"try_cast({c} AS {cast}) NOT BETWEEN {column.minimum} AND {column.maximum}",
                        f"{v} || ' is outside {column.minimum:g} to {column.maximum:g}'",
                    )
                )
        elif column.kind == schema.VOCAB:
            known = _vocabulary_case(column, c)
            unknown = f"{c} IS NOT NULL AND {known} IS NULL AND NOT {_unknown_synonyms(column)}"
            if column.unknown_becomes == "other":
                rules.append(
                    _rule(
                        stage,
                        c,
                        unknown,
                        f"{v} || ' is not a known {c.replace('_', ' ')}; stored as ''other'''",
                        "warning",
                    )
                )
            else:
                allowed = ", ".join(column.vocabulary)
                rules.append(_rule(stage, c, unknown, f"{v} || ' is not one of: {allowed}'"))
            if column.synonyms:
                rules.append(
                    _rule(
                        stage,
                        c,
                        _unknown_synonyms(column),
                        f"{v} || ' means unknown; stored as empty'",
                        "warning",
                    )
                )
        elif column.kind == schema.NHS_NUMBER:
            rules.append(
                _rule(
                    stage,
                    c,
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
                "upn IS NOT NULL AND length(trim(upn)) <> 13",
                f"{_shown('upn')} || ' is not a 13-character Unique Pupil Number; kept as given'",
                "warning",
            )
        )
    if table.name == "events":
        rules.append(
            _rule(
                stage,
                "ended_at",
                "lantern_timestamp(ended_at) < lantern_timestamp(occurred_at)",
                f"{_shown('ended_at')} || ' is before occurred_at ' || {_shown('occurred_at')}",
                "warning",
            )
        )
    return rules


def duplicate_rule(table: Table, stage: str) -> str:
    """A second row with the same key within one load is quarantined (the first one loads)."""
    key_typed = [typed_expression(table.column(k)) for k in table.key]
    partition = ", ".join(key_typed)
    ref = table.key[1]
    key_text = " || ', ' || ".join(
        f"'{k} ' || {_shown(typed_expression(table.column(k)))}" for k in table.key[1:]
    )
    return f"""
        SELECT row_id, {sql_string(ref)} AS column_name, {ref} AS value,
               {_where(ref)} || 'duplicate ' || {key_text} || ' for agency '
                 || lower(agency) || ' (first at ' || first_file || ' line ' || first_line || ')'
                 AS message,
               'error' AS severity
        FROM (
            SELECT *, row_number() OVER w AS n,
                   first_value(source_file) OVER w AS first_file,
                   first_value(source_line) OVER w AS first_line
            FROM {stage}
            WHERE {" AND ".join(f"{k} IS NOT NULL" for k in table.key)}
            WINDOW w AS (PARTITION BY {partition} ORDER BY row_id)
        ) WHERE n > 1
    """


def reference_rules(table: Table, stage: str, known_keys: dict[str, str]) -> list[str]:
    """Rows referring to an event or person that neither this load nor the store holds.

    `known_keys[t]` is a relation of (agency, <ref>) for table `t` that is accepted.
    """
    rules = []
    for column, (other, other_column) in table.references.items():
        rules.append(
            _rule(
                stage,
                column,
                f"agency IS NOT NULL AND {column} IS NOT NULL AND (lower(agency), {column}) NOT IN "
                f"(SELECT agency, {other_column} FROM {known_keys[other]})",
                f"{_shown(column)} || ' is not in {other} for agency ' || lower(agency)"
                " || ' (neither in this load nor already in the store)'",
            )
        )
    return rules


def issue_queries(table: Table, stage: str) -> list[str]:
    """Every row-level rule but references (those need the other tables' results)."""
    return [*column_rules(table, stage), duplicate_rule(table, stage)]


def quoted_list(values: Sequence[str]) -> str:
    return ", ".join(sql_string(v) for v in values)
