"""The app's commands: users add, alerts sync, audit verify (tamper makes it fail)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app_harness import AUDIT_KEY, fresh_county
from lantern.cli import main


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    county = fresh_county(tmp_path)
    db = tmp_path / "app.db"
    monkeypatch.setenv("LANTERN_STORE", str(county.path))
    monkeypatch.setenv("LANTERN_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("LANTERN_AUDIT_KEY", AUDIT_KEY)
    return db


def test_users_add_alerts_sync_and_audit_verify(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "users",
                "add",
                "jo",
                "--role",
                "practitioner",
                "--agency",
                "police",
                "--password",
                "a long enough password",
            ]
        )
        == 0
    )
    assert main(["alerts", "sync"]) == 0
    assert "5 new" in capsys.readouterr().out
    assert main(["alerts", "sync"]) == 0
    assert "0 new" in capsys.readouterr().out
    assert main(["audit", "verify"]) == 0
    assert "chain intact" in capsys.readouterr().out
    engine = create_engine(f"sqlite:///{env}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET detail = '{}' WHERE action = 'user_added'"))
    engine.dispose()
    assert main(["audit", "verify"]) == 6
    assert "TAMPERED with: entry 1" in capsys.readouterr().err


def test_users_add_refuses_a_weak_password(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["users", "add", "jo", "--role", "analyst", "--password", "short"]) == 2
    assert "at least 12 characters" in capsys.readouterr().err


def test_serve_refuses_to_start_without_a_secret(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("LANTERN_SECRET_KEY", raising=False)
    assert main(["serve", "--port", "0"]) == 5
    assert "LANTERN_SECRET_KEY" in capsys.readouterr().err


def test_a_worker_process_builds_its_app_from_the_environment(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    from lantern.app.web import app_for_worker

    monkeypatch.setenv("LANTERN_SECRET_KEY", "w" * 48)
    monkeypatch.setenv("LANTERN_APP_WARM", "0")
    assert main(["alerts", "sync"]) == 0
    app = app_for_worker()
    assert TestClient(app).get("/sign-in").status_code == 200
    app.state.lantern.analytics.close()
