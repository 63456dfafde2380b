"""Web app latency: p95 of the alerts queue and a child's page for concurrent users.

Serves the app over a store with `lantern serve` in its own process on a free loopback port,
signs in N users (each with their own session), and has each request the alerts queue and
a flagged child's page in turn, a bounded number of times. Prints the figures and rewrites
its own section of bench/RESULTS.md.

    python bench/web.py --store demo-data/lantern.duckdb [--users 20] [--requests 600]

Without --store it builds the small hand-written county the app's tests use.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb
import httpx
from results import replace_section  # noqa: E402 - bench/results.py; bench/ is on the path

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Web app latency (`bench/web.py`)"
PASSWORD = "bench password " + secrets.token_hex(4)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _store_facts(store: Path, children: int = 200) -> dict:
    con = duckdb.connect(str(store), read_only=True)
    try:
        facts = {
            "children": con.execute(
                "SELECT count(*) FROM assessments WHERE kind = 'child'"
            ).fetchone()[0],
            "events": con.execute("SELECT count(*) FROM events").fetchone()[0],
            "records": con.execute("SELECT count(*) FROM people").fetchone()[0],
            "flagged": [
                r[0]
                for r in con.execute(
                    "SELECT person_id FROM assessments WHERE kind = 'child' AND band IN ('medium', 'high') "
                    "ORDER BY score DESC LIMIT ?",
                    [children],
                ).fetchall()
            ],
        }
    finally:
        con.close()
    return facts


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[index]


def _sign_in(base: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    page = client.get("/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]*)"', page.text).group(1)
    response = client.post(
        "/sign-in", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    if response.status_code != 303:
        raise SystemExit(f"could not sign in as {username}: {response.status_code}")
    return client


def _add_users(url: str, users: int) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from lantern.app import accounts, database

    engine = database.make_engine(url)
    database.migrate(engine)
    with database.session_factory(engine)() as db:
        for n in range(users):
            accounts.add_user(db, f"user{n}", PASSWORD, "analyst")
        db.commit()
    engine.dispose()


def run(
    store: Path,
    users: int,
    requests: int,
    workers: int = 1,
    children: int = 200,
    think_s: float = 0.0,
) -> dict:
    facts = _store_facts(store, children)
    if not facts["flagged"]:
        raise SystemExit(f"{store}: no child at medium or high to open")
    work = Path(tempfile.mkdtemp(prefix="lantern-bench-web-"))
    env = {
        **os.environ,
        "LANTERN_DATABASE_URL": f"sqlite:///{work / 'app.db'}",
        "LANTERN_SECRET_KEY": secrets.token_urlsafe(48),
        "LANTERN_AUDIT_KEY": secrets.token_urlsafe(48),
        "PYTHONPATH": str(ROOT / "src"),
    }
    cli = [sys.executable, "-m", "lantern.cli"]
    _add_users(env["LANTERN_DATABASE_URL"], users)
    port = _free_port()
    started = time.perf_counter()
    server = subprocess.Popen(
        [
            *cli,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--store",
            str(store),
            "--no-warm",
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                httpx.get(base + "/sign-in", timeout=2)
                break
            except httpx.TransportError as error:
                if server.poll() is not None:
                    raise SystemExit(
                        "the server stopped:\n" + (server.stdout.read() if server.stdout else "")
                    ) from error
                if time.perf_counter() - started > 300:
                    raise SystemExit("the server did not start within 300 s") from error
                time.sleep(0.2)
        startup = time.perf_counter() - started
        clients = [_sign_in(base, f"user{n}") for n in range(users)]
        for client in clients:  # warm each session
            client.get("/alerts")
        first_views = []  # each child's first view, one at a time: the per-person memo is empty
        for person_id in facts["flagged"]:
            t0 = time.perf_counter()
            clients[0].get(f"/children/{person_id}")
            first_views.append(time.perf_counter() - t0)
        timings: dict[str, list[float]] = {"alerts": [], "child": []}
        errors: list[str] = []
        lock = threading.Lock()
        per_user = max(2, requests // users)

        def user_loop(n: int, think: float, label: str) -> None:
            rng = random.Random(n)
            client = clients[n]
            for i in range(per_user):
                page = "alerts" if i % 2 == 0 else "child"
                url = "/alerts" if page == "alerts" else f"/children/{rng.choice(facts['flagged'])}"
                if think:
                    time.sleep(rng.uniform(0, 2 * think))  # reading the last page
                t0 = time.perf_counter()
                response = client.get(url)
                elapsed = time.perf_counter() - t0
                with lock:
                    if response.status_code != 200:
                        errors.append(f"{url}: {response.status_code}")
                    timings.setdefault(page + label, []).append(elapsed)

        def phase(think: float, label: str) -> float:
            started = time.perf_counter()
            threads = [
                threading.Thread(target=user_loop, args=(n, think, label)) for n in range(users)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            return time.perf_counter() - started

        wall = phase(0.0, "")
        if think_s:
            phase(think_s, f" (think time {think_s:g} s)")
    finally:
        server.terminate()
        server.wait(timeout=30)
    figures = {
        "store": str(store),
        "children": facts["children"],
        "events": facts["events"],
        "records": facts["records"],
        "users": users,
        "requests": len(timings["alerts"]) + len(timings["child"]),
        "errors": errors,
        "startup_s": startup,
        "wall_s": wall,
        "load": os.getloadavg()[0],
        "workers": workers,
        "think_s": think_s,
    }
    timings["child (first view, alone)"] = first_views
    for page, values in timings.items():
        figures[page] = {
            "n": len(values),
            "p50": statistics.median(values) * 1000,
            "p95": _percentile(values, 0.95) * 1000,
            "max": max(values) * 1000,
        }
    return figures


def write_section(figures: dict) -> None:
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    rows = "\n".join(
        f"| {page} | {f['n']} | {f['p50']:.0f} | {f['p95']:.0f} | {f['max']:.0f} |"
        for page, f in ((p, figures[p]) for p in _pages(figures))
    )
    think = (
        f" Then the same again with each user pausing a random 0–{2 * figures['think_s']:g} s "
        f"(mean {figures['think_s']:g} s) before each request, as a person reading the last page "
        "would: the rows marked with the think time."
        if figures["think_s"]
        else ""
    )
    body = (
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {machine}, shared with other "
        f"work (load average {figures['load']:.1f} at the end of the run). Store: {figures['children']:,} assessed children, {figures['records']:,} person "
        f"records, {figures['events']:,} events. {figures['users']} concurrent signed-in users over "
        f"loopback, {figures['workers']} uvicorn worker process(es), SQLite operational store; {figures['requests']} requests "
        f"in {figures['wall_s']:.1f} s ({figures['requests'] / figures['wall_s']:.1f} per second), "
        f"{len(figures['errors'])} errors. Server start-up (migrations, alert sync) "
        f"{figures['startup_s']:.1f} s.\n\n"
        "| page | requests | p50 ms | p95 ms | max ms |\n|---|---:|---:|---:|---:|\n"
        f"{rows}\n\n"
        "Before the timed run each flagged child's page is opened once, alone (the row *first "
        "view, alone*: chronology, indicators, score history, links, language findings and "
        "clocks, each a DuckDB query over the whole store); the app keeps per-person results and "
        "the rendered store-only sections of each child's page, which cannot change while it "
        "holds the store. Then the users request the queue (the first page of 25 alerts with "
        "names, ages, agencies and clocks) and a random one of those children's pages in turn, "
        f"back to back with no think time (rows *alerts*, *child*).{think}\n\n"
    )
    replace_section(SECTION, body.splitlines())


def _pages(figures: dict) -> list[str]:
    pages = ["alerts", "child"]
    if figures.get("think_s"):
        pages += [f"{p} (think time {figures['think_s']:g} s)" for p in ("alerts", "child")]
    return [*pages, "child (first view, alone)"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--store", type=Path, help="an assessed DuckDB store (default: the test county)"
    )
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=600, help="total requests (bounded)")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--children", type=int, default=200, help="flagged children to open")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="also run with this mean think time (seconds) between a user's requests",
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print only; leave RESULTS.md alone"
    )
    args = parser.parse_args()
    store = args.store
    if store is None:
        sys.path.insert(0, str(ROOT / "tests"))
        from app_county import build_county

        store = build_county(
            Path(tempfile.mkdtemp(prefix="lantern-bench-county-")) / "county.duckdb"
        ).path
    figures = run(store, args.users, args.requests, args.workers, args.children, args.think)
    for page in _pages(figures):
        f = figures[page]
        print(
            f"{page:>7}: {f['n']} requests, p50 {f['p50']:.0f} ms, p95 {f['p95']:.0f} ms, max {f['max']:.0f} ms"
        )
    print(
        f"{figures['requests']} requests in {figures['wall_s']:.1f} s, {len(figures['errors'])} errors"
    )
    if figures["errors"]:
        print("errors:", figures["errors"][:5])
    if not args.no_write:
        write_section(figures)


if __name__ == "__main__":
    main()
