"""`lantern catalogue`, `lantern indicators` and `lantern text` through the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from indicators_support import Store
from lantern.cli import main
from lantern.store.connection import connect

ROOT = Path(__file__).resolve().parents[2]


def test_lantern_text_reads_stdin_and_writes_json_lines():
    lines = [
        json.dumps({"id": "n1", "text": "She denies contact with older males.", "subject_age": 14}),
        "Her sister was pregnant at 15.",
    ]
    result = subprocess.run(
        [sys.executable, "-m", "lantern.cli", "text"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        check=True,
        timeout=300,
    )
    first, second = (json.loads(x) for x in result.stdout.splitlines())
    assert first["id"] == "n1" and first["hits"][0]["negated"] is True
    assert second["id"] == "2" and second["hits"][0]["experiencer"] == "other"


def test_lantern_indicators_on_a_store(store_path, capsys):
    store = Store()
    child = store.person("C1", dob=date(2001, 1, 1))
    for day in ("2013-01-01", "2013-01-10", "2013-01-20"):
        store.event(
            "missing_report", f"{day}T21:00", subject=child, narrative="Went missing again."
        )
    con = connect(store_path)
    store.write(con)
    con.close()
    assert main(["indicators", "--store", str(store_path)]) == 0
    assert "indicator_hits:" in capsys.readouterr().out
    con = connect(store_path, read_only=True)
    indicators = {r[0] for r in con.execute("SELECT indicator FROM indicator_hits").fetchall()}
    con.close()
    assert {"missing_episode", "missing_repeat"} <= indicators
    assert main(["indicators", "--store", str(store_path), "--as-of", "31/01/2013"]) == 2


def test_lantern_catalogue(capsys):
    assert main(["catalogue"]) == 0
    out = capsys.readouterr().out
    assert "legal_under13_sexual_activity" in out and "floor=high" in out
    assert main(["catalogue", "--markdown"]) == 0
    assert capsys.readouterr().out == (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
