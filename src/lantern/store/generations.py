"""Store generations: a run writes a new copy of the store beside the one being served, and
switches to it in one step when it commits.

DuckDB lets one process write a database file, and no other process read it meanwhile (its
file lock); and a process that opens the same path twice gets the same database back (its
instance cache), so a file replaced under one name cannot be reopened by a reader. So the
store the user names (`--store S`, e.g. `lantern.duckdb`) is a symbolic link to the current
generation, a file of its own name:

    S                  -> S.generations/000042.duckdb   (the current generation)
    S.generations/     000041.duckdb  000042.duckdb  lock  runs.jsonl

A writer (`writing`) takes the lock (`lock`: two writers never overlap), copies the current
generation to the next number, lets the caller work on the copy, stamps it (`lantern_generation`:
its number, when the run started and finished, and the latest `recorded_at` it holds), and
replaces the link (a new link renamed over the old one: atomic). Readers (the web app) keep
the generation they opened until they look at the link again. A writer that fails removes its
copy; one that is killed leaves it, and the next writer removes it: the current generation is
never written in place, so nothing is lost. Generations older than the one before the current
are removed once no process holds them open (DuckDB's lock on the file says so).

A store made before generations (S a plain file) is read as it is, and the first writer
upgrades it: S's content is copied into generation 1 and S becomes the link.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import struct
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from lantern.errors import StoreError

GENERATION_TABLE = "lantern_generation"
NAME = re.compile(r"^(\d{6})\.duckdb$")
KEEP = 2  # the current generation and the one before (a reader may be about to open it)


class StoreBusy(StoreError):
    """Another run holds the store's lock: two runs never overlap."""

    exit_code = 7


def generations_dir(store: Path) -> Path:
    """The folder beside S that holds its generations, lock and run log."""
    return store.with_name(store.name + ".generations")


def current(store: Path) -> Path | None:
    """The file a reader opens now: the generation S links to, S itself if it is a plain file
    (a store made before generations), or None when there is no store."""
    if store.is_symlink():
        target = store.resolve()
        return target if target.exists() else None
    return store if store.exists() else None


def number_of(path: Path | None) -> int | None:
    """A generation's number from its file name (None for a plain store file)."""
    match = NAME.match(path.name) if path is not None else None
    return int(match.group(1)) if match else None


def _generation_files(folder: Path) -> dict[int, Path]:
    if not folder.is_dir():
        return {}
    found = {}
    for path in folder.iterdir():
        match = NAME.match(path.name)
        if match:
            found[int(match.group(1))] = path
    return found


# the lock ---------------------------------------------------------------------------------------


@dataclass
class Lock:
    """The store's write lock, held while `fd` is open (flock: the kernel drops it when the
    process ends, however it ends, so a killed run leaves no stale lock)."""

    fd: int
    path: Path

    def release(self) -> None:
        with contextlib.suppress(OSError):
            os.ftruncate(self.fd, 0)
        os.close(self.fd)


def lock(store: Path, purpose: str) -> Lock:
    """Take the store's write lock, or raise `StoreBusy` naming the process that holds it."""
    folder = generations_dir(store)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = lock_holder(store)
        os.close(fd)
        who = (
            f"process {holder.get('pid')} ({holder.get('purpose')}, since {holder.get('started_at')})"
            if holder
            else "another process"
        )
        raise StoreBusy(
            f"{store}: {who} is writing this store, and two runs never overlap. Nothing was "
            "done; run this again when it has finished (`lantern status` says when)"
        ) from None
    holder = {"pid": os.getpid(), "purpose": purpose, "started_at": _now()}
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(holder).encode(), 0)
    return Lock(fd, path)


def lock_holder(store: Path) -> dict[str, Any] | None:
    """Who holds the store's lock now ({pid, purpose, started_at}), or None when nobody does."""
    path = generations_dir(store) / "lock"
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            text = os.pread(fd, 4096, 0).decode(errors="replace")
            try:
                return json.loads(text) if text else {}  # type: ignore[no-any-return]
            except json.JSONDecodeError:
                return {}
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


# readers' locks on generation files ---------------------------------------------------------------


def held_open(path: Path, *, for_writing: bool = False) -> bool:
    """Whether another process holds DuckDB's lock on `path` (a reader, such as the web app,
    has it open; `for_writing`: a writer has), asked with F_GETLK, which takes nothing."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        # A read lock conflicts only with a writer's lock; a write lock with anyone's.
        kind = fcntl.F_RDLCK if for_writing else fcntl.F_WRLCK
        probe = struct.pack("hhqqi", kind, os.SEEK_SET, 0, 0, 0)
        answer = fcntl.fcntl(fd, fcntl.F_GETLK, probe)
        return struct.unpack("hhqqi", answer)[0] != fcntl.F_UNLCK
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    for each in (path, Path(f"{path}.wal"), Path(f"{path}.tmp")):
        with contextlib.suppress(FileNotFoundError):
            each.unlink()


def clean_up(store: Path) -> list[Path]:
    """Remove generations no reader needs: every one older than the `KEEP` newest, unless a
    process still holds it open (removed by a later run instead). Returns those removed."""
    files = _generation_files(generations_dir(store))
    keep = set(sorted(files)[-KEEP:])
    now = current(store)
    removed = []
    for number, path in sorted(files.items()):
        if number in keep or path == now or held_open(path):
            continue
        _remove(path)
        removed.append(path)
    return removed


# writing a generation -------------------------------------------------------------------------


@dataclass
class Generation:
    """A generation being written: its file, number, and the one it was copied from."""

    store: Path
    path: Path
    number: int
    base: Path | None
    started_at: str
    purpose: str
    details: dict[str, Any] = field(default_factory=dict)  # written into the run log


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _copy(store: Path, base: Path, target: Path) -> None:
    """Copy a generation. A write-ahead log left beside it, or beside the link (a command that
    writes in place through S, such as `lantern review --store S`, killed before it closed),
    comes too: DuckDB replays it when the copy is opened, so nothing it wrote is lost."""
    tmp = Path(f"{target}.tmp")
    shutil.copyfile(base, tmp)
    for wal in (Path(f"{base}.wal"), Path(f"{store}.wal")):
        if wal.exists():
            shutil.copyfile(wal, Path(f"{target}.wal"))
            break
    os.replace(tmp, target)


def data_as_of(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """The latest `recorded_at` the store holds: how fresh the extract behind it is.

    Read from each table's history (every version, a deleted record's too) where the store
    keeps one, else from the table itself: a store written straight to the contract's tables
    (the app's test county, an engine that keeps no history) still has a date, not none."""
    from lantern.store.tables import STORED_TABLES

    present = {
        name
        for (name,) in con.execute(
            "SELECT table_name FROM information_schema.columns WHERE column_name = 'recorded_at'"
        ).fetchall()
    }
    parts = [
        f"SELECT max(recorded_at) AS t FROM {name}"  # noqa: S608 - names from our own list
        for t in STORED_TABLES
        for name in ([t.history] if t.history in present else [t.name] if t.name in present else [])
    ]
    if not parts:
        return None
    row = con.execute(f"SELECT max(t) FROM ({' UNION ALL '.join(parts)})").fetchone()  # noqa: S608
    return row[0] if row else None


def stamp(con: duckdb.DuckDBPyConnection, generation: Generation) -> dict[str, Any]:
    """Write what the app shows as "data as of" into the generation itself, so a reader's
    snapshot and its description can never disagree."""
    finished = _now()
    as_of = data_as_of(con)
    con.execute(
        f"CREATE OR REPLACE TABLE {GENERATION_TABLE} (generation INTEGER, purpose VARCHAR, "
        "started_at VARCHAR, finished_at VARCHAR, data_as_of TIMESTAMP)"
    )
    con.execute(
        f"INSERT INTO {GENERATION_TABLE} VALUES (?, ?, ?, ?, ?)",  # noqa: S608
        [generation.number, generation.purpose, generation.started_at, finished, as_of],
    )
    return {"finished_at": finished, "data_as_of": as_of.isoformat() if as_of else None}


def read_stamp(con: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    """The generation's stamp ({generation, purpose, started_at, finished_at, data_as_of}), or
    None for a store written before generations."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [GENERATION_TABLE]
    ).fetchone()
    if not exists or not exists[0]:
        return None
    cursor = con.execute(f"SELECT * FROM {GENERATION_TABLE}")  # noqa: S608
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cursor.description or []], row, strict=True))


def _switch(store: Path, target: Path) -> None:
    """Point S at `target` in one step: a new link renamed over the old link (or plain file)."""
    link = store.with_name(f".{store.name}.link-{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        link.unlink()
    os.symlink(os.path.relpath(target, store.parent), link)
    os.replace(link, store)
    _fsync_dir(store.parent)


def _log(store: Path, entry: dict[str, Any]) -> None:
    """Append one JSON line to the run log (`lantern status` reads it)."""
    path = generations_dir(store) / "runs.jsonl"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, default=str) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def read_log(store: Path, last: int = 50) -> list[dict[str, Any]]:
    """The run log's last entries, oldest first (lines a crash cut short are skipped)."""
    path = generations_dir(store) / "runs.jsonl"
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines()[-last * 2 :]:
        with contextlib.suppress(json.JSONDecodeError):
            entries.append(json.loads(line))
    return entries[-last:]


@contextlib.contextmanager
def writing(store: Path | str, purpose: str) -> Iterator[Generation]:
    """Write the next generation of `store`: yields it (open `generation.path`, work, close);
    when the block ends normally the generation is stamped and made current. If the block
    raises (or the process is killed) the current generation is untouched."""
    store = Path(store)
    held = lock(store, purpose)
    generation: Generation | None = None
    switched = False
    try:
        folder = generations_dir(store)
        files = _generation_files(folder)
        base = current(store)
        if base is None and store.is_symlink():  # never start again from nothing
            raise StoreError(
                f"{store} links to {os.readlink(store)}, which is missing: restore that "
                f"generation from a backup (or remove the link to start a new store)"
            )
        for number, path in files.items():  # left by a run that was killed: never current
            if path != base and number > (number_of(base) or 0):
                _remove(path)
        files = _generation_files(folder)
        number = max([*files, number_of(base) or 0]) + 1
        generation = Generation(
            store, folder / f"{number:06d}.duckdb", number, base, _now(), purpose
        )
        _log(store, {"event": "started", "pid": os.getpid(), "purpose": purpose,
                     "generation": number, "at": generation.started_at})  # fmt: skip
        if base is not None:
            if held_open(base, for_writing=True):
                raise StoreBusy(
                    f"{store}: another process is writing it in place (`lantern review --store` "
                    "or `lantern assess --store`); run this again when it has finished"
                )
            _copy(store, base, generation.path)
        began = time.perf_counter()
        yield generation
        con = duckdb.connect(str(generation.path))
        try:
            generation.details.update(stamp(con, generation))
            con.execute("CHECKPOINT")
        finally:
            con.close()
        if Path(f"{generation.path}.wal").exists():
            raise StoreError(f"{generation.path}: still has a write-ahead log after closing")
        _fsync(generation.path)
        upgraded = base is not None and number_of(base) is None
        _switch(store, generation.path)
        switched = True
        # A log a writer in place left beside the link is in the new generation now: replayed
        # again onto it, it would apply twice.
        Path(f"{store}.wal").unlink(missing_ok=True)
        generation.details["seconds"] = round(time.perf_counter() - began, 2)
        _log(store, {"event": "finished", "outcome": "succeeded", "pid": os.getpid(),
                     "purpose": purpose, "generation": number, **generation.details})  # fmt: skip
        if upgraded:
            generation.details["upgraded_from"] = str(base)
        clean_up(store)
    except BaseException as error:
        if generation is not None and not switched:
            _remove(generation.path)
            _log(store, {"event": "finished", "outcome": "failed", "pid": os.getpid(),
                         "purpose": purpose, "generation": generation.number,
                         "error": f"{type(error).__name__}: {error}"[:500],
                         **generation.details})  # fmt: skip
        raise
    finally:
        held.release()
