"""The pipeline's graph stage copies the indicators' dates of birth as known at each moment
(`evidence.build_dates_of_birth(from_indicators=True)`): the same rule on the same spans, which
it used to compute a second time. The copy equals the graph's own computation."""

from __future__ import annotations

from pathlib import Path

import duckdb

from lantern.graph import evidence
from lantern.graph.rules import load_rules
from lantern.pipeline import assess
from lantern.synth.county import generate

TABLES = [f"graph_{t}" for t in evidence.DATES_OF_BIRTH_TABLES]


def _rows(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}  # noqa: S608


def test_the_copied_dates_of_birth_equal_the_graphs_own(tmp_path: Path) -> None:
    county = tmp_path / "county"
    generate(county, seed=4, children=30, years=2)
    store = tmp_path / "store.duckdb"
    assess(county, tmp_path / "out", store_path=store)
    con = duckdb.connect(str(store))
    try:
        copied = _rows(con)
        assert sum(len(rows) for rows in copied.values()) > 0
        evidence.build_dates_of_birth(con, load_rules())  # computed, as `lantern graph build`
        assert _rows(con) == copied
    finally:
        con.close()
