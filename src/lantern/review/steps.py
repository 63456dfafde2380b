"""A named SQL step: one statement that writes one table, so every table can be inspected."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb


@dataclass(frozen=True)
class Step:
    table: str
    sql: str
    description: str = ""

    def run(self, con: duckdb.DuckDBPyConnection) -> None:
        con.execute(f"CREATE OR REPLACE TABLE {self.table} AS {self.sql}")
