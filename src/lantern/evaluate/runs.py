"""Where the evaluation's runs are: jointly, and once per agency alone (the silos).

`lantern evaluate --data` runs them (`lantern.pipeline.assess_apart` and `assess_agency_sets`,
each in its own process, so its wall time and peak memory are its own). The layout written under
the work directory is

    WORK/joint/            persons.csv, children.csv, adults.csv, networks.csv, run.json
    WORK/siloed/<agency>/  the same, for that agency's records alone

and `lantern evaluate --assessed WORK` reads it back.
"""

from __future__ import annotations

import json
from pathlib import Path


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
