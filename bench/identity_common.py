"""What the issue 18 benchmarks share (bench/identity_places.py, bench/identity_time.py):
running Lantern from a copy of its source, the tuning counties, reading an evaluation
report, and writing a section of bench/RESULTS.md with its hand-written notes."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from results import replace_section  # noqa: E402 - bench/results.py; bench/ is on the path

ROOT = Path(__file__).resolve().parents[1]
# The tuning counties of docs/evaluation.md ("The protocol"): figures to trace by, not held out.
TUNING_SEEDS = (1, 2)
CHILDREN = 2000
CLI = "import sys; from lantern.cli import main; sys.exit(main(sys.argv[1:]))"


def lantern(args: list[str], src: Path | None, log: Path) -> None:
    """`lantern ARGS` in a child process, from the source tree `src` (a copy of src/, put on
    PYTHONPATH; None: the installed Lantern), its output in `log`."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    with log.open("w") as handle:
        subprocess.run([sys.executable, "-c", CLI, *args], env=env, stdout=handle,
                       stderr=subprocess.STDOUT, check=True)  # fmt: skip


def county(work: Path, seed: int, children: int = CHILDREN) -> Path:
    """`lantern synth` of one county into `work` (once: kept for the next run)."""
    path = work / f"county-s{seed}-{children}"
    if not (path / "events.csv").exists():
        work.mkdir(parents=True, exist_ok=True)
        lantern(["synth", "--out", str(path), "--seed", str(seed), "--children", str(children)],
                None, work / f"synth-s{seed}-{children}.log")  # fmt: skip
    return path


def evaluate(data: Path, report: Path, src: Path | None) -> None:
    """`lantern evaluate --no-siloed` (the lead over the siloed agencies not run)."""
    lantern(["evaluate", "--data", str(data), "--out", str(report), "--no-siloed"], src,
            report.with_suffix(".log"))  # fmt: skip


def quality(report: Path) -> dict[str, object]:
    """The figures these benchmarks print, from an evaluation report."""
    data = json.loads(report.read_text())
    flagged = data["children_at_risk"]["all"]
    ever = data["children_ever_flagged"]
    joint = data["lead_time"]["joint"]
    return {
        "identity_p": data["identity"]["precision"],
        "identity_r": data["identity"]["recall"],
        "p": flagged["precision"],
        "r": flagged["recall"],
        "flagged": flagged["flagged_rows"],
        "ever_p": ever["precision"],
        "ever_r": ever["recall"],
        "lead": joint["median_days"],
        "before_recognition": f"{joint['flagged_before_recognition']}/{joint['victims']}",
        "months_sign_to_flag": data["lead_time"]["per_victim"][
            "median_months_first_signal_to_joint_flag"
        ],
    }


def write_section(heading: str, lines: list[str], work: Path, notes: str = "notes.md") -> None:
    """The section `heading` of bench/RESULTS.md: `lines`, then the notes written by hand
    in `work`/`notes` (what the figures show), if any."""
    written = work / notes
    if written.exists():
        lines = [*lines, "", written.read_text().rstrip()]
    replace_section(heading, lines)


def commands(doc: str | None) -> tuple[argparse.ArgumentParser, argparse._SubParsersAction]:
    """A parser described by the first line of `doc`, and its required subcommands."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    return parser, parser.add_subparsers(dest="command", required=True)
