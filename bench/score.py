"""Benchmark the score stage (the replay) on a store that has run every earlier stage.

    python bench/score.py STORE [--work /tmp/lantern-bench-score] [--as-of 2010-06-30]
                                [--reference DIR] [--no-write]

Copies STORE (the earlier stages' tables are read, the score tables rewritten),
times `lantern.score.stage.run` on the whole history and as of one date, with
each part of the stage timed, and peak memory. With `--reference DIR` (parquet
files of the score tables from an earlier run, e.g. before a change) it checks
the outputs are identical row for row. Rewrites its own section of
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import duckdb  # noqa: E402
import pandas  # noqa: E402, F401 - DuckDB imports it for Arrow; earlier stages have, in a pipeline run
from results import replace_section  # noqa: E402 - bench/results.py; bench/ is on the path

from lantern.score import facts, stage  # noqa: E402
from lantern.score import networks as network_replay  # noqa: E402
from lantern.score import replay as replay_module  # noqa: E402

SECTION = "## Score stage (`bench/score.py`)"
TABLES = ("assessments", "score_reasons", "score_history", "network_assessments", "score_persons")


def timed_parts() -> dict[str, float]:
    """Wrap the stage's parts so each one's wall time is added up."""
    seconds: dict[str, float] = {}

    def wrap(owner: object, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                seconds[label] = seconds.get(label, 0.0) + time.perf_counter() - started

        setattr(owner, name, timed)

    for name in ("read_records", "read_record_links", "read_hits", "read_link_facts"):
        wrap(facts, name, "read inputs")
    wrap(replay_module.Replay, "_step", "replay: steps")
    wrap(replay_module.Replay, "_state", "replay: final state")
    wrap(network_replay, "read_networks", "networks")
    wrap(network_replay, "replay_networks", "networks")
    for name in ("_person_ids", "_write_cluster_map", "_kinds", "_write"):
        wrap(stage, name, "write tables")
    return seconds


def compare(con: duckdb.DuckDBPyConnection, reference: Path) -> list[str]:
    out = []
    for table in TABLES:
        path = reference / f"{table}.parquet"
        if not path.exists():
            continue
        extra, missing = con.execute(
            f"""SELECT (SELECT count(*) FROM (SELECT * FROM {table} EXCEPT ALL
                                               SELECT * FROM '{path}')),
                       (SELECT count(*) FROM (SELECT * FROM '{path}' EXCEPT ALL
                                               SELECT * FROM {table}))"""  # noqa: S608
        ).fetchall()[0]
        out.append(
            f"{table}: {'identical' if extra == missing == 0 else f'{extra} new, {missing} gone'}"
        )
    return out


def write_results(lines: list[str]) -> None:
    replace_section(SECTION, lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--work", type=Path, default=Path("/tmp/lantern-bench-score"))
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2010, 6, 30))
    parser.add_argument("--reference", type=Path)
    parser.add_argument("--skip-as-of", action="store_true", help="Time the whole history only.")
    parser.add_argument("--weights", type=Path, help="A weights file (default: the package's).")
    parser.add_argument("--no-write", action="store_true", help="Print only.")
    args = parser.parse_args()

    args.work.mkdir(parents=True, exist_ok=True)
    copy = args.work / "score.duckdb"
    shutil.copyfile(args.store, copy)
    con = duckdb.connect(str(copy))
    children = con.execute("SELECT count(DISTINCT person_id) FROM persons").fetchall()[0][0]
    hits = con.execute("SELECT count(*) FROM indicator_hits").fetchall()[0][0]

    seconds = timed_parts()
    started = time.perf_counter()
    summary = stage.run(con, weights_path=args.weights)
    whole = time.perf_counter() - started
    parts = dict(seconds)
    checks = compare(con, args.reference) if args.reference else []
    as_of = None
    if not args.skip_as_of:
        seconds.clear()
        started = time.perf_counter()
        stage.run(con, args.as_of, weights_path=args.weights)
        as_of = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    lines = [
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"{os.cpu_count()} cores, shared with other work (figures are upper bounds). "
        f"Store: `{args.store}` ({children:,} persons, {hits:,} indicator hits; "
        f"{summary.children:,} children, {summary.band_changes:,} band changes).",
        "",
        "| run | wall s |",
        "|---|---|",
        f"| whole history | {whole:.1f} |",
        *(f"| — {name} | {value:.1f} |" for name, value in parts.items()),
        *([f"| as of {args.as_of} | {as_of:.1f} |"] if as_of is not None else []),
        "",
        f"Peak memory of the benchmark process: {peak_mb:,.0f} MB.",
    ]
    if checks:
        lines += ["", "Outputs against the reference run: " + "; ".join(checks) + "."]
    print("\n".join(lines))
    if not args.no_write:
        write_results(lines)


if __name__ == "__main__":
    main()
