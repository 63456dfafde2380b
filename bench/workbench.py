"""The analyst's workbench pages: time per page over a pipeline-built store.

Builds the app in-process over `--store` (read-only; a throwaway SQLite operational store),
signs in an analyst and a supervisor, and times each workbench page a few times: the
most-connected list from `graph_stats` and, filtered by link kind and year, from
`graph_stats_slices` (or recomputed on a store without them), the path between linked
adult–child pairs (the igraph view built first, as the app's warm-up does), the time patterns and place
hotspots, the network page, its graph and its exports, a person's neighbourhood export, an
adult's page with its centrality panel, the challenged-access report and the review page.
Prints the figures and rewrites its own section of bench/RESULTS.md.

    python bench/workbench.py --store /tmp/wb_bench/lantern.duckdb [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb
from results import replace_section  # noqa: E402 - bench/results.py; bench/ is on the path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
SECTION = "## Analyst's workbench pages (`bench/workbench.py`)"


def _timed(client, url: str, times: int) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    seconds = []
    status = 0
    for _ in range(times):
        start = time.perf_counter()
        status = client.get(url).status_code
        seconds.append(time.perf_counter() - start)
    return seconds[0], statistics.median(seconds[1:] or seconds), status


def _signed_in(client, username: str):  # type: ignore[no-untyped-def]
    import re

    page = client.get("/sign-in").text
    token = re.search(r'name="csrf_token" value="([^"]*)"', page).group(1)  # type: ignore[union-attr]
    client.post(
        "/sign-in",
        data={"username": username, "password": "bench password", "csrf_token": token, "next": "/"},
    )
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--times", type=int, default=4)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    from argon2 import PasswordHasher
    from fastapi.testclient import TestClient

    from lantern.app import accounts
    from lantern.app.web import create_app
    from lantern.settings import load_settings

    con = duckdb.connect(str(args.store), read_only=True)
    children = con.execute("SELECT count(*) FROM assessments WHERE kind = 'child'").fetchone()[0]
    nodes, edges = con.execute(
        "SELECT (SELECT count(*) FROM graph_nodes), (SELECT count(*) FROM graph_edges)"
    ).fetchone()
    pairs = con.execute(
        "SELECT adult_id, child_id FROM adult_child_links ORDER BY weight DESC LIMIT 3"
    ).fetchall()
    network = con.execute("SELECT min(network_id) FROM networks").fetchone()[0]
    child = pairs[0][1] if pairs else None
    place = con.execute(
        "SELECT node_id FROM graph_stats WHERE kind = 'place' ORDER BY degree DESC LIMIT 1"
    ).fetchone()
    link = con.execute(
        "SELECT kind FROM graph_edges GROUP BY 1 ORDER BY count(*) LIMIT 1"
    ).fetchone()
    busiest_link = con.execute(
        "SELECT kind FROM graph_edges WHERE weight > 0 GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    year = con.execute(
        "SELECT year(last_occurred_at) FROM graph_edges WHERE weight > 0 "
        "AND last_occurred_at IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    sliced = bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'graph_stats_slices'"
        ).fetchone()[0]
    )
    con.close()

    accounts.use_password_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    work = Path(tempfile.mkdtemp(prefix="lantern-bench-workbench-"))
    settings = load_settings(
        {},
        store=args.store,
        database_url=f"sqlite:///{work / 'app.db'}",
        secret_key="b" * 48,
        audit_key="a" * 48,
    )
    app = create_app(settings, sync_alerts=False)
    with app.state.lantern.session() as db:
        accounts.add_user(db, "bench", "bench password", "analyst")
        accounts.add_user(db, "boss", "bench password", "supervisor")
    client = _signed_in(TestClient(app, base_url="http://127.0.0.1"), "bench")
    supervisor = _signed_in(TestClient(app, base_url="http://127.0.0.1"), "boss")

    from lantern.app.workbench_pages import warm_graph_view

    started = time.perf_counter()
    warm_graph_view(app.state.lantern.analytics)  # as `lantern serve`'s warm-up does at start
    warm = time.perf_counter() - started

    how = "graph_stats_slices" if sliced else "recomputed"
    urls = [("most connected (graph_stats)", "/workbench/connected?sort=betweenness")]
    if link:
        urls.append(
            (f"most connected, rarest link kind ({how})", f"/workbench/connected?link={link[0]}")
        )
    if busiest_link:
        urls.append(
            (
                f"most connected, commonest link kind ({how})",
                f"/workbench/connected?link={busiest_link[0]}&sort=betweenness",
            )
        )
    if year:
        urls.append((f"most connected, one year ({how})", f"/workbench/connected?year={year[0]}"))
        if busiest_link:
            urls.append(
                (
                    f"most connected, link kind and year ({how})",
                    f"/workbench/connected?link={busiest_link[0]}&year={year[0]}&kind=person",
                )
            )
    for adult, kid in pairs:
        urls.append((f"find the path {adult} – {kid}", f"/workbench/path?a={adult}&b={kid}"))
    if child:
        urls.append(("time pattern of a child", f"/workbench/time?subject={child}"))
    if network:
        urls.append(("time pattern of a network", f"/workbench/time?subject={network}"))
        urls.append(("network page (graph and image buttons)", f"/networks/{network}"))
        urls.append(("network graph (graph.json)", f"/networks/{network}/graph.json"))
        urls.append(("network export (ANX)", f"/networks/{network}/export/anx"))
        urls.append(("network export (GraphML)", f"/networks/{network}/export/graphml"))
        urls.append(("network export (CSV zip)", f"/networks/{network}/export/csv"))
    if pairs:
        adult = pairs[0][0]
        urls.append(("adult's page (with centrality panel)", f"/people/{adult}"))
        urls.append(("neighbourhood export (ANX)", f"/people/{adult}/export/anx"))
    if place:
        urls.append(("time pattern of the busiest place", f"/workbench/time?subject={place[0]}"))
    urls.append(("place hotspots", "/workbench/places"))
    urls.append(("review report", "/review"))
    urls.append(("challenged-access report (supervisor)", "/challenged-access"))

    lines = [
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"Python {platform.python_version()}; store `{args.store.name}`: {children:,} children, "
        f"{nodes:,} graph nodes, {edges:,} edges. In-process (TestClient), an analyst (a supervisor for the report); first "
        f"request and median of the next {args.times - 1}. The machine is shared: upper bounds.",
        "",
        "| page | first | median | status |",
        "|---|---|---|---|",
        f"| app warm-up: the path finder's graph (`lantern serve` builds it at start) "
        f"| {warm * 1000:,.0f} ms | | |",
    ]
    for name, url in urls:
        who = supervisor if "supervisor" in name else client
        first, median, status = _timed(who, url, args.times)
        line = f"| {name} | {first * 1000:,.0f} ms | {median * 1000:,.0f} ms | {status} |"
        print(line)
        lines.append(line)
    client.close()
    supervisor.close()
    if args.no_write:
        return
    replace_section(SECTION, lines)


if __name__ == "__main__":
    main()
