"""Benchmark `lantern assess --engine spark` (local Spark) beside the DuckDB engine.

    python bench/spark.py [--sizes 10000,50000] [--engines spark,duckdb] [--seed 2]
                          [--master local[2]] [--work /tmp/lantern-bench-spark] [--no-write]

For each size: a county (`lantern synth --seed S --children N`, a tuning seed), then
`lantern assess --store` on it with each engine, each in its own process. Wall time is the
command's; peak memory is the largest sum of resident memory over the command's process tree
(Lantern, and for Spark the JVM and its Python workers), sampled every half second — a run's
own `ru_maxrss` would miss the JVM. Stage times are the command's own. The two stores are then
compared (`tests/spark_compare.py`) when both engines ran: the same persons, text findings,
hits and graph edges, and which children, adults, networks and communities differ. The Spark
run's named SQL steps: how many ran on Spark SQL and how many stayed on DuckDB
(`LANTERN_SPARK_SQL_REPORT`). Rewrites its own section of bench/RESULTS.md ("Spark, seventh
session") after each run, so a run that does not finish loses no other.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from results import replace_section  # noqa: E402 - bench/results.py; bench/ is on the path

from spark_compare import compare  # noqa: E402 - tests/spark_compare.py

SECTION = "## Spark, seventh session (issue 24, `bench/spark.py`)"
LANTERN = str(Path(sys.executable).parent / "lantern")
STAGE_LINE = re.compile(r"^\s+(\w[\w ]*?)\s+([\d.]+)s\s+peak")


def _tree_rss(process: psutil.Process) -> int:
    total = 0
    for p in [process, *process.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def measured(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak tree RSS (MB) and stdout of `command`."""
    began = time.perf_counter()
    child = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    peak = 0
    watched = psutil.Process(child.pid)

    def sample() -> None:
        nonlocal peak
        while child.poll() is None:
            try:
                peak = max(peak, _tree_rss(watched))
            except psutil.Error:
                return
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = child.communicate()
    sampler.join()
    seconds = time.perf_counter() - began
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{err[-3000:]}")
    return seconds, peak / 2**20, out


def stages(out: str) -> dict[str, float]:
    return {
        m.group(1).strip(): float(m.group(2)) for m in map(STAGE_LINE.match, out.splitlines()) if m
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,50000")
    parser.add_argument("--engines", default="spark,duckdb")
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--work", type=Path, default=Path("/tmp/lantern-bench-spark"))
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    env = dict(os.environ, LANTERN_SPARK_MASTER=args.master)
    load_before = os.getloadavg()
    started = datetime.now(UTC)
    rows, notes = [], []
    for size in (int(s) for s in args.sizes.split(",")):
        work = args.work / str(size)
        shutil.rmtree(work, ignore_errors=True)
        county = work / "county"
        subprocess.run(
            [
                LANTERN,
                "synth",
                "--out",
                str(county),
                "--seed",
                str(args.seed),
                "--children",
                str(size),
            ],
            check=True,
            capture_output=True,
        )
        stores = {}
        for engine in args.engines.split(","):
            stores[engine] = work / f"{engine}.duckdb"
            report = work / "spark-sql.json"
            report.unlink(missing_ok=True)
            env["LANTERN_SPARK_SQL_REPORT"] = str(report)
            command = [
                LANTERN,
                "assess",
                str(county),
                "--out",
                str(work / engine),
                "--store",
                str(stores[engine]),
                "--engine",
                engine,
            ]
            seconds, peak, out = measured(command, env)
            times = stages(out)
            rows.append(
                f"| {size:,} | {engine} | {seconds:.1f} | {peak:,.0f} | "
                + " | ".join(
                    f"{times.get(s, 0):.1f}"
                    for s in ("ingest", "resolve", "indicators", "graph", "score")
                )
                + f" | {os.getloadavg()[0]:.1f} |"
            )
            print(rows[-1], flush=True)
            if engine == "spark" and report.exists():
                sql = json.loads(report.read_text())
                notes.append(
                    f"- {size:,} children, Spark: {len(sql['ran'])} named SQL steps ran on Spark "
                    f"SQL, {len(sql['declined'])} on DuckDB "
                    f"({', '.join(sorted(sql['declined']))})"
                )
            if not args.no_write:  # after each run: a run that does not finish loses no other
                replace_section(
                    SECTION, _lines(args, started, load_before, rows, notes), keep="### By hand"
                )
        if {"duckdb", "spark"} <= set(stores):
            found = compare(stores["duckdb"], stores["spark"])
            notes.append(
                f"- {size:,} children: {found.summary()}; explained by Leiden's path: "
                f"{found.explained}"
            )
            print(notes[-1], flush=True)
        if not args.no_write:
            replace_section(
                SECTION, _lines(args, started, load_before, rows, notes), keep="### By hand"
            )
    print("\n".join(_lines(args, started, load_before, rows, notes)))


def _lines(args, started, load_before, rows, notes) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        f"Measured {started:%Y-%m-%d %H:%M} UTC on {platform.machine()}, {os.cpu_count()} cores "
        f"({psutil.virtual_memory().total / 2**30:.0f} GiB), Python {platform.python_version()}, "
        f"Spark master `{args.master}`; the machine was shared with other helpers' work, niced "
        f"(load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after): wall times "
        "are upper bounds. Counties: `lantern synth --seed "
        f"{args.seed}` (a tuning seed), 10 years. `lantern assess --store` per engine, each in its "
        "own process; peak = the largest summed RSS of the process tree (Lantern, the JVM, Spark's "
        "Python workers), sampled every 0.5 s. Stage times in seconds.",
        "",
        "| children | engine | wall s | peak MB | ingest | resolve | indicators | graph | score | load after |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        "The Spark runs' SQL steps, and the two stores compared (`tests/spark_compare.py`):",
        "",
        *notes,
    ]


if __name__ == "__main__":
    main()
