"""What store generations cost: the copy, stamp and switch a run adds, beside a full run.

    python bench/generations.py [--children 2000] [--seed 1] [--work DIR] [--store STORE]

Builds a synthetic county (`lantern synth`, 10 years) and runs `lantern run` on it (the full
run's wall time), unless `--store` names a store already built. Then times, three times each:
a writer that does no work (`generations.writing`: copy the current generation, stamp it,
switch the link, clean up) — what every run and writing command adds; and what the app does
when it sees a new generation (open it read-only and read the children to sync alerts for).
Rewrites its own section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from results import replace_section  # noqa: E402 - bench/results.py; bench/ is on the path

from lantern.app.store_reader import Analytics  # noqa: E402
from lantern.store import generations  # noqa: E402

SECTION = "## Store generations (issue 21, `bench/generations.py`)"
LANTERN = [sys.executable, "-m", "lantern.cli"]


def _timed(work) -> float:  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    work()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/lantern-bench-generations"))
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--full-run", type=float, default=None, help="seconds, measured before")
    args = parser.parse_args()
    full_run = None
    if args.store is not None and args.full_run is not None:
        full_run = args.full_run  # measured before, by this script
    if args.store is None:
        shutil.rmtree(args.work, ignore_errors=True)
        args.work.mkdir(parents=True)
        county = args.work / "county"
        subprocess.run(
            [*LANTERN, "synth", "--seed", str(args.seed), "--children", str(args.children),
             "--years", "10", "--out", str(county)],
            check=True, capture_output=True,
        )  # fmt: skip
        store = args.work / "lantern.duckdb"
        full_run = _timed(
            lambda: subprocess.run(
                [*LANTERN, "run", str(county), "--store", str(store)],
                check=True,
                capture_output=True,
            )  # fmt: skip
        )
    else:
        store = args.store
    size_mb = (generations.current(store) or store).stat().st_size / 1e6

    def empty_writer() -> None:
        with generations.writing(store, "bench: no work"):
            pass

    writer = [_timed(empty_writer) for _ in range(3)]
    scratch = store.with_name("bench-copy.duckdb")
    copy = [_timed(lambda: shutil.copyfile(generations.current(store) or store, scratch))
            for _ in range(3)]  # fmt: skip
    scratch.unlink()

    def app_switch() -> None:
        analytics = Analytics(generations.current(store) or store)
        analytics.flagged_children()
        analytics.flagged_networks()
        analytics.close()

    switch = [_timed(app_switch) for _ in range(3)]
    cpu = os.cpu_count()
    lines = [
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, {cpu} cores "
        f"(shared), Python {platform.python_version()}, {platform.system()}; file system of "
        f"{store.parent}. Tuning data only (synthetic county seed {args.seed}).",
        "",
        "| what | seconds (median of 3) |",
        "|---|---|",
        f"| store size | {size_mb:,.0f} MB |",
    ]
    if full_run is not None:
        lines.append(
            f"| full `lantern run` ({args.children:,} children, 10 years) | {full_run:.1f} |"
        )
    lines += [
        f"| a generation with no work: copy, stamp, switch, clean up | {statistics.median(writer):.2f} |",
        f"| of which the copy alone (`shutil.copyfile`) | {statistics.median(copy):.2f} |",
        f"| the app's move to it: open read-only, read the flagged children and networks | "
        f"{statistics.median(switch):.2f} |",
        "",
        "The copy is what every run and writing command adds (a sequential read and write of "
        "the store); on a 150,000-child store it grows with the file (multiply by the size "
        "ratio). The app's move happens in its own thread: pages keep being served from the "
        "generation they started on.",
    ]
    print("\n".join(lines))
    replace_section(SECTION, lines)


if __name__ == "__main__":
    main()
