"""Detection on counties nobody on the team generated (issue 16): `python bench/independent.py`.

For each seed: write the county (`../shared/eval/county/make_county.py`, written outside
the team, or `lantern synth --profile hard`), run `lantern evaluate --no-siloed` on it (the
joint view only), and print one Markdown row per county with the measures the issue's aims
are stated in: precision and recall of children at band >= medium (all, girls, boys), early
recall (flagged >= 30 days before recognition), false networks per 10,000 children (all
reported, and those put forward as CSE), benign people inside flagged CSE networks, the
flagged networks' sizes, and adults' precision and recall at band >= medium.

Which seeds are tuning and which held out is fixed in docs/evaluation.md ("The protocol");
say which with `--use`. Held-out seeds are run once, with the code frozen, and not traced.
The rows are pasted into bench/RESULTS.md, section "Detection on independent counties
(issue 16)", with the machine and date this script prints.

    python bench/independent.py --source make_county --seeds 1 2 --children 2000 --use tuning
    python bench/independent.py --source hard --seeds 311 312 313 --children 10000 --use "held out"
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _make_county_script() -> Path:
    """`shared/eval/county/make_county.py` beside the checkout or above it: the main checkout
    sits next to `shared/`, a worktree one level further down (LANTERN_MAKE_COUNTY overrides)."""
    if os.environ.get("LANTERN_MAKE_COUNTY"):
        return Path(os.environ["LANTERN_MAKE_COUNTY"])
    for parent in ROOT.parents:
        candidate = parent / "shared" / "eval" / "county" / "make_county.py"
        if candidate.exists():
            return candidate
    return ROOT.parent / "shared" / "eval" / "county" / "make_county.py"


MAKE_COUNTY = _make_county_script()


def write_county(source: str, seed: int, children: int, out: Path) -> None:
    if (out / "truth" / "victims.csv").exists():
        return
    if source == "make_county":
        command = [sys.executable, str(MAKE_COUNTY), "--seed", str(seed)]
    else:
        command = [sys.executable, "-m", "lantern.cli", "synth", "--seed", str(seed)]
        if source == "hard":
            command += ["--profile", "hard"]
    command += ["--children", str(children), "--out", str(out)]
    subprocess.run(command, check=True, capture_output=True)


def evaluate(data: Path, work: Path, report: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "lantern.cli", "evaluate", "--data", str(data), "--no-siloed",
         "--work", str(work), "--out", str(report)],
        check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - started


def _f(value: object) -> str:
    return "–" if value is None else f"{value:.2f}" if isinstance(value, float) else str(value)


def row(source: str, seed: int, children: int, use: str, report: dict, seconds: float) -> str:
    risk = report["children_at_risk"]
    nets = report["networks"]
    adults = report["adults"]["at_least_medium"]
    early = report["lead_time"]["joint"]
    benign = nets["benign_in_flagged"]
    sizes = nets["flagged_sizes"]
    other = risk.get("listed_as_other_exploitation", {})
    cells = [
        source, str(seed), str(children), use, str(report["truth"]["victims"]),
        f"{_f(risk['all']['precision'])} ({risk['all']['flagged_rows']})",
        _f(risk["all"]["recall"]),
        f"{_f(risk['F']['recall'])} / {_f(risk['M']['recall'])}",
        f"{_f(risk['F']['precision'])} / {_f(risk['M']['precision'])}",
        _f(early["early_recall"]),
        f"{nets['found']}/{nets['planted']}",
        f"{_f(nets['false_per_10000_children'])} / {_f(nets['false_cse_per_10000_children'])}"
        f" / {_f(nets['false_flagged_per_10000_children'])}"
        f" / {_f(nets.get('false_put_forward_per_10000_children'))}",
        f"{benign['members']} ({benign['networks_with_benign_members']})",
        f"{sizes['networks']}: {_f(sizes['median'])} / {_f(sizes['max'])}",
        f"{_f(adults['precision'])} / {_f(adults['recall'])} ({adults['rows']})",
        f"{other.get('rows', 0)} ({other.get('victim_rows', 0)})",
        f"{seconds:.0f}",
    ]  # fmt: skip
    return "| " + " | ".join(cells) + " |"


HEADER = (
    "| county | seed | children | use | victims | precision (flagged) | recall | recall F / M "
    "| precision F / M | early recall | planted found | false nets /10k: all / CSE / flagged / put forward "
    "| benign in flagged nets (nets) | flagged nets: n: median / max size "
    "| adults >= medium P / R (rows) | listed under another concern (victims) | evaluate s |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", choices=("make_county", "hard", "synth"), required=True)
    parser.add_argument("--seeds", type=int, nargs="+", required=True)
    parser.add_argument("--children", type=int, default=2000)
    parser.add_argument("--use", required=True, help='"tuning" or "held out"')
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "_work" / "independent")
    args = parser.parse_args()
    print(
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}."
    )
    print(HEADER)
    for seed in args.seeds:
        name = f"{args.source}-{seed}-{args.children}"
        data = args.work / name
        write_county(args.source, seed, args.children, data)
        report_path = args.work / f"{name}.json"
        seconds = evaluate(data, args.work / f"{name}-work", report_path)
        report = json.loads(report_path.read_text(encoding="utf-8"))
        print(row(args.source, seed, args.children, args.use, report, seconds), flush=True)


if __name__ == "__main__":
    main()
