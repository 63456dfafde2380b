"""Named SQL steps: each writes one table, so every intermediate can be inspected.

The one way a stage writes a derived table: `create_table(con, name, sql, params)`, or a stage's
`Steps` (the same, counting rows and timing each step). Values go in `params` (`?` or `$name`),
never into the SQL text.

A caller above the stages may hand the steps to another engine for a while
(`steps_run_by(runner)`): each step is offered to the runner, which either writes the table
itself (its result read into this connection, with the types DuckDB would have given it) or
declines, and DuckDB runs it. The stages do not know: `lantern --engine spark` uses it.
"""

# ruff: noqa: S608  -- SQL here is assembled from the stages' constants and table names, never from input data

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol

import duckdb

from lantern.store.connection import table_exists

Params = Sequence[Any] | Mapping[str, Any] | None


class StepRunner(Protocol):
    def __call__(self, con: duckdb.DuckDBPyConnection, name: str, sql: str, params: Params) -> bool:
        """Write table `name` as `sql` would on `con` and say True, or say False (not run)."""
        ...


_runner: ContextVar[StepRunner | None] = ContextVar("lantern_step_runner", default=None)


@contextmanager
def steps_run_by(runner: StepRunner | None) -> Iterator[None]:
    """Offer every named step to `runner` inside the block (None: DuckDB runs them all)."""
    token = _runner.set(runner)
    try:
        yield
    finally:
        _runner.reset(token)


def create_table(
    con: duckdb.DuckDBPyConnection, name: str, sql: str, params: Params = None
) -> None:
    """One named step: `CREATE OR REPLACE TABLE name AS sql`, its values bound from `params`
    (by the runner of `steps_run_by` when one is set and takes it)."""
    runner = _runner.get()
    if runner is not None and runner(con, name, sql, params):
        return
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
