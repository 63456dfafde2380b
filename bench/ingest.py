"""Ingest benchmark: generate 1,000,000 event rows (with people, links and things in
proportion) as CSV, ingest them into a fresh store, report rows/s and peak memory, and
rewrite the "Ingest" section of bench/RESULTS.md.

    python bench/ingest.py [--events 1000000] [--keep DIR]

The load runs in a child process so its peak memory (sampled from /proc every 50 ms, and
the kernel's ru_maxrss) is the load's alone, not the generator's.
"""

# ruff: noqa: S608 -- the generator's SQL is built from the benchmark's own constants.

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from results import replace_section  # noqa: E402 - bench/results.py; bench/ is on the path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## Ingest (`bench/ingest.py`)"

AGENCIES = ["police", "social_care", "health", "education"]
TYPES = {
    "police": ["missing_report", "found_report", "incident", "intelligence", "vehicle_stop"],
    "social_care": [
        "contact",
        "referral",
        "assessment",
        "missing_from_care",
        "strategy_discussion",
    ],
    "health": ["ed_attendance", "sexual_health_attendance", "gp_consultation", "self_harm"],
    "education": ["absence", "exclusion", "school_concern"],
}
GIVEN = ["Amy", "Kayleigh", "Chloe", "Mia", "Jack", "Liam", "Noah", "Ella", "Darren", "Ryan"]
FAMILY = ["Smith", "Marsh", "Dawson", "Cole", "Price", "Holt", "Hughes", "Moore", "Scott"]


def _list(values: list[str]) -> str:
    return "[" + ", ".join(f"'{v}'" for v in values) + "]"


def generate(directory: Path, events: int) -> dict[str, int]:
    """Write people, events, event_people and event_things CSVs with DuckDB; return row counts."""
    import duckdb

    people = max(events // 4, 4)
    per_agency = people // 4
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute("CREATE MACRO h(x) AS (hash(x) >> 1)::BIGINT")  # a non-negative BIGINT hash
    agency = f"{_list(AGENCIES)}[(i % 4) + 1]"
    type_case = (
        "CASE i % 4 "
        + " ".join(
            f"WHEN {n} THEN {_list(TYPES[a])}[(h(i) % {len(TYPES[a])}) + 1]"
            for n, a in enumerate(AGENCIES)
        )
        + " END"
    )
    con.execute(
        f"""COPY (
            SELECT {agency} AS agency, 'P' || i AS person_ref,
                   {_list(GIVEN)}[(h(i * 7) % {len(GIVEN)}) + 1] AS given_name,
                   {_list(FAMILY)}[(h(i * 11) % {len(FAMILY)}) + 1] AS family_name,
                   CASE WHEN i % 9 = 0 THEN 'Smiley' END AS other_names,
                   strftime(DATE '1970-01-01' + CAST(h(i) % 15000 AS INTEGER), '%Y-%m-%d')
                       AS date_of_birth,
                   CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END AS sex,
                   'RV' || (i % 9 + 1) || ' ' || (i % 10) || 'AB' AS postcode,
                   CASE WHEN i % 5 = 0 THEN '07700 9' || lpad((i % 100000)::VARCHAR, 5, '0') END
                       AS phone,
                   CASE WHEN i % 3 = 0 THEN 'W1' END AS ethnicity
            FROM range({people}) t(i)
        ) TO '{directory / "people.csv"}' (HEADER)"""
    )
    con.execute(
        f"""COPY (
            SELECT {agency} AS agency, 'E' || i AS event_ref, {type_case} AS event_type,
                   strftime(TIMESTAMP '2010-01-01' + to_seconds(h(i) % 157680000),
                            '%Y-%m-%dT%H:%M:%S') AS occurred_at,
                   strftime(TIMESTAMP '2010-01-01' + to_seconds(h(i) % 157680000 + 3600),
                            '%Y-%m-%dT%H:%M:%S') AS recorded_at,
                   'RV' || (i % 9 + 1) || ' ' || (i % 10) || 'CD' AS postcode,
                   'Young person reported missing from placement overnight; returned next '
                     || 'morning and would not say where they had been. Ref ' || i AS narrative,
                   CASE WHEN i % 3 = 0 THEN 'NFA' END AS outcome
            FROM range({events}) t(i)
        ) TO '{directory / "events.csv"}' (HEADER)"""
    )
    subject = f"'P' || ((h(i) % {per_agency}) * 4 + i % 4)"
    other = f"'P' || ((h(i * 3) % {per_agency}) * 4 + i % 4)"
    con.execute(
        f"""COPY (
            SELECT {agency} AS agency, 'E' || i AS event_ref, {subject} AS person_ref,
                   'subject' AS role FROM range({events}) t(i)
            UNION ALL
            SELECT {agency}, 'E' || i, {other}, 'associate' FROM range({events}) t(i)
            WHERE i % 2 = 0 AND {other} <> {subject}
        ) TO '{directory / "event_people.csv"}' (HEADER)"""
    )
    con.execute(
        f"""COPY (
            SELECT {agency} AS agency, 'E' || i AS event_ref, 'vehicle' AS kind,
                   'KX' || lpad((i % 100)::VARCHAR, 2, '0') || ' LMN' AS value,
                   'seen_with_subject' AS role, 'silver car' AS description
            FROM range({events}) t(i) WHERE i % 10 = 0
        ) TO '{directory / "event_things.csv"}' (HEADER)"""
    )
    counts = {}
    for table in ("people", "events", "event_people", "event_things"):
        counts[table] = con.execute(
            f"SELECT count(*) FROM read_csv('{directory / (table + '.csv')}')"
        ).fetchone()[0]  # type: ignore[index]
    con.close()
    return counts


def _rss_bytes() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def load(dataset: Path, store: Path) -> dict[str, float]:
    """Run in the child: ingest and measure."""
    sys.path.insert(0, str(ROOT / "src"))
    from lantern.store.connection import connect
    from lantern.store.ingest import ingest

    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _rss_bytes())
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    con = connect(store)
    started = time.perf_counter()
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    summary = ingest(con, dataset)
    con.close()
    seconds = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    stop.set()
    sampler.join()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "rows_read": summary.total("read"),
        "rows_loaded": summary.total("loaded"),
        "rows_quarantined": summary.total("quarantined"),
        "events_read": summary.total("read", "events"),
        "peak_rss_sampled": peak[0],
        "ru_maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    parser.add_argument("--child", nargs=2, metavar=("DATASET", "STORE"), help=argparse.SUPPRESS)
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(load(Path(args.child[0]), Path(args.child[1]))))
        return

    with tempfile.TemporaryDirectory(prefix="lantern-bench-") as tmp:
        dataset = args.keep or Path(tmp) / "dataset"
        dataset.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        counts = generate(dataset, args.events)
        generated = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in dataset.iterdir())
        print(f"generated {counts} ({size / 2**20:,.0f} MiB) in {generated:.1f} s")
        load_before = os.getloadavg()[0]
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(dataset), str(Path(tmp) / "bench.duckdb")],
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        load_after = os.getloadavg()[0]

    seconds = result["seconds"]
    peak = max(result["peak_rss_sampled"], result["ru_maxrss"])
    figures = {
        "event rows/s": f"{counts['events'] / seconds:,.0f}",
        "all rows/s": f"{result['rows_read'] / seconds:,.0f}",
        "load time": f"{seconds:.1f} s",
        "CPU time": f"{result['cpu_seconds']:.1f} s",
        "event rows per CPU-second": f"{counts['events'] / result['cpu_seconds']:,.0f}",
        "peak memory (RSS)": f"{peak / 2**30:.2f} GiB",
    }
    for name, value in figures.items():
        print(f"{name:>18}: {value}")
    text = "\n".join(
        [
            f"Measured {dt.date.today().isoformat()} on {_machine()}; DuckDB threads = 2; "
            f"load average {load_before:.1f} before and {load_after:.1f} after (the machine "
            "was shared: wall-clock figures are slower than on an idle machine, CPU time is not).",
            "",
            f"Dataset: {counts['events']:,} events, {counts['people']:,} people, "
            f"{counts['event_people']:,} event_people, {counts['event_things']:,} event_things "
            f"as CSV ({size / 2**20:,.0f} MiB), generated by the script; "
            f"{result['rows_quarantined']:,} rows quarantined.",
            "",
            "| figure | value | aim |",
            "|---|---|---|",
            f"| event rows per second (whole load, all four tables) | "
            f"{figures['event rows/s']} | ≥ 200,000 |",
            f"| all rows per second | {figures['all rows/s']} | |",
            f"| load time, fresh store (wall clock) | {figures['load time']} | |",
            f"| CPU time of the load (user + system, both threads) | {figures['CPU time']} | |",
            f"| event rows per CPU-second | {figures['event rows per CPU-second']} | |",
            f"| peak memory of the loading process | {figures['peak memory (RSS)']} | < 2 GiB |",
        ]
    )
    if not args.no_write:
        replace_section(SECTION, text.splitlines())
        print(f"updated {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
