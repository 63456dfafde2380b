"""What a newcomer hits first: a store another process holds, a port in use, a missing store.
Each message says what to do next."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from lantern.cli import main
from lantern.errors import StoreError
from lantern.store.connection import connect

HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("CREATE TABLE t (x INTEGER)")
print("holding", flush=True)
time.sleep(60)
"""


def test_a_store_held_by_another_process_names_it_and_says_to_stop_it(tmp_path: Path) -> None:
    store = tmp_path / "held.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(store)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        with pytest.raises(StoreError) as error:
            connect(store)
    finally:
        holder.kill()
        holder.wait()
    message = str(error.value)
    assert f"process {holder.pid} has the store open" in message
    assert "Stop that process" in message


def test_a_missing_store_says_how_to_build_one(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="lantern run DATASET --store"):
        connect(tmp_path / "none.duckdb", read_only=True)


def test_serve_on_a_port_in_use_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["serve", "--store", str(tmp_path / "none.duckdb"), "--port", str(port)])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in err
    assert "--port" in err
