"""`lantern schema`, `lantern ingest` and `lantern quarantine`, end to end through the CLI."""

from __future__ import annotations

import csv

from lantern.cli import main
from lantern.errors import DatasetError
from lantern.interchange.schema import render_markdown
from support import DATASETS, EXAMPLES


def test_ingest_prints_a_summary_and_exits_0(store_path, capsys):
    assert main(["ingest", str(EXAMPLES / "riverside"), "--store", str(store_path)]) == 0
    out = capsys.readouterr().out
    assert "Load L0001" in out and "riverside-example" in out
    assert "total" in out and "rows read" in out
    assert store_path.exists()


def test_ingest_exits_0_even_with_quarantined_rows(store_path, capsys):
    assert main(["ingest", str(DATASETS / "bad" / "rows"), "--store", str(store_path)]) == 0
    assert "rows quarantined: see `lantern quarantine" in capsys.readouterr().out


def test_an_unreadable_dataset_exits_with_the_dataset_error_code(store_path, capsys):
    code = main(["ingest", str(DATASETS / "no-such-dataset"), "--store", str(store_path)])
    assert code == DatasetError.exit_code != 0
    assert "DatasetError" in capsys.readouterr().err


def test_quarantine_lists_the_latest_load(store_path, capsys):
    main(["ingest", str(DATASETS / "bad" / "rows"), "--store", str(store_path)])
    capsys.readouterr()
    assert main(["quarantine", "--store", str(store_path)]) == 0
    out = capsys.readouterr().out
    assert "Load L0001: 25 quarantined rows" in out
    assert "people.csv line 3, date_of_birth: '31/02/2011' is not a date" in out


def test_quarantine_export_writes_csv_with_formulas_escaped(store_path, tmp_path, capsys):
    directory = tmp_path / "d"
    directory.mkdir()
    (directory / "people.csv").write_text(
        "agency,person_ref,date_of_birth\npolice,P1,=1+1\npolice,P2,@SUM(A1)\n"
    )
    main(["ingest", str(directory), "--store", str(store_path)])
    out = tmp_path / "rejected.csv"
    assert main(["quarantine", "--store", str(store_path), "--export", str(out)]) == 0
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["value"] for r in rows] == ["'=1+1", "'@SUM(A1)"]
    assert all(not r["message"].startswith(("=", "+", "-", "@")) for r in rows)


def test_quarantine_of_an_unknown_load_is_a_store_error(store_path, capsys):
    main(["ingest", str(EXAMPLES / "riverside"), "--store", str(store_path)])
    assert main(["quarantine", "--store", str(store_path), "--load", "L9999"]) == 4


def test_schema_prints_every_table_and_writes_markdown(tmp_path, capsys):
    assert main(["schema"]) == 0
    out = capsys.readouterr().out
    for name in ("people", "events", "event_people", "event_things", "occurred_at"):
        assert name in out
    target = tmp_path / "schema.md"
    assert main(["schema", "--markdown", str(target)]) == 0
    assert target.read_text() == render_markdown() + "\n"
