"""Benchmark the graph stage: build, Leiden, centrality and path finding on a synthetic county.

    python bench/graph.py [--children 150000] [--seed 1] [--work /tmp/lantern-bench-graph]

Runs synth → ingest → resolve → indicators → graph on a fresh store, times each
graph step, path finding between sampled pairs, and peak memory; scores the
networks against the county's ground truth (planted networks found; false
networks per 10,000 children); and rewrites its own section of bench/RESULTS.md.

If the indicators stage cannot run in this checkout, a stand-in derives
structured hits from event types alone (said so in the results): the graph's
figures are then a floor, not the pipeline's.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import resource
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from results import replace_section  # noqa: E402 - bench/results.py; bench/ is on the path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from lantern.graph import stage  # noqa: E402
from lantern.graph.igraph_view import load_view  # noqa: E402
from lantern.graph.paths import find_paths  # noqa: E402
from lantern.store.connection import connect  # noqa: E402

SECTION = "## Graph analysis (`bench/graph.py`)"

STAND_IN_CATEGORIES = {
    "missing_report": "missing",
    "found_report": "missing",
    "missing_from_care": "missing",
    "away_from_placement": "missing",
    "sti_diagnosis": "sexual_health",
    "sexual_health_attendance": "sexual_health",
    "pregnancy": "sexual_health",
    "termination": "sexual_health",
    "sexual_offence_report": "sexual_abuse_disclosed",
    "substance_misuse_service": "substances",
    "self_harm": "emotional_wellbeing",
    "exclusion": "education",
    "children_missing_education": "education",
    "vehicle_stop": "vehicle",
}


def stand_in_hits(con) -> None:  # type: ignore[no-untyped-def]
    cases = " ".join(f"WHEN '{t}' THEN '{c}'" for t, c in STAND_IN_CATEGORIES.items())
    con.execute(
        f"""CREATE OR REPLACE TABLE indicator_hits AS
            SELECT 'h' || row_number() OVER () AS hit_id, e.event_type AS indicator,
                   CASE e.event_type {cases} END AS category, 1.0 AS weight, e.agency, e.event_id,
                   ep.record_id, e.occurred_at, e.recorded_at
            FROM events e JOIN event_people ep USING (event_id)
            WHERE ep.role IN ('subject', 'victim') AND e.event_type IN
                  ({", ".join(f"'{t}'" for t in STAND_IN_CATEGORIES)})"""  # noqa: S608
    )


def run_upstream(con, dataset: Path) -> str:  # type: ignore[no-untyped-def]
    from lantern.resolve import stage as resolve
    from lantern.store.ingest import ingest

    ingest(con, dataset)
    resolve.run(con)
    try:
        from lantern.indicators import stage as indicators

        indicators.run(con)
        return "indicators stage"
    except Exception as error:  # noqa: BLE001 - the bench reports what it could run
        stand_in_hits(con)
        return f"stand-in structured hits (indicators stage unavailable: {type(error).__name__})"


def truth_scores(con, dataset: Path, children: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    truth = dataset / "truth"
    record_to_truth = {}
    with (truth / "records.csv").open() as handle:
        for row in csv.DictReader(handle):
            record_to_truth[f"{row['agency']}:{row['person_ref']}"] = row["person_id"]
    planted: dict[str, set[str]] = {}
    with (truth / "network_members.csv").open() as handle:
        for row in csv.DictReader(handle):
            planted.setdefault(row["network_id"], set()).add(row["person_id"])
    victims: dict[str, set[str]] = {}
    with (truth / "victims.csv").open() as handle:
        for row in csv.DictReader(handle):
            victims.setdefault(row["network_id"], set()).add(row["person_id"])
    person_truth: dict[str, set[str]] = {}
    for record_id, person_id in con.execute("SELECT record_id, person_id FROM persons").fetchall():
        if record_id in record_to_truth:
            person_truth.setdefault(person_id, set()).add(record_to_truth[record_id])
    detected: dict[str, set[str]] = {}
    for network_id, node_id in con.execute("SELECT network_id, node_id FROM networks").fetchall():
        detected.setdefault(network_id, set()).update(person_truth.get(node_id, set()))
    found = 0
    for net, members in planted.items():
        kids = victims.get(net, set())
        if any(
            len(d & kids) >= max(2, len(kids) // 2) and d & (members - kids)
            for d in detected.values()
        ):
            found += 1
    all_planted = set().union(*planted.values()) if planted else set()
    false = sum(1 for d in detected.values() if not d & all_planted)
    return {
        "planted": len(planted),
        "found": found,
        "detected": len(detected),
        "false": false,
        "false_per_10k": round(false / children * 10_000, 2),
    }


def time_paths(con, n_pairs: int = 20) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    view = load_view(con)
    load_s = time.perf_counter() - t
    people = [
        n
        for (n,) in con.execute(
            "SELECT node_id FROM graph_stats WHERE kind = 'person' AND degree > 0 ORDER BY node_id"
        ).fetchall()
    ]
    rng = random.Random(7)
    timings = []
    for _ in range(min(n_pairs, len(people) // 2)):
        a, b = rng.sample(people, 2)
        t = time.perf_counter()
        find_paths(con, a, b, k=2, view=view)
        timings.append(time.perf_counter() - t)
    return load_s, (statistics.median(timings) if timings else 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=150_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/lantern-bench-graph"))
    parser.add_argument(
        "--no-write", action="store_true", help="Print only; leave RESULTS.md alone."
    )
    parser.add_argument(
        "--reuse-store", action="store_true", help="Rebuild only the graph on an existing store."
    )
    args = parser.parse_args()
    from lantern.cli import main as cli

    dataset = args.work / f"county-{args.children}-{args.seed}"
    if not (dataset / "events.csv").exists() and not (dataset / "events").exists():
        cli(
            [
                "synth",
                "--out",
                str(dataset),
                "--children",
                str(args.children),
                "--seed",
                str(args.seed),
            ]
        )
    store = args.work / f"store-{args.children}-{args.seed}.duckdb"
    if args.reuse_store and store.exists():
        con = connect(store)
        upstream_s = float("nan")
        tables = {
            n for (n,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        if "indicator_hits" not in tables:
            stand_in_hits(con)
            hits_source = "stand-in structured hits (no indicators in the reused store)"
        elif "text_findings" in tables:
            hits_source = "indicators stage"
        else:
            hits_source = "stand-in structured hits"
    else:
        store.unlink(missing_ok=True)
        con = connect(store)
        t = time.perf_counter()
        hits_source = run_upstream(con, dataset)
        upstream_s = time.perf_counter() - t
    t = time.perf_counter()
    summary = stage.run(con)
    graph_s = time.perf_counter() - t
    load_s, path_s = time_paths(con)
    scores = truth_scores(con, dataset, args.children)
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    sec = summary.seconds
    lines = [
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"{platform.python_version()}, 2 DuckDB threads; county of {args.children:,} children, "
        f"seed {args.seed}; indicator hits from the {hits_source}; load average "
        f"{os.getloadavg()[0]:.1f} at the end (the machine is shared: times are upper bounds).",
        "",
        "| figure | value |",
        "|---|---|",
        f"| graph nodes / edges (weight > 0) | {summary.nodes:,} / {summary.edges:,} "
        f"({summary.weighted_edges:,}) |",
        f"| evidence rows | {summary.evidence_rows:,} |",
        f"| signal children | {summary.signal_children:,} |",
        f"| upstream (ingest, resolve, indicators) | "
        f"{'not rerun' if upstream_s != upstream_s else f'{upstream_s:.1f} s'} |",
        f"| graph stage, total | {graph_s:.1f} s |",
        f"| — evidence SQL | {sec.get('evidence', 0):.1f} s |",
        f"| — edges, nodes, signal children | "
        f"{sec.get('edges', 0) + sec.get('nodes', 0) + sec.get('signal_children', 0):.1f} s |",
        f"| — Leiden (incl. subgraph) | {sec.get('leiden', 0) + sec.get('network_edges', 0):.2f} s |",
        f"| — networks, links, hotspots | "
        f"{sec.get('networks', 0) + sec.get('adult_child_links', 0) + sec.get('hotspots', 0):.2f} s |",
        f"| — centrality (graph_stats) | {sec.get('stats', 0):.1f} s |",
        f"| path finding: load graph once | {load_s:.2f} s |",
        f"| path finding: median per pair (2 paths + evidence) | {path_s * 1000:.0f} ms |",
        f"| peak memory (process) | {peak_gib:.2f} GiB |",
        f"| planted networks found | {scores['found']} of {scores['planted']} |",
        f"| networks detected / with no planted member | {scores['detected']} / {scores['false']} "
        f"({scores['false_per_10k']} per 10,000 children) |",
    ]
    print("\n".join(lines))
    if not args.no_write:
        replace_section(SECTION, lines)


if __name__ == "__main__":
    main()
