"""The store as Parquet files: one file a table, read by DuckDB and by Spark alike.

`write_parquet(con, directory)` writes every table of the store (`<table>.parquet`), so a
region's results computed on one engine can be read by the other, or by any Parquet reader;
`open_parquet(directory)` is a DuckDB connection whose views are those files, for reading them
as the store's tables (`lantern assess --parquet`, docs/spark.md).

A table with an INTERVAL column is written as DuckDB writes it (Parquet's INTERVAL type), which
DuckDB reads and Spark 4 does not: the indicators' missing-episode windows are the only such
tables, and no stage after the indicators reads them.
"""

# ruff: noqa: S608  -- SQL here is assembled from the store's own table names

from __future__ import annotations

from pathlib import Path

import duckdb


def store_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The store's own tables (not temporary ones, not views), by name."""
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary "
        "AND database_name = current_database() AND schema_name = 'main' ORDER BY table_name"
    ).fetchall()
    return [str(r[0]) for r in rows]


def write_parquet(con: duckdb.DuckDBPyConnection, directory: Path | str) -> dict[str, int]:
    """Every table of the store as `directory/<table>.parquet`; rows written, by table."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    for table in store_tables(con):
        path = directory / f"{table}.parquet"
        quoted = str(path).replace("'", "''")
        con.execute(f"COPY (SELECT * FROM \"{table}\") TO '{quoted}' (FORMAT parquet)")
        written[table] = int(con.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0])
    return written


def open_parquet(directory: Path | str) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB whose views are the Parquet files of `directory`, by table name."""
    con = duckdb.connect()
    for path in sorted(Path(directory).glob("*.parquet")):
        # a view cannot take a bound value; the path is ours, its quotes doubled
        quoted = str(path.resolve()).replace("'", "''")
        con.execute(f"CREATE VIEW \"{path.stem}\" AS SELECT * FROM read_parquet('{quoted}')")
    return con
