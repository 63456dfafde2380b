"""Named SQL steps: each writes one table, so every intermediate can be inspected.

The one way a stage writes a derived table: `create_table(con, name, sql, params)`, or a stage's
`Steps` (the same, counting rows and timing each step). Values go in `params` (`?` or `$name`),
never into the SQL text.
"""

# ruff: noqa: S608  -- SQL here is assembled from the stages' constants and table names, never from input data

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from lantern.store.connection import table_exists

Params = Sequence[Any] | Mapping[str, Any] | None


def create_table(
    con: duckdb.DuckDBPyConnection, name: str, sql: str, params: Params = None
) -> None:
    """One named step: `CREATE OR REPLACE TABLE name AS sql`, its values bound from `params`."""
    con.execute(f"CREATE OR REPLACE TABLE {name} AS {sql}", params)


@dataclass
class Steps:
    con: duckdb.DuckDBPyConnection
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # wall time of each step

    def table(self, name: str, sql: str, params: Params = None) -> int:
        """`create_table(name, sql, params)`; remembers and returns its row count."""
        started = time.perf_counter()
        create_table(self.con, name, sql, params)
        count = self.con.execute(f"SELECT count(*) FROM {name}").fetchall()
        self.rows[name] = int(count[0][0])
        self.seconds[name] = round(time.perf_counter() - started, 3)
        return self.rows[name]

    def exists(self, name: str) -> bool:
        return table_exists(self.con, name)

    def columns(self, name: str) -> set[str]:
        return {
            row[0]
            for row in self.con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [name]
            ).fetchall()
        }
