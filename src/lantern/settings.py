"""One settings object, built in a function and injected; never read at import time.

The command line and the web app read the same `Settings`: every command's `--store`
(`StoreOption`, defined here once) falls back to `LANTERN_STORE`, and the stores a command opens
get `LANTERN_THREADS` and `LANTERN_MEMORY_LIMIT` (`lantern.store.connection.open_store`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import typer
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# The defaults, each written once: `Settings` and `lantern.store.connection.connect` use them.
DEFAULT_STORE = Path("lantern.duckdb")
DEFAULT_THREADS = 2
DEFAULT_MEMORY_LIMIT = "4GB"


class Settings(BaseSettings):
    """Every setting Lantern reads, with its environment variable (`LANTERN_<NAME>`)."""

    model_config = SettingsConfigDict(env_prefix="LANTERN_", env_file=None, extra="ignore")

    store: Path = Field(DEFAULT_STORE, description="Path of the DuckDB analytical store.")
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
    threads: int = Field(DEFAULT_THREADS, description="Threads DuckDB may use.")
    memory_limit: str = Field(
        DEFAULT_MEMORY_LIMIT, description="Memory DuckDB may use before spilling to disk."
    )
    web_threads: int = Field(
        4, description="Threads of each web app process that serve pages at the same time."
    )
    refresh_seconds: float = Field(
        2.0,
        description="How often the web app looks for a new store generation (a run that "
        "finished) and moves to it.",
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


# The analytical store option every command shares (`lantern assess --store` and `lantern review
# --store` are other options: a store to keep, a store to review instead of running the pipeline).
StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store", help="DuckDB analytical store (default: LANTERN_STORE, or lantern.duckdb)."
    ),
]


def command_settings(store: Path | None = None, **overrides: object) -> Settings:
    """A command's settings: the process environment, with `--store` (when given) over it."""
    if store is not None:
        overrides["store"] = store
    return load_settings(None, **overrides)
