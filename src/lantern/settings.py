"""One settings object, built in a function and injected; never read at import time."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting Lantern reads, with its environment variable (`LANTERN_<NAME>`)."""

    model_config = SettingsConfigDict(env_prefix="LANTERN_", env_file=None, extra="ignore")

    store: Path = Field(Path("lantern.duckdb"), description="Path of the DuckDB analytical store.")
    database_url: str = Field(
        "sqlite:///lantern-app.db",
        description="SQLAlchemy URL of the operational store (users, alerts, decisions, audit).",
    )
    secret_key: str = Field(
        "",
        description="Key that signs sessions and CSRF tokens. Required unless demo mode is on.",
    )
    demo: bool = Field(False, description="Demo mode: allows a generated secret and demo users.")
    audit_key: str = Field(
        "",
        description="Key of the audit log's HMAC chain (kept outside the database). Required "
        "unless audit_key_file is set or demo mode is on.",
    )
    audit_key_file: Path | None = Field(
        None, description="File holding the audit log's HMAC key (instead of audit_key)."
    )
    audit_anchor: Path | None = Field(
        None,
        description="Append-only file of the audit chain's anchored heads (`lantern audit "
        "anchor`); `audit verify` and the audit page check the chain against it.",
    )
    threads: int = Field(2, description="Threads DuckDB may use.")
    memory_limit: str = Field("4GB", description="Memory DuckDB may use before spilling to disk.")
    web_threads: int = Field(
        4, description="Threads of each web app process that serve pages at the same time."
    )


def load_settings(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Build settings from `environ` (default: the process environment) plus explicit overrides."""
    if environ is None:
        return Settings(**overrides)  # type: ignore[arg-type]
    values = {
        name: environ[f"LANTERN_{name.upper()}"]
        for name in Settings.model_fields
        if f"LANTERN_{name.upper()}" in environ
    }
    values.update(overrides)  # type: ignore[arg-type]
    return Settings(**values)  # type: ignore[arg-type]
