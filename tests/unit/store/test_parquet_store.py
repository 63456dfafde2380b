"""The store as Parquet: every table written, and read back by DuckDB the same."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from lantern.store.parquet import open_parquet, store_tables, write_parquet


def test_every_store_table_round_trips_through_parquet(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "store.duckdb"))
    con.execute(
        "CREATE TABLE assessments AS SELECT * FROM (VALUES "
        "('P1', 'high', TIMESTAMP '2012-03-04 05:06:07', ['a', 'b']), "
        "('P2', NULL, NULL, [])) t(person_id, band, first_flagged_at, reasons)"
    )
    con.execute("CREATE TABLE networks AS SELECT 1 AS network_id, {'n': 2} AS members")
    con.execute("CREATE TEMP TABLE scratch AS SELECT 1 AS x")  # not the store's
    con.execute("CREATE VIEW recent AS SELECT * FROM assessments")  # not a table
    assert store_tables(con) == ["assessments", "networks"]

    written = write_parquet(con, tmp_path / "parquet")

    assert written == {"assessments": 2, "networks": 1}
    read = open_parquet(tmp_path / "parquet")
    for table in written:
        ours = con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()  # noqa: S608
        theirs = read.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()  # noqa: S608
        assert theirs == ours
    assert read.execute(
        "SELECT first_flagged_at FROM assessments WHERE person_id = 'P1'"
    ).fetchall() == [(datetime(2012, 3, 4, 5, 6, 7),)]
