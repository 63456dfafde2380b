"""`lantern synth` through the command line, in fresh processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from lantern.cli import main


def _synth(out: Path, hash_seed: str, *extra: str) -> None:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "lantern.cli",
            "synth",
            "--seed",
            "5",
            "--children",
            "800",
            "--years",
            "3",
            "--start-year",
            "2010",
            "--out",
            str(out),
            *extra,
        ],
        check=True,
        env=env,
        capture_output=True,
    )


def test_two_processes_write_identical_counties(tmp_path: Path) -> None:
    _synth(tmp_path / "a", "1")
    _synth(tmp_path / "b", "2")
    for name in (
        "people.csv",
        "events.csv",
        "event_people.csv",
        "event_things.csv",
        "truth/records.csv",
        "truth/victims.csv",
    ):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_two_processes_write_identical_hard_counties(tmp_path: Path) -> None:
    _synth(tmp_path / "a", "3", "--profile", "hard")
    _synth(tmp_path / "b", "4", "--profile", "hard")
    for name in ("people.csv", "events.csv", "event_things.csv", "truth/signal_events.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    about = yaml.safe_load((tmp_path / "a" / "truth" / "manifest.yaml").read_text())
    assert about["profile"] == "hard"


def test_the_command_reports_and_writes_a_manifest(tmp_path: Path, capsys) -> None:
    assert (
        main(
            [
                "synth",
                "--seed",
                "2",
                "--children",
                "600",
                "--years",
                "3",
                "--out",
                str(tmp_path / "c"),
            ]
        )
        == 0
    )
    assert "planted networks" in capsys.readouterr().out
    manifest = yaml.safe_load((tmp_path / "c" / "manifest.yaml").read_text())
    assert manifest["lantern_interchange"] == 1
    about = yaml.safe_load((tmp_path / "c" / "truth" / "manifest.yaml").read_text())
    assert about["networks"] >= 3 and about["seed"] == 2


def test_a_county_needs_children(tmp_path: Path) -> None:
    assert main(["synth", "--children", "0", "--out", str(tmp_path / "d")]) == 2


def test_it_will_not_write_into_a_directory_holding_something_else(tmp_path: Path) -> None:
    (tmp_path / "e").mkdir()
    (tmp_path / "e" / "people.parquet").write_text("not ours")
    assert main(["synth", "--children", "300", "--out", str(tmp_path / "e")]) == 2
