"""A review step declared with its description (for the progress bar): one statement that writes
one table through `lantern.store.steps.create_table`, so every table can be inspected."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from lantern.store.steps import create_table


@dataclass(frozen=True)
class Step:
    table: str
    sql: str
    description: str = ""

    def run(self, con: duckdb.DuckDBPyConnection) -> None:
        create_table(con, self.table, self.sql)
