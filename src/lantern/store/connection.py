"""Opening the DuckDB analytical store."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb

from lantern.errors import StoreError
from lantern.settings import DEFAULT_MEMORY_LIMIT, DEFAULT_THREADS, Settings
from lantern.store.contract import check_version


def connect(
    path: Path | str = ":memory:",
    *,
    read_only: bool = False,
    threads: int = DEFAULT_THREADS,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    rederive: bool = False,
) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the store at `path`; `":memory:"` for a throwaway store.
    `rederive`: every derived table is about to be written again, so a store from an older
    Lantern opens (`lantern.store.contract.check_version`)."""
    if str(path) != ":memory:":
        path = Path(path)
        if read_only and not path.exists():
            raise StoreError(
                f"{path}: no store here; build one with `lantern run DATASET --store {path}` "
                "(or `make demo` for the synthetic county in demo-data/lantern.duckdb)"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as error:
        raise StoreError(_cannot_open(path, error)) from error
    con.execute("SET threads = ?", [int(threads)])
    con.execute("SET memory_limit = ?", [memory_limit])
    con.execute("SET TimeZone = 'Europe/London'")
    try:  # once per open: a store from another Lantern is refused here, not read by fallbacks
        check_version(con, path, read_only=read_only, rederive=rederive)
    except StoreError:
        con.close()
        raise
    return con


def open_store(settings: Settings, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """The store the settings name, with the threads and memory they allow."""
    return connect(
        settings.store,
        read_only=read_only,
        threads=settings.threads,
        memory_limit=settings.memory_limit,
    )


@contextlib.contextmanager
def writing_store(settings: Settings, purpose: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """The store the settings name, open for writing as its next generation
    (`lantern.store.generations`): the web app keeps reading the current one meanwhile, the
    new one becomes current when the block ends normally, and a block that raises changes
    nothing. Refused (`StoreBusy`, exit 7) while another run or command writes the store."""
    from lantern.store.generations import writing

    with writing(settings.store, purpose) as generation:
        con = connect(generation.path, threads=settings.threads, memory_limit=settings.memory_limit)
        try:
            yield con
        finally:
            con.close()


def existing_tables(con: duckdb.DuckDBPyConnection, *, main_only: bool = True) -> set[str]:
    """The tables and views in the store (`main_only` False: temporary ones too)."""
    where = " WHERE table_schema = 'main'" if main_only else ""
    rows = con.execute(f"SELECT table_name FROM information_schema.tables{where}").fetchall()  # noqa: S608
    return {name for (name,) in rows}


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the store holds a table (or view) called `name`: stages read optional inputs."""
    rows = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchall()
    return bool(rows[0][0])


def column_exists(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    """Whether `table` has `column`: readers of a store written before the column was added."""
    rows = con.execute(
        "SELECT count(*) FROM information_schema.columns WHERE table_name = ? AND column_name = ?",
        [table, column],
    ).fetchall()
    return bool(rows[0][0])


def _cannot_open(path: Path | str, error: Exception) -> str:
    """What to do when DuckDB refuses the file; a lock held by another process is the usual case."""
    text = str(error)
    if "lock" not in text.lower():
        return f"{path}: cannot open the store ({text})"
    holder = re.search(r"\(PID (\d+)\)", text)
    who = f"process {holder.group(1)}" if holder else "another process"
    return (
        f"{path}: {who} has the store open (the web app reads it; `lantern assess --store`, and "
        "`lantern review --store` on a plain store file, write in place while they run). Stop "
        "that process "
        "(Ctrl-C in its terminal) or wait for it to finish, then run this again. `lantern run` "
        "and the stage commands do not meet this: they write a new store generation beside the "
        "one being read (docs/operations.md)"
    )
