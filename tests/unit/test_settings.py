from pathlib import Path

from lantern.settings import load_settings


def test_settings_come_from_the_given_environment_not_the_process():
    settings = load_settings({"LANTERN_STORE": "/tmp/x.duckdb", "LANTERN_DEMO": "true"})
    assert settings.store == Path("/tmp/x.duckdb")
    assert settings.demo is True


def test_overrides_win_over_the_environment():
    settings = load_settings({"LANTERN_THREADS": "8"}, threads=1)
    assert settings.threads == 1
