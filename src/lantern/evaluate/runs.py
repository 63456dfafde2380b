"""Running the pipeline for evaluation: jointly, and once per agency alone (the silos).

Each run is a separate Python process calling `lantern.pipeline.assess`, so its wall time and
peak memory are its own. The layout written under the work directory is

    WORK/joint/            persons.csv, children.csv, adults.csv, networks.csv, run.json
    WORK/siloed/<agency>/  the same, for that agency's records alone

and `lantern evaluate --assessed WORK` reads it back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from lantern.errors import UserError


def run_assess(
    dataset: Path, out: Path, *, agencies: list[str] | None = None, as_of: str | None = None
) -> dict[str, object]:
    """Run one assessment in a child process; returns its run.json (seconds, peak memory)."""
    out.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "lantern.evaluate.assess_process", str(dataset), str(out)]
    for agency in agencies or []:
        command += ["--agency", agency]
    if as_of:
        command += ["--as-of", as_of]
    done = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ))
    if done.returncode == 3:
        raise UserError(
            "the pipeline (lantern.pipeline.assess) is not available in this "
            "installation; evaluate an existing output with --assessed DIR"
        )
    if done.returncode != 0:
        raise UserError(
            f"assessment of {dataset} (agencies: {agencies or 'all'}) failed:\n"
            + done.stderr.strip()[-3000:]
        )
    return json.loads((out / "run.json").read_text())


def run_all(
    dataset: Path,
    work: Path,
    agencies: list[str],
    *,
    as_of: str | None = None,
    siloed: bool = True,
    progress: Callable[[str], None] | None = None,
) -> dict[str, object]:
    """The joint run and one run per agency; returns each run's measurements."""
    runs: dict[str, object] = {"joint": run_assess(dataset, work / "joint", as_of=as_of)}
    if progress:
        progress("joint")
    if siloed:
        silos: dict[str, object] = {}
        for agency in agencies:
            silos[agency] = run_assess(
                dataset, work / "siloed" / agency, agencies=[agency], as_of=as_of
            )
            if progress:
                progress(agency)
        runs["siloed"] = silos
    return runs


def layout(work: Path) -> tuple[Path, dict[str, Path]]:
    """(joint dir, {agency: siloed dir}) for a work directory, or (work, {}) for a single output."""
    joint = work / "joint"
    if not (joint / "persons.csv").is_file():
        return work, {}
    siloed_root = work / "siloed"
    silos = {}
    if siloed_root.is_dir():
        silos = {d.name: d for d in sorted(siloed_root.iterdir()) if (d / "persons.csv").is_file()}
    return joint, silos


def read_runs(work: Path) -> dict[str, object]:
    """The run.json measurements found in a work directory."""
    joint, silos = layout(work)
    runs: dict[str, object] = {}
    if (joint / "run.json").is_file():
        runs["joint"] = json.loads((joint / "run.json").read_text())
    measured = {
        a: json.loads((d / "run.json").read_text())
        for a, d in silos.items()
        if (d / "run.json").is_file()
    }
    if measured:
        runs["siloed"] = measured
    return runs
