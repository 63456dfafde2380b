"""`steps_run_by`: a named step offered to another engine, DuckDB's when it declines."""

from __future__ import annotations

import duckdb

from lantern.store.steps import Params, Steps, create_table, steps_run_by


class Recorder:
    """Takes the steps named in `takes` (writing a marker row), declines the rest."""

    def __init__(self, takes: set[str]) -> None:
        self.takes = takes
        self.offered: list[str] = []

    def __call__(self, con: duckdb.DuckDBPyConnection, name: str, sql: str, params: Params) -> bool:
        self.offered.append(name)
        if name not in self.takes:
            return False
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT 'runner' AS who")
        return True


def test_a_declined_step_runs_on_duckdb_and_a_taken_one_does_not() -> None:
    con = duckdb.connect()
    runner = Recorder({"taken"})
    with steps_run_by(runner):
        create_table(con, "taken", "SELECT 'duckdb' AS who")
        Steps(con).table("declined", "SELECT ? AS who", ["duckdb"])
    assert runner.offered == ["taken", "declined"]
    assert con.execute("SELECT who FROM taken").fetchall() == [("runner",)]
    assert con.execute("SELECT who FROM declined").fetchall() == [("duckdb",)]


def test_outside_the_block_no_runner_is_offered_a_step() -> None:
    con = duckdb.connect()
    runner = Recorder({"after"})
    with steps_run_by(runner):
        pass
    create_table(con, "after", "SELECT 'duckdb' AS who")
    assert runner.offered == []
    assert con.execute("SELECT who FROM after").fetchall() == [("duckdb",)]
