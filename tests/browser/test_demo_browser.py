"""The README's quick start through the real command: `lantern serve --demo` prints a login for
each role and agency, and each signs in (chromium) to the page its role starts on; each agency's
practitioner reads its own narratives on a child's chronology and only summaries of the rest."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app_harness import fresh_county

pytestmark = pytest.mark.browser
LOGIN = re.compile(r"^\s+(\S+(?: \(\w+\))?)\s+username (\S+)\s+password (\S+)\s*$")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[str, dict[str, tuple[str, str]], str]]:
    from lantern.app.demo import write_marker

    county = fresh_county(tmp_path, live=True)
    port = _free_port()
    database_url = f"sqlite:///{tmp_path / 'demo-app.db'}"
    write_marker(county.path, database_url)  # as scripts/demo.sh does after its build
    env = {**os.environ, "LANTERN_DATABASE_URL": database_url}
    for name in ("LANTERN_SECRET_KEY", "LANTERN_AUDIT_KEY", "LANTERN_AUDIT_KEY_FILE"):
        env.pop(name, None)
    server = subprocess.Popen(
        [sys.executable, "-m", "lantern.cli", "serve", "--demo", "--no-warm"]
        + ["--store", str(county.path), "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    logins: dict[str, tuple[str, str]] = {}
    try:
        assert server.stdout is not None
        for line in server.stdout:
            if found := LOGIN.match(line):
                logins[found.group(2)] = (found.group(1), found.group(3))
            if line.startswith("Lantern is serving"):
                break
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "lantern serve --demo did not start"
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", logins, county.kayleigh
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_every_demo_login_signs_in_and_sees_what_its_role_may(demo, page) -> None:  # type: ignore[no-untyped-def]
    base, logins, child = demo
    assert {username: role for username, (role, _) in logins.items()} == {
        "analyst": "analyst",
        "practitioner": "practitioner (social_care)",
        "police": "practitioner (police)",
        "health": "practitioner (health)",
        "education": "practitioner (education)",
        "supervisor": "supervisor",
        "auditor": "auditor",
        "admin": "admin",
    }
    for username, (role, password) in logins.items():
        page.context.clear_cookies()
        page.goto(f"{base}/sign-in")
        page.fill("#username", username)
        page.fill("#password", password)
        page.click("button:has-text('Sign in')")
        start = {"admin": "/admin/users", "auditor": "/admin/audit"}.get(role, "/alerts")
        assert page.url.endswith(start), username
        if not role.startswith("practitioner"):
            continue
        agency = role.split("(")[1].rstrip(")")
        page.goto(f"{base}/children/{child}")
        items = page.locator("[data-testid=chronology] [data-agency]")
        readable = {
            items.nth(i).get_attribute("data-agency")
            for i in range(items.count())
            if items.nth(i).locator(".lantern-narrative").count()
        }
        assert readable == {agency}, username
        assert page.locator("[data-testid=chronology] .lantern-withheld").count() > 0
