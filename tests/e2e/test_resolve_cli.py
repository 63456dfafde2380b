"""`lantern resolve`, `lantern resolve decide` and `lantern resolve explain` through the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

from lantern.cli import main
from lantern.store.connection import connect
from resolve_support import create_store_tables, person


def test_resolve_decide_explain(store_path, capsys):
    con = connect(store_path)
    create_store_tables(con)
    person(con, "police", "P1", given_name="Amy", family_name="Li", date_of_birth="2000-01-01")
    person(con, "health", "H1", given_name="Amy", family_name="Li", date_of_birth="2000-01-01")
    con.close()

    assert main(["resolve", "--store", str(store_path)]) == 0
    assert "2 records → 1 persons" in capsys.readouterr().out

    code = main(
        [
            "resolve",
            "decide",
            "police:P1",
            "health:H1",
            "--different",
            "--by",
            "A Reviewer",
            "--reason",
            "different mothers",
            "--store",
            str(store_path),
        ]
    )
    assert code == 0
    assert main(["resolve", "--store", str(store_path)]) == 0
    assert "2 records → 2 persons" in capsys.readouterr().out

    assert main(["resolve", "explain", "police:P1", "health:H1", "--store", str(store_path)]) == 0
    explanation = json.loads(capsys.readouterr().out)
    assert explanation["same_person"] is False
    assert explanation["decision"]["decided_by"] == "A Reviewer"
    assert "same date of birth" in explanation["evidence"]


def test_decide_needs_exactly_one_of_same_or_different(store_path, capsys):
    con = connect(store_path)
    create_store_tables(con)
    con.close()
    code = main(
        ["resolve", "decide", "police:P1", "health:H1", "--by", "x", "--store", str(store_path)]
    )
    assert code == 2
    assert "exactly one of --same or --different" in capsys.readouterr().err


def test_resolve_without_a_store_says_so(store_path, capsys):
    connect(store_path).close()
    assert main(["resolve", "--store", str(store_path)]) == 4
    assert "the store lacks people" in capsys.readouterr().err


def test_explain_needs_no_pandas(store_path):
    """`make demo`'s environment has the runtime dependencies only, and pandas is not one."""
    con = connect(store_path)
    create_store_tables(con)
    person(con, "police", "P1", given_name="Amy", family_name="Li", date_of_birth="2000-01-01")
    person(con, "health", "H1", given_name="Amy", family_name="Li", date_of_birth="2000-01-01")
    con.close()
    assert main(["resolve", "--store", str(store_path)]) == 0
    without_pandas = (
        "import sys; sys.modules['pandas'] = None; from lantern.cli import main; "
        "sys.exit(main(sys.argv[1:]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", without_pandas, "resolve", "explain", "police:P1", "health:H1"]
        + ["--store", str(store_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    explanation = json.loads(done.stdout)
    assert explanation["same_person"] is True
    assert "date_of_birth" in {c["comparison"] for c in explanation["comparisons"]}
