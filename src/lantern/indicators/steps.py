"""Named SQL steps: each writes one table, so every intermediate can be inspected."""

# ruff: noqa: S608  -- SQL here is assembled from this module's constants and table names, never from input data

from __future__ import annotations

import time
from dataclasses import dataclass, field

import duckdb

from lantern.store.connection import table_exists


@dataclass
class Steps:
    con: duckdb.DuckDBPyConnection
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # wall time of each step

    def table(self, name: str, sql: str) -> int:
        """`CREATE OR REPLACE TABLE name AS sql`; remembers and returns its row count."""
        started = time.perf_counter()
        self.con.execute(f"CREATE OR REPLACE TABLE {name} AS {sql}")
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
