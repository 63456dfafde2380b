"""Benchmark `lantern synth`: time and peak memory at 10k and 150k children, and how hard the
county is for a naive rule. Rewrites its own section of bench/RESULTS.md.

    python bench/synth.py [--sizes 10000,150000] [--years 10] [--keep DIR]
"""

# ruff: noqa: S608 -- the SQL here is built from fixed strings and the county's own path

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from results import replace_section  # noqa: E402 - bench/results.py; bench/ is on the path

ROOT = Path(__file__).resolve().parents[1]
HEADING = "## Synthetic county (`bench/synth.py`)"

CHILD_RUN = """
import json, resource, sys, time
from pathlib import Path
from lantern.synth.county import generate
began = time.perf_counter()
s = generate(Path(sys.argv[1]), seed=int(sys.argv[2]), children=int(sys.argv[3]), years=int(sys.argv[4]))
print(json.dumps({"seconds": time.perf_counter() - began,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "persons": s.persons, "person_records": s.person_records, "events": s.events,
                  "networks": s.networks, "victims": s.victims}))
"""

# Signs a count-of-signs rule would use: structured event types only, identity taken from the
# truth (so this is the rule's best case). "3 or more kinds of sign within a year".
SIGN_TYPES = (
    "missing_report",
    "missing_from_care",
    "away_from_placement",
    "found_report",
    "self_harm",
    "sti_diagnosis",
    "pregnancy",
    "termination",
    "substance_misuse_service",
    "exclusion",
    "arrest",
    "sexual_health_attendance",
    "children_missing_education",
)


def generate(out: Path, seed: int, children: int, years: int) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD_RUN, str(out), str(seed), str(children), str(years)],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["output_mb"] = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 2**20
    return figures


def naive_rule(county: Path) -> dict[str, float]:
    """Precision and recall of 'three kinds of sign in a year' with perfect identity."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET memory_limit = '2GB'")
    types = ", ".join(f"'{t}'" for t in SIGN_TYPES)
    con.execute(f"""
        CREATE TABLE signs AS
        SELECT r.person_id, e.event_type, CAST(e.occurred_at AS DATE) AS day
        FROM read_csv('{county}/events.csv', all_varchar=true) e
        JOIN read_csv('{county}/event_people.csv', all_varchar=true) ep USING (agency, event_ref)
        JOIN read_csv('{county}/truth/records.csv', all_varchar=true) r USING (agency, person_ref)
        JOIN read_csv('{county}/truth/persons.csv', all_varchar=true) p ON p.person_id = r.person_id
        WHERE p.kind = 'child' AND ep.role IN ('subject', 'victim') AND e.event_type IN ({types})
    """)
    flagged = {
        row[0]
        for row in con.execute("""
        SELECT DISTINCT a.person_id FROM signs a JOIN signs b
          ON a.person_id = b.person_id AND b.day BETWEEN a.day AND a.day + 365
        GROUP BY a.person_id, a.day HAVING count(DISTINCT b.event_type) >= 3
    """).fetchall()
    }
    any_missing = {
        row[0]
        for row in con.execute(
            "SELECT DISTINCT person_id FROM signs WHERE event_type IN "
            "('missing_report', 'missing_from_care')"
        ).fetchall()
    }
    victims = {
        row[0]
        for row in con.execute(
            f"SELECT person_id FROM read_csv('{county}/truth/victims.csv', all_varchar=true)"
        ).fetchall()
    }
    children = con.execute(
        f"SELECT count(*) FROM read_csv('{county}/truth/persons.csv', all_varchar=true) "
        "WHERE kind = 'child'"
    ).fetchone()[0]

    def pr(found: set[str]) -> tuple[float, float, int]:
        hit = len(found & victims)
        return (
            hit / len(found) if found else 0.0,
            hit / len(victims) if victims else 0.0,
            len(found),
        )

    p3, r3, n3 = pr(flagged)
    pm, rm, nm = pr(any_missing)
    return {
        "children": children,
        "victims": len(victims),
        "rule3_precision": p3,
        "rule3_recall": r3,
        "rule3_flagged": n3,
        "missing_precision": pm,
        "missing_recall": rm,
        "missing_flagged": nm,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,150000")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, default=None, help="keep the counties here")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    base = args.keep or Path(tempfile.mkdtemp(prefix="lantern-bench-synth-"))
    rows = []
    for size in sizes:
        out = base / f"county-{size}"
        figures = generate(out, args.seed, size, args.years)
        rows.append((size, figures))
        print(
            f"{size:>7} children: {figures['seconds']:.1f}s, peak {figures['peak_rss_mb']:.0f} MB, "
            f"{figures['events']:,} events, {figures['person_records']:,} person records"
        )
    # after every generation: a child process's peak memory counts its parent's size at fork
    difficulty = (sizes[0], naive_rule(base / f"county-{sizes[0]}"))
    if args.keep is None:
        shutil.rmtree(base)
    load = os.getloadavg()[0]
    lines = [
        f"Machine: {platform.machine()}, {platform.processor() or 'cpu'}, Python "
        f"{platform.python_version()}; {dt.date.today().isoformat()}; seed {args.seed}, "
        f"{args.years} years. Load average {load:.1f} on {os.cpu_count()} cores at the end "
        "(the machine was shared; times are wall-clock).",
        "",
        "| children | seconds | peak memory (MB) | events | person records | persons | "
        "networks | victims | output (MB) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, f in rows:
        lines.append(
            f"| {size:,} | {f['seconds']:.1f} | {f['peak_rss_mb']:.0f} | {f['events']:,} "
            f"| {f['person_records']:,} | {f['persons']:,} | {f['networks']} | "
            f"{f['victims']} | {f['output_mb']:.0f} |"
        )
    if difficulty:
        size, d = difficulty
        lines += [
            "",
            f"How hard the county is ({size:,} children, {d['victims']} victims), "
            "for naive rules given *perfect* identity and structured event types only:",
            "",
            "| rule | children flagged | precision | recall |",
            "|---|---:|---:|---:|",
            f"| three or more kinds of sign within a year | {d['rule3_flagged']} | "
            f"{d['rule3_precision']:.3f} | {d['rule3_recall']:.3f} |",
            f"| any missing episode | {d['missing_flagged']} | {d['missing_precision']:.3f} "
            f"| {d['missing_recall']:.3f} |",
        ]
    replace_section(HEADING, lines)


if __name__ == "__main__":
    main()
