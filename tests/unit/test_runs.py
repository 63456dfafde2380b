"""`lantern run`'s lock, exit status and log line, and what `lantern status` says of each
outcome (the runs themselves: tests/e2e/test_live_serve.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from lantern.cli import main
from lantern.runs import log_line, status
from lantern.store import generations


def test_the_log_line_is_logfmt_with_values_quoted_when_they_need_it() -> None:
    line = log_line({"outcome": "failed", "exit": 7, "error": 'StoreBusy: a "run"', "x": None})
    assert line == 'lantern-run outcome=failed exit=7 error="StoreBusy: a \\"run\\"" x=""'


def test_a_run_while_another_holds_the_lock_exits_7_and_says_so(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    held = generations.lock(store_path, "lantern run yesterday")
    try:
        assert main(["run", "--store", str(store_path)]) == 7
    finally:
        held.release()
    err = " ".join(capsys.readouterr().err.split())
    assert "lantern-run outcome=failed exit=7" in err
    assert f"process {os.getpid()} (lantern run yesterday" in err and "never overlap" in err


def test_a_recompute_with_no_store_says_to_give_an_extract(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--store", str(store_path)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "give an extract" in err and "lantern-run outcome=failed exit=2" in err
    assert not store_path.exists()  # nothing made current
    assert main(["status", "--store", str(store_path)]) == 1  # the run failed
    said = capsys.readouterr().out
    assert "last run: failed" in said and "give an extract" in said


def test_status_of_a_run_in_progress_and_of_one_that_was_killed(store_path: Path) -> None:
    with generations.writing(store_path, "lantern run day one"):
        pass  # generation 1
    log = generations.generations_dir(store_path) / "runs.jsonl"
    with log.open("a") as handle:  # a run that started and never finished (killed)
        handle.write(json.dumps({"event": "started", "pid": 999999, "purpose": "lantern run day "
                                 "two", "generation": 2, "at": "2026-12-07T06:00:00"}) + "\n")  # fmt: skip
    found = status(store_path)
    assert found["last_run"]["outcome"] == "did not finish"
    assert found["last_success"]["generation"] == 1
    assert found["current"]["generation"] == 1
    held = generations.lock(store_path, "lantern run day three")
    try:
        with log.open("a") as handle:
            handle.write(json.dumps({"event": "started", "pid": os.getpid(), "generation": 2,
                                     "purpose": "lantern run day three"}) + "\n")  # fmt: skip
        running = status(store_path)
        assert running["last_run"]["outcome"] == "running"
        assert running["lock"]["purpose"] == "lantern run day three"
    finally:
        held.release()


def test_status_of_no_store_exits_4(store_path: Path) -> None:
    assert main(["status", "--store", str(store_path)]) == 4
