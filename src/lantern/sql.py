"""Quoting SQL literals: the one place Lantern writes a value into SQL text.

A value from a dataset, a date, a setting or a rules file is bound as a `?` (or `$name`)
parameter wherever DuckDB takes one. These are for the places it does not: a table function's
file path (`read_csv('…')`), a DDL statement, and SQL assembled once from constants (vocabulary
`CASE` tables, rules files' lists of codes) that is then run many times.
"""

from __future__ import annotations

from collections.abc import Iterable


def sql_string(value: str) -> str:
    """A SQL string literal, quotes doubled: `'it''s'`."""
    return "'" + value.replace("'", "''") + "'"


def sql_values(values: Iterable[str]) -> str:
    """String literals separated by commas, for `x IN (…)`: `'a', 'b'`."""
    return ", ".join(sql_string(v) for v in values)


def sql_list(values: Iterable[str]) -> str:
    """A DuckDB list literal of strings, for `x IN [...]` and `unnest([...])`: `['a', 'b']`."""
    return "[" + sql_values(values) + "]"
