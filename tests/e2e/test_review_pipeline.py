"""`lantern review DATASET` end to end: synthetic county → pipeline → review files."""

from __future__ import annotations

import csv

import pytest

from lantern.cli import main


def _rows(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.slow
def test_review_of_a_synthetic_county_agrees_with_the_assessment_and_the_truth(tmp_path):
    county, out = tmp_path / "county", tmp_path / "review"
    assert main(["synth", "--seed", "5", "--children", "150", "--out", str(county)]) == 0
    assert main(["review", str(county), "--out", str(out), "--no-pairs", "--no-pdf"]) == 0
    tiers = _rows(out / "tiers.csv")
    assert tiers, "a county with planted networks has children in a tier"
    children = {r["person_id"]: r for r in _rows(out / "assess" / "children.csv")}
    for row in tiers:
        # Every child in a tier is an assessed child, with the assessment's flag date.
        assert row["person_id"] in children
        assert row["first_flagged_at"] == (children[row["person_id"]]["first_flagged_at"] or "")
        assert row["tier"] in {"recognised", "probable", "possible"}
    owner = {
        f"{r['agency']}:{r['person_ref']}": r["person_id"]
        for r in _rows(county / "truth" / "records.csv")
    }
    victims = {r["person_id"] for r in _rows(county / "truth" / "victims.csv")}
    found = {owner[record] for row in tiers for record in row["records"].split(";")}
    assert len(found & victims) >= len(victims) // 2, "most planted victims are in some tier"
