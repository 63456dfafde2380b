"""A real `lantern serve` next to real `lantern run`s on one store (tests/e2e/test_live_*.py).

The Riverside example split by `recorded_at`: the base extract holds what was recorded before
20 March 2013 (Kayleigh is at band none); the whole example, loaded on top, is the delta that
raises her alert (band medium).
"""

from __future__ import annotations

import contextlib
import csv
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from app_harness import AUDIT_KEY, PASSWORD, SECRET
from app_workers import stop
from lantern.app import accounts, database
from support import EXAMPLES

ROOT = Path(__file__).resolve().parents[1]
RIVERSIDE = EXAMPLES / "riverside"
CUT = "2013-03-20"


def riverside_before(target: Path, cut: str = CUT) -> Path:
    """The Riverside example with only the events recorded before `cut` (and their links)."""
    (target / "events").mkdir(parents=True)
    shutil.copy(RIVERSIDE / "manifest.yaml", target)
    shutil.copy(RIVERSIDE / "people.csv", target)
    kept: set[tuple[str, str]] = set()
    for path in sorted((RIVERSIDE / "events").glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        keep = [r for r in rows if (r["recorded_at"] or r["occurred_at"]) < cut]
        kept |= {(r["agency"], r["event_ref"]) for r in keep}
        _write(target / "events" / path.name, list(rows[0]), keep)
    for name in ("event_people.csv", "event_things.csv"):
        with (RIVERSIDE / name).open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        _write(
            target / name, list(rows[0]), [r for r in rows if (r["agency"], r["event_ref"]) in kept]
        )
    return target


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def environment(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "LANTERN_DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
        "LANTERN_SECRET_KEY": SECRET,
        "LANTERN_AUDIT_KEY": AUDIT_KEY,
        "LANTERN_REFRESH_SECONDS": "0.5",
        "PYTHONPATH": str(ROOT / "src"),
    }


def lantern(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lantern.cli", *args], env=env, capture_output=True, text=True
    )


def add_analyst(tmp_path: Path) -> None:
    engine = database.make_engine(f"sqlite:///{tmp_path / 'app.db'}")
    database.migrate(engine)
    with database.session_factory(engine, AUDIT_KEY.encode())() as db:
        accounts.add_user(db, "ana", PASSWORD, "analyst")
        db.commit()
    engine.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    base: str
    client: httpx.Client
    process: subprocess.Popen[str]
    log: Path

    def page(self, path: str) -> str:
        response = self.client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.text[:500])
        return response.text

    def wait_for(self, path: str, pattern: str, seconds: float = 60) -> str:
        """The page once it shows `pattern` (the app moves to a new generation within a
        second or two of the switch)."""
        deadline = time.monotonic() + seconds
        while True:
            text = self.page(path)
            if re.search(pattern, text):
                return text
            assert self.process.poll() is None, self.log.read_text()
            assert time.monotonic() < deadline, f"{path} never showed {pattern!r}"
            time.sleep(0.3)


@contextlib.contextmanager
def serving(tmp_path: Path, store: Path, env: dict[str, str]) -> Iterator[Served]:
    """`lantern serve` on `store` in its own process, with the analyst signed in."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "lantern.cli", "serve", "--port", str(port), "--store",
         str(store), "--no-warm"],
        env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(base + "/sign-in", timeout=2).status_code == 200:
                    break
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        client = httpx.Client(base_url=base, timeout=30, follow_redirects=False)
        form = client.get("/sign-in").text
        token = re.search(r'name="csrf_token" value="([^"]*)"', form)
        assert token
        signed = client.post(
            "/sign-in", data={"username": "ana", "password": PASSWORD, "csrf_token": token[1]}
        )
        assert signed.status_code == 303, signed.text
        yield Served(base, client, process, log)
        client.close()
    finally:
        stop(process)
