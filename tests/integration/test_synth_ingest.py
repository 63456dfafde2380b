"""A generated county loads through the interchange rules with nothing quarantined."""

from __future__ import annotations

from pathlib import Path

from lantern.store.connection import connect
from lantern.store.ingest import ingest
from lantern.synth.county import generate


def test_a_small_county_ingests_with_no_quarantined_or_warned_rows(
    tmp_path: Path, store_path: Path
) -> None:
    county = tmp_path / "county"
    summary = generate(county, seed=4, children=1200, years=5, start_year=2008)
    con = connect(store_path)
    loaded = ingest(con, county)
    assert loaded.total("quarantined") == 0
    # the only warnings are the deliberate NHS-number typos (two digits transposed)
    warned = con.execute("SELECT DISTINCT column_name FROM load_warnings").fetchall()
    assert warned in ([], [("nhs_number",)])
    assert loaded.total("loaded", "events") == summary.events
    assert loaded.total("loaded", "people") == summary.person_records
    # ethnicity goes to equality monitoring only
    assert con.execute("SELECT count(*) FROM equality_monitoring").fetchone()[0] > 0
