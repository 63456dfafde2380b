"""Helpers for the Spark tests (importable as `spark_support`)."""

from __future__ import annotations

import importlib.util
import os

import pytest


def require_pyspark() -> None:
    """Skip when pyspark (the spark extra) is not installed; fail under `make test-all`
    (LANTERN_REQUIRE_SPARK=1), which installs it, so that run can never pass by skipping them."""
    if importlib.util.find_spec("pyspark") is not None:
        return
    if os.environ.get("LANTERN_REQUIRE_SPARK") == "1":
        pytest.fail("pyspark is required here (LANTERN_REQUIRE_SPARK=1) but is not installed")
    pytest.skip("the spark extra (pyspark) is not installed")
