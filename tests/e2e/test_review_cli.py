"""`lantern review` through the CLI, on an existing store (`--store`)."""

from __future__ import annotations

import csv

import pytest

from lantern.cli import main
from lantern.review import upstream
from lantern.store.connection import connect


@pytest.fixture
def small_store(store_path):
    """Two children: one recognised by a CIN 11A code, one flagged by the joint view."""
    con = connect(store_path)
    upstream.create_contract_tables(con)
    con.execute("""
        INSERT INTO people (record_id, agency, person_ref, date_of_birth, sex) VALUES
            ('police:A', 'police', 'A', DATE '1996-02-01', 'F'),
            ('health:H', 'health', 'H', DATE '1996-02-01', 'F'),
            ('social_care:B', 'social_care', 'B', DATE '1997-05-01', 'M');
        INSERT INTO persons VALUES ('police:A', 'P01'), ('health:H', 'P01'), ('social_care:B', 'P02');
        INSERT INTO assessments (person_id, kind, band, first_flagged_at, as_of) VALUES
            ('P01', 'child', 'medium', DATE '2010-03-10', DATE '2012-12-31'),
            ('P02', 'child', 'low', NULL, DATE '2012-12-31');
        INSERT INTO events (event_id, agency, event_ref, event_type, occurred_at, recorded_at,
                            outcome, codes) VALUES
            ('police:E1', 'police', 'E1', 'missing_report', '2010-01-10', '2010-01-10', NULL, NULL),
            ('health:E2', 'health', 'E2', 'sti_diagnosis', '2010-03-10', '2010-03-10', NULL, NULL),
            ('police:E3', 'police', 'E3', 'missing_report', '2010-04-01', '2010-04-01', 'NFA', NULL),
            ('social_care:E4', 'social_care', 'E4', 'assessment', '2011-05-01', '2011-05-01', NULL,
             'cin:11A');
        INSERT INTO event_people (event_id, record_id, role) VALUES
            ('police:E1', 'police:A', 'subject'), ('health:E2', 'health:H', 'subject'),
            ('police:E3', 'police:A', 'subject'), ('social_care:E4', 'social_care:B', 'subject');
        INSERT INTO indicator_hits (hit_id, category, agency, event_id, record_id, occurred_at,
                                    recorded_at, source) VALUES
            ('h1', 'missing', 'police', 'police:E1', 'police:A', '2010-01-10', '2010-01-10', 'structured'),
            ('h2', 'sexual_health', 'health', 'health:E2', 'health:H', '2010-03-10', '2010-03-10', 'structured');
    """)  # fmt: skip
    con.close()
    return store_path


def test_review_of_an_existing_store_writes_every_file(small_store, tmp_path, capsys):
    out = tmp_path / "review"
    code = main(["review", "--store", str(small_store), "--out", str(out), "--no-pdf"])
    assert code == 0
    assert {p.name for p in out.iterdir()} >= {"report.html", "review.xlsx", "tiers.csv"}
    with (out / "tiers.csv").open(encoding="utf-8") as handle:
        rows = {r["person_id"]: r for r in csv.DictReader(handle)}
    assert rows["P01"]["tier"] == "possible" and rows["P01"]["first_flagged_at"] == "2010-03-10"
    assert rows["P02"]["tier"] == "recognised"
    terminal = capsys.readouterr().err
    assert "recognised" in terminal and "possible" in terminal


def test_a_bad_date_is_a_user_error_not_a_traceback(small_store, tmp_path, capsys):
    code = main(
        ["review", "--store", str(small_store), "--out", str(tmp_path), "--to", "2012-13-01"]
    )
    assert code == 2
    assert "is not a date" in capsys.readouterr().err


def test_a_store_without_the_score_tables_says_what_to_run(store_path, tmp_path, capsys):
    connect(store_path).close()
    code = main(["review", "--store", str(store_path), "--out", str(tmp_path / "r")])
    assert code == 4
    assert "run the pipeline" in capsys.readouterr().err
