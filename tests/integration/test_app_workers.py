"""Two worker processes over one SQLite operational store (see tests/app_workers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app_workers import check_two_workers


@pytest.mark.slow  # starts a real two-process server: about 45 s
def test_two_workers_share_sessions_csrf_throttling_and_one_audit_chain(tmp_path: Path) -> None:
    check_two_workers(tmp_path, f"sqlite:///{tmp_path / 'app.db'}")
