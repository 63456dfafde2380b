"""`lantern evaluate --data` runs the real pipeline jointly and per agency on a small county."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lantern.cli import main
from lantern.synth.county import generate


@pytest.mark.slow
def test_evaluate_runs_the_pipeline_joint_and_siloed(tmp_path: Path) -> None:
    county = tmp_path / "county"
    generate(county, seed=8, children=500, years=3, start_year=2010)
    report_path = tmp_path / "report.json"
    code = main(
        [
            "evaluate",
            "--data",
            str(county),
            "--work",
            str(tmp_path / "work"),
            "--out",
            str(report_path),
        ]
    )
    assert code == 0
    report = json.loads(report_path.read_text())
    assert set(report["runs"]["siloed"]) == {"education", "health", "police", "social_care"}
    assert report["runs"]["joint"]["seconds"] > 0
    assert report["identity"]["records"] > 0
    assert report["identity"]["precision"] is not None
    assert "siloed" in report["lead_time"]
    assert (tmp_path / "work" / "siloed" / "police" / "children.csv").is_file()


def test_evaluate_removes_its_scratch_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    county = tmp_path / "county"
    generate(county, seed=8, children=200, years=2, start_year=2010)
    scratch_root = tmp_path / "scratch"
    scratch_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch_root))
    report_path = tmp_path / "report.json"
    code = main(["evaluate", "--data", str(county), "--no-siloed", "--out", str(report_path)])
    assert code == 0
    assert json.loads(report_path.read_text())["runs"]["joint"]["seconds"] > 0
    assert list(scratch_root.iterdir()) == []
