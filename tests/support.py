"""Helpers for tests (importable as `support`); fixtures live in conftest.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATASETS = Path(__file__).resolve().parent / "datasets"
EXAMPLES = ROOT / "examples"


def require_service(available: bool, what: str) -> None:
    """Skip when a service is missing locally; fail in CI (LANTERN_REQUIRE_SERVICES=1)."""
    if available:
        return
    if os.environ.get("LANTERN_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{what} is required here (LANTERN_REQUIRE_SERVICES=1) but is not available")
    pytest.skip(f"{what} is not available")
