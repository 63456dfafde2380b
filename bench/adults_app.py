"""The adults' pages in the app (issue 22): how long the adult page (evidence picture and
disruption actions), the MACE pack with persons posing risk, and the investigator's evidence
pack (HTML and PDF, one adult and a network) take to render over a store `lantern run` wrote.
In process (FastAPI's test client), one request at a time, each page once warm-up then timed.
Prints the figures and rewrites its own section of bench/RESULTS.md.

    python bench/adults_app.py --store STORE [--label "synth seed 1, 2,000 children, tuning"]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb
from results import replace_section  # noqa: E402 - bench/results.py; bench/ is on the path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
SECTION = "## Adults' evidence picture and packs in the app (issue 22, `bench/adults_app.py`)"


def _facts(store: Path) -> dict:
    con = duckdb.connect(str(store), read_only=True)
    try:
        adults = [
            r[0]
            for r in con.execute(
                "SELECT person_id FROM assessments WHERE kind = 'adult' "
                "AND band IN ('medium', 'high') ORDER BY score DESC"
            ).fetchall()
        ]
        items = dict(
            con.execute("SELECT adult_id, count(*) FROM adult_evidence GROUP BY 1").fetchall()
        )
        network = con.execute(
            "SELECT network_id FROM networks GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
        children = con.execute("SELECT count(*) FROM assessments WHERE kind = 'child'").fetchone()
    finally:
        con.close()
    return {
        "adults": adults,
        "items": items,
        "network": network[0] if network else None,
        "children": children[0],
    }


def _timed(client, url: str) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--label", default="")
    args = parser.parse_args()

    from app_harness import AUDIT_KEY, PASSWORD, SECRET, signed_in
    from lantern.app import accounts
    from lantern.app.web import create_app
    from lantern.settings import load_settings

    facts = _facts(args.store)
    tmp = Path(tempfile.mkdtemp(prefix="lantern-bench-adults-"))
    settings = load_settings(
        {},
        store=args.store,
        database_url=f"sqlite:///{tmp / 'app.db'}",
        secret_key=SECRET,
        audit_key=AUDIT_KEY,
    )
    app = create_app(settings)
    with app.state.lantern.session() as db:
        accounts.add_user(db, "sue", PASSWORD, "supervisor", display_name="Sue")
    client = signed_in(app, "sue")
    adults = facts["adults"]
    pages = [_timed(client, f"/adults/{a}") for a in adults]  # first view: store queries
    again = [_timed(client, f"/adults/{a}") for a in adults]  # memoised store rows
    most = max(adults, key=lambda a: facts["items"].get(a, 0)) if adults else None
    rows = [
        ("adult page, first view (median / max)", f"{statistics.median(pages):.2f} / {max(pages):.2f} s"),
        ("adult page, again (median)", f"{statistics.median(again):.2f} s"),
        ("MACE pack (HTML)", f"{_timed(client, '/mace'):.2f} s"),
        ("MACE pack (PDF)", f"{_timed(client, '/mace.pdf'):.2f} s"),
    ]  # fmt: skip
    if most:
        n = facts["items"].get(most, 0)
        rows.append((f"evidence pack, one adult, {n} items (HTML)",
                     f"{_timed(client, f'/adults/{most}/evidence-pack'):.2f} s"))  # fmt: skip
        rows.append((f"evidence pack, one adult, {n} items (PDF)",
                     f"{_timed(client, f'/adults/{most}/evidence-pack.pdf'):.2f} s"))  # fmt: skip
    if facts["network"]:
        network = facts["network"]
        rows.append((f"evidence pack, network {network} (PDF)",
                     f"{_timed(client, f'/networks/{network}/evidence-pack.pdf'):.2f} s"))  # fmt: skip
    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; {dt.date.today():%Y-%m-%d}. Store: {args.label or args.store} "
        f"({facts['children']:,} children; {len(adults)} adults at medium or above, "
        f"{sum(facts['items'].get(a, 0) for a in adults)} evidence items about them). In process, "
        "one request at a time, on a machine shared with other work: figures are indicative.",
        "",
        "| page | time |",
        "|---|---|",
        *[f"| {name} | {value} |" for name, value in rows],
    ]
    print("\n".join(lines))
    replace_section(SECTION, lines)


if __name__ == "__main__":
    main()
