"""`lantern adapt`, `lantern ingest --format` and `lantern synth --format`, through the CLI."""

from __future__ import annotations

import csv

from lantern.cli import main
from lantern.errors import UserError
from support import DATASETS, EXAMPLES

ADAPTERS = DATASETS / "adapters"


def test_adapt_writes_a_dataset_and_its_quarantine(tmp_path, capsys):
    out = tmp_path / "lac"
    assert main(["adapt", "ssda903", str(ADAPTERS / "ssda903-faults"), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Wrote" in text and "4 people, 8 events" in text
    assert "6 records not loaded and 2 values left out" in text
    with (out / "quarantine.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    duplicate = next(r for r in rows if r["line"] == "7")
    assert (duplicate["source_file"], duplicate["severity"]) == ("Episodes.csv", "error")
    assert duplicate["message"].startswith("Episodes.csv, line 7: a second episode")
    assert {"people.csv", "events.csv", "event_people.csv", "manifest.yaml"} <= {
        p.name for p in out.iterdir()
    }


def test_check_previews_a_mapping_and_writes_nothing(tmp_path, capsys):
    mapping = EXAMPLES / "mappings" / "police-occurrences.yaml"
    code = main(["adapt", str(mapping), str(ADAPTERS / "police-faults" / "export.csv"), "--check"])
    assert code == 0
    text = capsys.readouterr().out
    assert "The first 5 events, mapped" in text and "OC/2013/0101" in text
    assert "Columns no field reads: Officer" in text
    assert "event_type, Occurrence Type: 'Theft from Vehicle' × 1" in text
    assert "1 records would not be loaded" not in text  # three are: a count, not a guess
    assert "3 records would not be loaded" in text
    assert not list(tmp_path.iterdir())


def test_ingest_format_puts_the_adapters_quarantine_beside_the_stores(store_path, capsys):
    assert main(["ingest", "--format", "cin",
                 str(ADAPTERS / "cin-faults" / "cin_census_faults.xml"),
                 "--store", str(store_path)]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "source records could not be adapted" in out
    assert main(["quarantine", "--store", str(store_path)]) == 0
    listed = capsys.readouterr().out
    assert "cin_census_faults.xml, line 62, <Assessments>: is directly inside <Child>" in listed
    assert "cin_census_faults.xml, line 40, <CINdetails>: a second CIN episode" in listed


def test_an_unknown_format_is_a_user_error(tmp_path, capsys):
    code = main(["adapt", "ssda904", str(tmp_path), "--out", str(tmp_path / "o")])
    assert code == UserError.exit_code
    assert "unknown format 'ssda904'" in capsys.readouterr().err


def test_synth_writes_each_format_and_adapt_reads_it_back_cleanly(tmp_path, capsys):
    county = tmp_path / "county"
    assert main(["synth", "--out", str(county), "--children", "150", "--seed", "4",
                 "--format", "ssda903", "--format", "cin", "--format", "annex-a",
                 "--format", "ssd"]) == 0  # fmt: skip
    text = capsys.readouterr().out
    assert "events not held" in text
    sources = {
        "ssda903": county / "formats" / "ssda903",
        "cin": county / "formats" / "cin" / "cin_census.xml",
        "annex-a": county / "formats" / "annex-a" / "annex_a.xlsx",
        "ssd": county / "formats" / "ssd",
    }
    for fmt, source in sources.items():
        out = tmp_path / fmt
        assert main(["adapt", fmt, str(source), "--out", str(out)]) == 0
        with (out / "quarantine.csv").open(newline="") as handle:
            assert list(csv.DictReader(handle)) == [], fmt
        with (out / "events.csv").open(newline="") as handle:
            assert len(list(csv.DictReader(handle))) > 0, fmt


def test_adapt_refuses_a_folder_that_is_not_a_dataset(tmp_path, capsys):
    (tmp_path / "mine.txt").write_text("keep me")
    code = main(["adapt", "ssda903", str(ADAPTERS / "ssda903-faults"), "--out", str(tmp_path)])
    assert code == UserError.exit_code
    assert "not empty and not a dataset" in " ".join(capsys.readouterr().err.split())
    assert (tmp_path / "mine.txt").read_text() == "keep me"
