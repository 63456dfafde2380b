"""Choosing the engine: an unknown one is refused by name, and without pyspark `--engine spark`
says what to install (no Spark needed: these run in the fast suite)."""

from __future__ import annotations

import sys

import pytest

from lantern.cli import main
from lantern.errors import UserError
from lantern.pipeline import ENGINES, _engine
from support import EXAMPLES


def test_duckdb_needs_no_engine_and_an_unknown_one_is_refused() -> None:
    assert ENGINES == ("duckdb", "spark")
    assert _engine("duckdb") is None
    with pytest.raises(UserError, match="unknown engine 'flink': one of duckdb, spark"):
        _engine("flink")


def test_without_pyspark_the_spark_engine_says_what_to_install(monkeypatch, tmp_path) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)  # as if the extra were not installed
    with pytest.raises(UserError, match="install the spark extra"):
        _engine("spark")
    out = tmp_path / "out"
    code = main(["assess", str(EXAMPLES / "riverside"), "--out", str(out), "--engine", "spark"])
    assert code != 0
    assert not out.exists()  # nothing that looks like results
