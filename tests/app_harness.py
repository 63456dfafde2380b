"""Building the web app over the hand-written county, and signing in with a test client."""

from __future__ import annotations

import atexit
import hashlib
import json
import re
import shutil
import tempfile
from datetime import datetime
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from app_county import County, build_county, make_live
from lantern.app import accounts
from lantern.app.accounts import Throttle
from lantern.app.policy import ROLES
from lantern.app.web import create_app
from lantern.settings import load_settings

PASSWORD = "correct horse battery staple"
SECRET = "s" * 48
AUDIT_KEY = "k" * 48
ROLE_USERS = {
    "analyst": ("ana", None),
    "practitioner": ("pat", "social_care"),
    "supervisor": ("sue", None),
    "auditor": ("aud", None),
    "admin": ("adm", None),
}


# Cheap argon2 parameters keep the suite fast; production uses argon2-cffi's defaults.
accounts.use_password_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@cache
def _county_template(live: bool = False) -> County:
    directory = Path(tempfile.mkdtemp(prefix="lantern-app-county-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    county = build_county(directory / "county.duckdb")
    if live:
        county.days_moved = make_live(county.path)
    return county


def fresh_county(tmp_path: Path, live: bool = False) -> County:
    """A private copy of the county (built once per test process). `live`: moved in time to end
    in the week before today, as `make demo`'s county is (`app_county.make_live`); otherwise
    as written, in 2011, so tests can name its dates."""
    template = _county_template(live)
    path = tmp_path / "county.duckdb"
    shutil.copy(template.path, path)
    county = County(path=path)
    county.children = list(template.children)
    county.days_moved = template.days_moved
    return county


def make_app(
    tmp_path: Path, database_url: str | None = None, **options: object
) -> tuple[FastAPI, County]:
    county = fresh_county(tmp_path, live=bool(options.pop("live", False)))
    prepare = options.pop("prepare", None)
    if prepare is not None:  # change the store before the app opens it read-only
        prepare(county)
    settings = load_settings(
        {},
        store=county.path,
        database_url=database_url or f"sqlite:///{tmp_path / 'app.db'}",
        secret_key=SECRET,
        audit_key=AUDIT_KEY,
    )
    app = create_app(settings, throttle=options.pop("throttle", Throttle()), **options)  # type: ignore[arg-type]
    with app.state.lantern.session() as db:
        for role, (username, agency) in ROLE_USERS.items():
            if role not in ROLES:  # (run against an older Lantern to see a test fail there)
                continue
            accounts.add_user(
                db, username, PASSWORD, role, display_name=username.title(), agency=agency
            )
        accounts.add_user(db, "sue2", PASSWORD, "supervisor", display_name="Sue Two")
    return app, county


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]*)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def signed_in(app: FastAPI, username: str, password: str = PASSWORD) -> TestClient:
    client = TestClient(app, base_url="http://127.0.0.1")
    page = client.get("/sign-in")
    response = client.post(
        "/sign-in",
        data={
            "username": username,
            "password": password,
            "csrf_token": csrf_of(page.text),
            "next": "/",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


def write_unkeyed_entries(engine, count: int) -> None:  # type: ignore[no-untyped-def]
    """Entries as Lantern wrote them before migration 0002: a plain SHA-256 chain."""
    prev = "0" * 64
    with engine.begin() as conn:
        for n in range(1, count + 1):
            at = datetime(2026, 11, 30, 9, 0, n)
            fields = [
                prev,
                at.isoformat(timespec="microseconds"),
                "ana",
                "view_child",
                f"P{n}",
                "{}",
            ]
            payload = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
            digest = hashlib.sha256(payload.encode()).hexdigest()
            conn.execute(
                text(
                    "INSERT INTO audit_log (at, actor, action, subject, detail, prev_hash, hash) "
                    "VALUES (:at, 'ana', 'view_child', :subject, '{}', :prev, :hash)"
                ),
                {"at": at, "subject": f"P{n}", "prev": prev, "hash": digest},
            )
            prev = digest
        conn.execute(
            text("UPDATE audit_head SET last_id = :id, last_hash = :hash WHERE id = 1"),
            {"id": count, "hash": prev},
        )
