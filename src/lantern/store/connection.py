"""Opening the DuckDB analytical store."""

from __future__ import annotations

from pathlib import Path

import duckdb

from lantern.errors import StoreError


def connect(
    path: Path | str = ":memory:",
    *,
    read_only: bool = False,
    threads: int = 2,
    memory_limit: str = "4GB",
) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the store at `path`; `":memory:"` for a throwaway store."""
    if str(path) != ":memory:":
        path = Path(path)
        if read_only and not path.exists():
            raise StoreError(f"{path}: no store here; run `lantern ingest` first")
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as error:
        raise StoreError(f"{path}: cannot open the store ({error})") from error
    con.execute(f"SET threads = {int(threads)}")
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET TimeZone = 'Europe/London'")
    return con


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the store holds a table (or view) called `name`: stages read optional inputs."""
    rows = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchall()
    return bool(rows[0][0])
