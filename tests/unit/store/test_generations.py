"""Store generations: the switch, the lock, what a failed or killed writer leaves, upgrade of
a plain store file, and the clean-up that spares generations a reader holds open."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from lantern.resolve.decisions import record_decision
from lantern.store import generations
from lantern.store.connection import connect


def _write(store: Path, value: int, purpose: str = "test") -> generations.Generation:
    with generations.writing(store, purpose) as generation:
        con = connect(generation.path)
        con.execute("CREATE OR REPLACE TABLE t AS SELECT ? AS x", [value])
        con.close()
    return generation


def _value(store: Path) -> int:
    con = duckdb.connect(str(store), read_only=True)
    try:
        return con.execute("SELECT x FROM t").fetchone()[0]  # type: ignore[index]
    finally:
        con.close()


def test_a_writer_makes_the_next_generation_current_in_one_switch(store_path: Path) -> None:
    first = _write(store_path, 1)
    assert store_path.is_symlink() and first.number == 1
    assert generations.current(store_path) == first.path.resolve()
    assert _value(store_path) == 1
    second = _write(store_path, 2)
    assert second.number == 2 and second.base == first.path.resolve()
    assert _value(store_path) == 2
    # The generation carries what it is: number, when the run started and finished.
    con = duckdb.connect(str(store_path), read_only=True)
    stamp = generations.read_stamp(con)
    con.close()
    assert stamp is not None and stamp["generation"] == 2 and stamp["finished_at"]
    assert [e["outcome"] for e in generations.read_log(store_path) if "outcome" in e] == [
        "succeeded",
        "succeeded",
    ]


def test_a_writer_that_fails_leaves_the_current_generation_and_removes_its_copy(
    store_path: Path,
) -> None:
    _write(store_path, 1)
    with pytest.raises(RuntimeError), generations.writing(store_path, "test") as generation:
        con = connect(generation.path)
        con.execute("CREATE OR REPLACE TABLE t AS SELECT 99 AS x")
        con.close()
        raise RuntimeError("a stage failed")
    assert _value(store_path) == 1
    assert not generation.path.exists()
    last = generations.read_log(store_path)[-1]
    assert last["outcome"] == "failed" and "a stage failed" in last["error"]


def test_a_copy_a_killed_writer_left_is_removed_by_the_next(store_path: Path) -> None:
    _write(store_path, 1)
    folder = generations.generations_dir(store_path)
    (folder / "000002.duckdb").write_bytes(b"half a database")  # a run killed mid-way
    (folder / "000002.duckdb.wal").write_bytes(b"its log")
    third = _write(store_path, 3)
    assert third.number == 2 and _value(store_path) == 3
    assert not (folder / "000002.duckdb.wal").exists()


def test_reviewers_decisions_are_carried_into_every_generation(store_path: Path) -> None:
    _write(store_path, 1)
    with generations.writing(store_path, "lantern resolve decide") as generation:
        con = connect(generation.path)
        record_decision(con, "police:A", "health:B", "same", "Sam", "one child")
        con.close()
    _write(store_path, 2)  # a later run copies the generation it replaces
    con = duckdb.connect(str(store_path), read_only=True)
    assert con.execute("SELECT decided_by FROM resolve_decisions").fetchall() == [("Sam",)]
    con.close()


def test_a_store_from_before_generations_is_read_as_it_is_and_upgraded_once(
    store_path: Path,
) -> None:
    con = connect(store_path)
    con.execute("CREATE TABLE t AS SELECT 7 AS x")
    con.close()
    assert generations.current(store_path) == store_path  # read as it is
    with generations.writing(store_path, "test") as generation:
        con = connect(generation.path)
        assert con.execute("SELECT x FROM t").fetchone() == (7,)  # its content carried
        con.close()
    assert generation.details["upgraded_from"] == str(store_path)
    assert store_path.is_symlink() and _value(store_path) == 7


def test_two_writers_never_overlap(store_path: Path) -> None:
    held = generations.lock(store_path, "lantern run first")
    try:
        with pytest.raises(generations.StoreBusy) as refused:
            _write(store_path, 1)
        assert refused.value.exit_code == 7
        assert f"process {os.getpid()} (lantern run first" in str(refused.value)
        assert generations.lock_holder(store_path)["purpose"] == "lantern run first"  # type: ignore[index]
    finally:
        held.release()
    assert generations.lock_holder(store_path) is None
    _write(store_path, 1)  # free again


def test_the_lock_dies_with_its_process(store_path: Path, tmp_path: Path) -> None:
    code = (
        "import sys, time; from pathlib import Path; from lantern.store import generations; "
        f"generations.lock(Path({str(store_path)!r}), 'held'); print('held', flush=True); "
        "time.sleep(60)"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(generations.StoreBusy):
            generations.lock(store_path, "second")
    finally:
        holder.kill()
        holder.wait()
    generations.lock(store_path, "after the kill").release()


def test_old_generations_are_removed_unless_a_reader_holds_them_open(store_path: Path) -> None:
    _write(store_path, 1)
    first = generations.current(store_path)
    assert first is not None
    code = (
        "import duckdb, sys, time; "
        f"c = duckdb.connect({str(first)!r}, read_only=True); print('open', flush=True); "
        "sys.stdin.readline()"
    )
    reader = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "open"
        assert generations.held_open(first)
        _write(store_path, 2)
        _write(store_path, 3)  # generation 1 is now older than the two kept, but still read
        assert first.exists()
    finally:
        assert reader.stdin is not None
        reader.stdin.write("\n")
        reader.stdin.close()
        reader.wait()
    assert not generations.held_open(first)
    _write(store_path, 4)
    names = sorted(p.name for p in generations.generations_dir(store_path).glob("*.duckdb"))
    assert names == ["000003.duckdb", "000004.duckdb"]


def test_the_run_log_is_one_json_object_a_line(store_path: Path) -> None:
    _write(store_path, 1, purpose="lantern run X")
    lines = (generations.generations_dir(store_path) / "runs.jsonl").read_text().splitlines()
    entries = [json.loads(line) for line in lines]
    assert [e["event"] for e in entries] == ["started", "finished"]
    assert entries[1]["generation"] == 1 and entries[1]["purpose"] == "lantern run X"


def test_a_link_to_a_missing_generation_is_refused_not_started_again(store_path: Path) -> None:
    first = _write(store_path, 1)
    first.path.unlink()
    with pytest.raises(generations.StoreError, match="which is missing"):
        _write(store_path, 2)
    assert store_path.is_symlink()  # left as it was, for a person to restore


def test_what_a_writer_in_place_left_in_the_links_log_is_carried(store_path: Path) -> None:
    _write(store_path, 1)
    code = (
        "import duckdb, os, sys; c = duckdb.connect(sys.argv[1]); "
        "c.execute(\"SET checkpoint_threshold='1GB'\"); "
        "c.execute('CREATE OR REPLACE TABLE review_period AS SELECT 5 AS y'); os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", code, str(store_path)], check=True)  # killed in place
    with generations.writing(store_path, "test") as generation:
        con = connect(generation.path)
        assert con.execute("SELECT y FROM review_period").fetchone() == (5,)
        con.close()
    assert not Path(f"{store_path}.wal").exists()
    con = duckdb.connect(str(store_path), read_only=True)
    assert con.execute("SELECT y FROM review_period").fetchall() == [(5,)]
    con.close()


def test_a_store_written_in_place_meanwhile_is_not_copied(store_path: Path) -> None:
    _write(store_path, 1)
    code = (
        "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('writing', flush=True); "
        "sys.stdin.readline()"
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", code, str(store_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "writing"
        with pytest.raises(generations.StoreBusy, match="writing it in place"):
            _write(store_path, 2)
    finally:
        assert writer.stdin is not None
        writer.stdin.close()
        writer.wait()
    assert _value(store_path) == 1


def test_data_as_of_reads_the_history_or_else_the_table_itself(tmp_path: Path) -> None:
    """A store written straight to the contract's tables (no `events_history`) still says how
    fresh it is: the app's footer read "Data as of an unknown date" on such a store."""
    con = duckdb.connect(str(tmp_path / "s.duckdb"))
    assert generations.data_as_of(con) is None  # nothing recorded: nothing to say
    con.execute("CREATE TABLE events (event_id VARCHAR, recorded_at TIMESTAMP)")
    con.execute("INSERT INTO events VALUES ('a', '2026-12-01 10:30'), ('b', '2026-11-02 09:00')")
    assert str(generations.data_as_of(con)) == "2026-12-01 10:30:00"
    # where the history is kept, it is the one read (a deleted record's version counts too)
    con.execute("CREATE TABLE events_history (event_id VARCHAR, recorded_at TIMESTAMP)")
    con.execute("INSERT INTO events_history VALUES ('a', '2026-12-05 08:00')")
    assert str(generations.data_as_of(con)) == "2026-12-05 08:00:00"
    con.close()
