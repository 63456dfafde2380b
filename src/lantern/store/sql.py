"""SQL text the stages share."""

from __future__ import annotations

from collections.abc import Iterable


def sql_list(values: Iterable[str]) -> str:
    """A DuckDB list literal of strings from trusted data (rules files, constants), quotes
    escaped: `['a', 'b']`, for `x IN [...]` and `unnest([...])`."""
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"
