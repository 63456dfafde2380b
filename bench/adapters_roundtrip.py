"""The adapters' round trip on synthetic counties: social care → each format → `lantern adapt`
→ `lantern assess`, against the county with its social care reduced to what the format holds
("expected") and against the whole county ("interchange"). Rewrites the section
"Adapters: the round trip through the statutory returns" of bench/RESULTS.md.

    python bench/adapters_roundtrip.py --seeds 1 --children 2000 [--label tuning]

Seeds and their labels (tuning or held out) are fixed in docs/evaluation.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from results import replace_section  # noqa: E402 - bench/results.py; bench/ is on the path

from lantern.adapters import roundtrip
from lantern.pipeline import assess
from lantern.synth.county import generate

SECTION = (
    "## Adapters: the round trip through the statutory returns (`bench/adapters_roundtrip.py`)"
)
FORMATS = ("ssda903", "cin", "annex-a", "ssd")


def _flagged(flags: dict[str, tuple[str, str, str]]) -> set[str]:
    return {k for k, (band, _, _) in flags.items() if band in ("medium", "high")}


def _lost(full: set[str], adapted: set[str]) -> int:
    """Children flagged in the whole county none of whose records is in a flagged child of
    the adapted one (a child's records differ between the two: the return drops some)."""
    kept = {record for records in adapted for record in records.split(";")}
    return sum(1 for records in full if not kept & set(records.split(";")))


def _earlier_rows(seeds: list[int]) -> list[str]:
    """The table rows of other seeds already in the section (each seed is run on its own, a
    held-out one once, at the end)."""
    from results import RESULTS

    text = RESULTS.read_text("utf-8")
    if SECTION not in text:
        return []
    section = text[text.index(SECTION) :].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        first = line.split("|")[1].strip() if line.startswith("| ") else ""
        if first[:1].isdigit() and int(first.split()[0]) not in seeds:
            rows.append(line)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", default="1")
    parser.add_argument("--children", type=int, default=2000)
    parser.add_argument("--label", default="tuning", help="tuning or 'held out' (evaluation.md)")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    rows = _earlier_rows(seeds)
    with tempfile.TemporaryDirectory(prefix="adapters-bench-") as scratch:
        work = Path(scratch)
        for seed in seeds:
            county = work / f"county{seed}"
            generate(county, seed=seed, children=args.children, years=10, start_year=2004)
            assess(county, work / f"full{seed}")
            full = roundtrip.flags(work / f"full{seed}")
            for fmt in FORMATS:
                started = time.perf_counter()
                trip = roundtrip.build(county, fmt, work / f"{fmt}{seed}")
                seconds = time.perf_counter() - started
                adapted_events = roundtrip.event_keys(trip.adapted)
                expected_events = roundtrip.event_keys(trip.expected)
                assess(trip.adapted, work / f"a{fmt}{seed}")
                assess(trip.expected, work / f"e{fmt}{seed}")
                adapted = roundtrip.flags(work / f"a{fmt}{seed}")
                expected = roundtrip.flags(work / f"e{fmt}{seed}")
                same_persons = roundtrip.persons(work / f"a{fmt}{seed}") == roundtrip.persons(
                    work / f"e{fmt}{seed}"
                )
                rows.append(
                    f"| {seed} ({args.label}) | {fmt} | {sum(adapted_events.values()):,} | "
                    f"{sum(trip.not_held.values()):,} | "
                    f"{'yes' if adapted_events == expected_events else 'NO'} | "
                    f"{'yes' if same_persons else 'NO'} | "
                    f"{sum(1 for k in expected if adapted.get(k) != expected[k]):,} | "
                    f"{len(_flagged(full)):,} | {len(_flagged(adapted)):,} | "
                    f"{_lost(_flagged(full), _flagged(adapted)):,} | "
                    f"{_lost(_flagged(adapted), _flagged(full)):,} | {seconds:.1f} |"
                )
                print(rows[-1], flush=True)
    lines = [
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({os.cpu_count()} cores, Python {sys.version.split()[0]}), {args.children:,} "
        "children, 10 years. Each county's social care is written in the format, read back "
        "with `lantern adapt` and put in place of the county's own social care "
        "(*adapted*); *expected* is the county with its social care reduced, straight from "
        "the interchange rows, to what the format holds (`lantern.adapters.roundtrip.HELD`); "
        "*interchange* is the whole county. Flags are children at band medium or high from "
        "`lantern assess`.",
        "",
        "| seed | format | events read back | events the format cannot hold | events = expected "
        "| persons = expected | children whose band, score or first flag differ from expected "
        "| flagged (interchange) | flagged (adapted) | flagged in interchange, not adapted "
        "| flagged in adapted, not interchange | write + adapt s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        "What the formats cannot hold, and so the flags a partnership loses by sending a return "
        "in place of its case records, are listed in docs/adapters.md.",
    ]
    replace_section(SECTION, lines)


if __name__ == "__main__":
    main()
