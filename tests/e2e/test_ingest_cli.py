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
        every = list(csv.DictReader(handle))
    rows = [r for r in every if r["severity"] == "quarantined"]
    assert [r["value"] for r in rows] == ["'=1+1", "'@SUM(A1)"]
    # the header's warnings (no name columns) are exported beside them, marked as warnings
    assert {r["column_name"] for r in every if r["severity"] == "warning"} == {
        "given_name",
        "family_name",
    }
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


def _write(directory, files: dict[str, str]):  # type: ignore[no-untyped-def]
    directory.mkdir()
    for name, text in files.items():
        (directory / name).write_text(text)
    return directory


def test_a_wholly_quarantined_file_loads_the_rest_and_exits_non_zero(store_path, tmp_path, capsys):
    dataset = _write(
        tmp_path / "d",
        {
            "people.csv": "agency,person_ref,given_name,family_name\npolice,P1,Amy,Shaw\n",
            "events.csv": "agency,event_ref,event_type,occurred_at\n"
            "police,E1,incident,not a date\npolice,E2,incident,nor this\n",
        },
    )
    assert main(["ingest", str(dataset), "--store", str(store_path)]) == DatasetError.exit_code
    captured = capsys.readouterr()
    assert "people" in captured.out and "total" in captured.out  # the summary table first
    assert "the load is incomplete (1 problem)" in captured.err
    assert "events.csv: all 2 rows quarantined, none loaded" in captured.err
    assert f"lantern quarantine --store {store_path}" in " ".join(captured.err.split())
    # the rest loaded
    main(["quarantine", "--store", str(store_path)])
    assert "Load L0001: 2 quarantined rows" in capsys.readouterr().out


def test_a_people_file_without_family_name_is_refused_and_listed(store_path, tmp_path, capsys):
    dataset = _write(
        tmp_path / "d",
        {"people.csv": "agency,person_ref,given_name,date_of_birth\npolice,P1,Amy,2001-01-01\n"},
    )
    assert main(["ingest", str(dataset), "--store", str(store_path)]) == DatasetError.exit_code
    err = " ".join(capsys.readouterr().err.split())
    assert "people.csv line 1, family_name: the header has no family_name column" in err
    assert "cannot be linked by name" in err
    assert main(["quarantine", "--store", str(store_path)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Load L0001: 0 quarantined rows" in out
    assert "Load L0001: 1 warning (rows and headers that loaded)" in out
    assert "the header has no family_name column" in out


def test_run_shows_the_loads_warnings_and_stops_on_an_incomplete_load(tmp_path, capsys):
    store = tmp_path / "lantern.duckdb"
    out = tmp_path / "results"
    dataset = _write(
        tmp_path / "d",
        {"people.csv": "agency,given_name,family_name\npolice,Amy,Shaw\n"},
    )
    assert main(["run", str(dataset), "--store", str(store), "--out", str(out)]) == 3
    err = " ".join(capsys.readouterr().err.split())
    assert "the header has no person_ref column, which is required" in err
    assert not out.exists()  # no results folder left behind by a failed command
    # The incomplete load was not made current (no store yet); the refused copy is kept for
    # `lantern quarantine` and the message says so.
    assert not store.exists() and "nothing was switched" in err
    refused = tmp_path / "lantern.duckdb.generations" / "refused-000001.duckdb"
    # (the message is wrapped at the terminal's width, which may fall inside the long path)
    assert refused.exists() and f"lanternquarantine--store{refused}" in "".join(err.split())
    assert "lantern-run outcome=failed exit=3" in err
    assert main(["quarantine", "--store", str(refused)]) == 0
    assert "person_ref" in capsys.readouterr().out
    assert main(["run", str(EXAMPLES / "riverside"), "--store", str(store)]) == 0
    said = capsys.readouterr().out
    assert "load L0001:" in said and "rows read" in said and "with warnings" in said


def test_assess_leaves_no_out_folder_when_it_fails(tmp_path, capsys):
    out = tmp_path / "results"
    code = main(["assess", str(tmp_path / "no-such-dataset"), "--out", str(out)])
    assert code == DatasetError.exit_code
    assert not out.exists()
    existing = tmp_path / "kept"
    existing.mkdir()
    main(["assess", str(tmp_path / "no-such-dataset"), "--out", str(existing)])
    assert existing.is_dir()  # a folder that was there before is left as it was
