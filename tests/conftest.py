"""Shared fixtures. Each test builds its own store; no test depends on another's leftovers."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """A path for a fresh DuckDB store, private to the test."""
    return tmp_path / "lantern.duckdb"
