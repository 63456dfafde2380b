"""`lantern serve --workers 2` for real: sign-in, CSRF, throttling and the audit chain when
requests land on two processes. Shared by the SQLite test and the PostgreSQL one."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from app_harness import AUDIT_KEY, PASSWORD, ROLE_USERS, SECRET, fresh_county
from lantern.app import accounts, audit, database
from lantern.app.models import AuditEntry

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def _workers_of(pid: int) -> list[int]:
    """The server's worker processes (uvicorn's children that are not its helpers)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == pid and b"multiprocessing" in cmdline and b"spawn_main" in cmdline:
            children.append(int(stat.parent.name))
    return children


def _fresh(base: str, cookies: httpx.Cookies | None = None) -> httpx.Client:
    """A client on a new connection, so the kernel may hand it to either worker."""
    return httpx.Client(base_url=base, cookies=cookies, timeout=30, follow_redirects=False)


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]*)"', html)
    assert match, html[:500]
    return match.group(1)


def stop(server: subprocess.Popen) -> None:
    """Stop the server and its workers: SIGTERM, then SIGKILL to the whole process group
    if it has not exited in 30 s (a worker stuck mid-request must not outlive the test)."""
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
        raise
    finally:
        try:
            os.killpg(server.pid, signal.SIGKILL)  # any worker left behind
        except ProcessLookupError:
            pass


def check_two_workers(tmp_path: Path, database_url: str) -> None:
    county = fresh_county(tmp_path)
    engine = database.make_engine(database_url)
    database.migrate(engine)
    factory = database.session_factory(engine, AUDIT_KEY.encode())
    with factory() as db:
        for role, (username, agency) in ROLE_USERS.items():
            accounts.add_user(db, username, PASSWORD, role, agency=agency)
        db.commit()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "LANTERN_DATABASE_URL": database_url,
        "LANTERN_SECRET_KEY": SECRET,
        "LANTERN_AUDIT_KEY": AUDIT_KEY,
        "PYTHONPATH": str(ROOT / "src"),
    }
    # The server's output goes to a file: a pipe nobody reads fills up (64 KiB of access
    # log and warnings) and then blocks the workers mid-request.
    log_path = tmp_path / "server.log"
    log = log_path.open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "lantern.cli", "serve", "--port", str(port), "--store",
         str(county.path), "--workers", "2", "--no-warm"],
        env=env, stdout=log, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(base + "/sign-in", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        workers = []
        while len(workers) < 2 and time.monotonic() < deadline:
            workers = _workers_of(server.pid)
            time.sleep(0.2)
        assert len(workers) == 2, workers
        before = {w: _cpu_ticks(w) for w in workers}

        # Sign-in: the form from one connection, the post on another; the session then works
        # on every new connection.
        with _fresh(base) as form_client:
            page = form_client.get("/sign-in")
            pre = form_client.cookies
        with _fresh(base, pre) as poster:
            signed = poster.post(
                "/sign-in",
                data={"username": "ana", "password": PASSWORD, "csrf_token": _token(page.text)},
            )
            assert signed.status_code == 303, signed.text
            session = poster.cookies

        def alerts_page(_: int) -> int:
            with _fresh(base, session) as c:
                return c.get("/alerts").status_code

        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(alerts_page, range(40))) == {200}

        # CSRF: a token from one connection is good on another; a wrong one nowhere.
        with _fresh(base, session) as c:
            token = _token(c.get("/alerts").text)
        for _ in range(6):
            with _fresh(base, session) as c:
                refused = c.post("/sign-out", data={"csrf_token": "0" * 64})
                assert refused.status_code == 400
        with _fresh(base, session) as c:
            assert c.get("/alerts").status_code == 200  # still signed in

        # Throttling counts failures made on either worker.
        def fail(_: int) -> int:
            with _fresh(base) as c:
                form = c.get("/sign-in")
                return c.post(
                    "/sign-in",
                    data={
                        "username": "sue",
                        "password": "wrong " * 3,
                        "csrf_token": _token(form.text),
                    },
                ).status_code

        assert [fail(n) for n in range(5)] == [401] * 5
        assert fail(5) == 429
        with _fresh(base) as c:
            form = c.get("/sign-in")
            right = c.post(
                "/sign-in",
                data={"username": "sue", "password": PASSWORD, "csrf_token": _token(form.text)},
            )
            assert right.status_code == 429  # even the right password, once throttled

        # The audit chain: child views appended from both processes at once stay one chain.
        def view(n: int) -> int:
            with _fresh(base, session) as c:
                return c.get(f"/children/{county.children[n % len(county.children)]}").status_code

        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(view, range(60))) == {200}
        with _fresh(base, session) as c:
            assert c.post("/sign-out", data={"csrf_token": token}).status_code == 303
            assert c.get("/alerts").status_code == 303  # signed out everywhere
        busy = [w for w in workers if _cpu_ticks(w) - before[w] > 5]
        assert len(busy) == 2, "both workers should have served requests"
    finally:
        stop(server)
        log.close()
    with factory() as db:
        verified = audit.verify(db)
        views = db.query(AuditEntry).filter(AuditEntry.action == "view_child").count()
    engine.dispose()
    assert verified.ok, verified.problem
    assert views == 60
