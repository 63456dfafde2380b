"""Resolve on a small synthetic county (`lantern synth` → `lantern ingest` → resolve) against its truth."""

from __future__ import annotations

import pytest

from lantern.cli import main
from lantern.resolve import stage
from lantern.resolve.quality import pairwise_quality
from lantern.store.connection import connect


def _load_truth(con, county):
    truth = county / "truth" / "records.csv"
    select = "SELECT agency || ':' || person_ref AS record_id, person_id AS entity_id"
    con.execute(f"CREATE TABLE truth AS {select} FROM read_csv_auto('{truth}')")  # noqa: S608


def test_resolve_finds_the_county_persons(tmp_path, store_path):
    county = tmp_path / "county"
    assert main(["synth", "--seed", "3", "--children", "250", "--out", str(county)]) == 0
    assert main(["ingest", str(county), "--store", str(store_path)]) == 0
    con = connect(store_path)
    _load_truth(con, county)
    summary = stage.run(con)
    quality = pairwise_quality(con, "truth")
    assert quality.true_pairs > 100
    assert quality.precision >= 0.97, quality
    assert quality.recall >= 0.95, quality
    # every ingested person record is in exactly one person
    counts = con.execute(
        "SELECT (SELECT count(*) FROM people), count(*), count(DISTINCT record_id) FROM persons"
    ).fetchall()[0]
    assert counts[0] == counts[1] == counts[2] == summary.records
    assert summary.things > 0 and summary.thing_mentions >= summary.things
    con.close()


@pytest.mark.slow
def test_resolve_county_with_em(tmp_path, store_path):
    county = tmp_path / "county"
    assert main(["synth", "--seed", "5", "--children", "1000", "--out", str(county)]) == 0
    assert main(["ingest", str(county), "--store", str(store_path)]) == 0
    con = connect(store_path)
    _load_truth(con, county)
    summary = stage.run(con, training="em")
    assert any("expectation maximisation" in line for line in summary.training)
    assert pairwise_quality(con, "truth").f1 >= 0.97
    con.close()
