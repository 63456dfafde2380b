"""Text analysis: the tuning half of the dev notes in two folds, and notes per second.

The tuning half (`bench/_work/text-dev/tune.jsonl`, odd ids; `bench/split_text_dev.py`) is split
by a fixed rule into fold A (id number = 1 mod 4: d001, d005, ...) and fold B (id number = 3 mod
4: d003, d007, ...). Rules are developed on fold A only; fold B says whether a change carries
to notes it was not made from (a change that helps A and not B is fitting A's notes). The
held-out half (even ids) is not read here.

Quality: `shared/eval/text/score_text.py` on each fold with `lantern text`.
Speed: `lantern.indicators.text.analyse.analyse_many` on the tuning notes repeated (realistic
notes, several sentences each), one process and two, with the load average at the time.

Run: .venv/bin/python bench/text_folds.py [--quality] [--speed N]   (prints; writes nothing
but the folds under bench/_work/text-dev/)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "_work" / "text-dev"
TUNE = WORK / "tune.jsonl"
SCORER = next(
    (
        p / "shared" / "eval" / "text" / "score_text.py"
        for p in ROOT.parents
        if (p / "shared" / "eval" / "text" / "score_text.py").exists()
    ),
    ROOT.parent / "shared" / "eval" / "text" / "score_text.py",
)


def fold_of(case_id: str) -> str:
    number = int("".join(ch for ch in case_id if ch.isdigit()))
    if number % 2 == 0:
        raise ValueError(f"{case_id} is in the held-out half, not the tuning half")
    return "A" if number % 4 == 1 else "B"


def write_folds() -> dict[str, Path]:
    lines = [line for line in TUNE.read_text(encoding="utf-8").splitlines() if line.strip()]
    folds: dict[str, list[str]] = {"A": [], "B": []}
    for line in lines:
        folds[fold_of(json.loads(line)["id"])].append(line)
    paths = {}
    for name, rows in folds.items():
        paths[name] = WORK / f"fold_{name}.jsonl"
        paths[name].write_text("\n".join(rows) + "\n", encoding="utf-8")
    return paths


_FIGURES = {
    "P/R": re.compile(r"affirmed\s+P\s*=?\s*([\d.]+)\s+R\s*=?\s*([\d.]+)"),
}


def score(path: Path, verbose: bool = False) -> str:
    cmd = [sys.executable, str(SCORER), "--cases", str(path), "--repeat-to", "0"]
    cmd += ["--cmd", f"{ROOT / '.venv' / 'bin' / 'lantern'} text"]
    if verbose:
        cmd.append("--verbose")
    return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout


def speed(n: int) -> list[str]:
    sys.path.insert(0, str(ROOT / "src"))
    from lantern.indicators.text.analyse import analyse_many, shared_analyser

    notes = [json.loads(line)["text"] for line in TUNE.read_text(encoding="utf-8").splitlines()]
    texts = [notes[i % len(notes)] for i in range(n)]
    words = sum(len(t.split()) for t in texts) / len(texts)
    shared_analyser()
    out = [
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()} "
        f"({os.cpu_count()} cores), Python {platform.python_version()}; {n:,} tuning notes "
        f"(the 160 repeated; {words:.0f} words on average)"
    ]
    for processes in (1, 2):
        load = os.getloadavg()[0]
        wall, cpu = time.perf_counter(), time.process_time()
        count = sum(1 for _ in analyse_many(texts, n_process=processes))
        rate = count / (time.perf_counter() - wall)
        # the workers' CPU is not this process's: per CPU second only for one process
        per_cpu = (
            f", {count / (time.process_time() - cpu):,.0f} per CPU second" if processes == 1 else ""
        )
        out.append(
            f"processes {processes}: {rate:,.0f} notes/s (wall clock){per_cpu}; load average "
            f"before {load:.2f}, after {os.getloadavg()[0]:.2f}"
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--speed", type=int, default=0, help="notes to time (0: no timing)")
    args = parser.parse_args()
    if args.quality:
        for name, path in write_folds().items():
            print(f"== fold {name} ({path.name})")
            print(score(path, args.verbose))
        print("== whole tuning half")
        print(score(TUNE, args.verbose))
    if args.speed:
        print("\n".join(speed(args.speed)))


if __name__ == "__main__":
    main()
