"""A load is one transaction: killing the process or pressing Ctrl-C mid-load leaves the
store exactly as it was before the load."""

# ruff: noqa: S608 -- table names in these queries are the tests' own constants.

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import lantern
from ingest_factories import event, link, person, write_dataset
from lantern.store.connection import connect
from lantern.store.ingest import PAUSE_ENV, ingest
from support import EXAMPLES

TABLES = ["people", "events", "event_people", "event_things", "equality_monitoring",
          "quarantine", "load_warnings", "loads", "load_counts"]  # fmt: skip


def _snapshot(store: Path) -> dict[str, list]:
    con = connect(store, read_only=True)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}
    finally:
        con.close()


def _second_extract(tmp_path: Path) -> Path:
    return write_dataset(
        tmp_path / "second",
        people=[person(agency="police", person_ref="P1001", given_name="Changed"),
                person(agency="police", person_ref="NEW1")],
        events=[event(agency="police", event_ref="NEW-E1")],
        event_people=[link(agency="police", event_ref="NEW-E1", person_ref="NEW1")],
    )  # fmt: skip


def test_killing_the_process_mid_load_leaves_the_store_as_before(tmp_path, store_path):
    con = connect(store_path)
    ingest(con, EXAMPLES / "riverside")
    con.close()
    before = _snapshot(store_path)

    marker = tmp_path / "paused"
    env = dict(os.environ)
    env[PAUSE_ENV] = str(marker)
    env["PYTHONPATH"] = str(Path(lantern.__file__).resolve().parents[1])
    code = (
        "import sys; from lantern.store.connection import connect; "
        "from lantern.store.ingest import ingest; ingest(connect(sys.argv[1]), sys.argv[2])"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code, str(store_path), str(_second_extract(tmp_path))], env=env
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, "the load finished or failed before pausing"
            assert time.monotonic() < deadline, "the load never reached its pause"
            time.sleep(0.05)
        # everything is merged but not committed: kill it
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL

    assert _snapshot(store_path) == before
    # and the store still works: the same load now goes through
    con = connect(store_path)
    summary = ingest(con, _second_extract(tmp_path))
    assert summary.load_id == "L0002"
    assert (summary.total("new"), summary.total("changed")) == (3, 1)


def test_ctrl_c_mid_load_rolls_back(tmp_path, store_path):
    con = connect(store_path)
    ingest(con, EXAMPLES / "riverside")
    con.close()
    before = _snapshot(store_path)

    def interrupt(description: str, done: int, total: int) -> None:
        if description == "merged into history":
            raise KeyboardInterrupt

    con = connect(store_path)
    with pytest.raises(KeyboardInterrupt):
        ingest(con, _second_extract(tmp_path), progress=interrupt)
    con.close()
    assert _snapshot(store_path) == before


def test_after_an_interrupted_load_the_same_connection_loads_correctly(tmp_path):
    con = connect(":memory:")

    def interrupt(description: str, done: int, total: int) -> None:
        if description == "merged into history":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ingest(con, EXAMPLES / "riverside", progress=interrupt)
    assert con.execute("SELECT current_setting('preserve_insertion_order')").fetchone() == (True,)
    summary = ingest(con, EXAMPLES / "riverside")
    assert summary.total("quarantined") == 0
    assert con.execute(
        "SELECT source_line FROM people WHERE record_id = 'police:P1001'"
    ).fetchone() == (2,)
