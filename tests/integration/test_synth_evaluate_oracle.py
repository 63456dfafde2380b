"""Evaluating a perfect assessment built from a county's own truth gives perfect scores.

This checks the truth files against each other (every record's person, every victim in a
network, recognition after first signal) through the evaluator itself.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from lantern.evaluate.metrics import evaluate_outputs
from lantern.synth.county import generate


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def oracle(county: Path, out: Path) -> Path:
    """The assessment a perfect Lantern would write: true persons, victims flagged at their first signal."""
    truth = county / "truth"
    records: dict[str, list[str]] = defaultdict(list)
    for r in _rows(truth / "records.csv"):
        records[r["person_id"]].append(f"{r['agency']}:{r['person_ref']}")
    victims = {v["person_id"]: v for v in _rows(truth / "victims.csv")}
    kinds = {p["person_id"]: p["kind"] for p in _rows(truth / "persons.csv")}
    out.mkdir(parents=True)
    with open(out / "persons.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(("person_id", "records"))
        for person, recs in records.items():
            w.writerow((person, ";".join(recs)))
    with open(out / "children.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            (
                "person_id",
                "records",
                "band",
                "score",
                "first_flagged_at",
                "network_ids",
                "top_reasons",
            )
        )
        for person, recs in records.items():
            if kinds[person] == "child":
                v = victims.get(person)
                w.writerow(
                    (
                        person,
                        ";".join(recs),
                        "high" if v else "none",
                        1 if v else 0,
                        v["first_signal_date"] if v else "",
                        v["network_id"] if v else "",
                        "",
                    )
                )
    members: dict[str, list[str]] = defaultdict(list)
    for m in _rows(truth / "network_members.csv"):
        if m["person_id"] in records:
            members[m["network_id"]].append(m["person_id"])
    with open(out / "networks.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            ("network_id", "members", "child_count", "adult_count", "score", "first_flagged_at")
        )
        for network, people in members.items():
            w.writerow((network, ";".join(people), "", "", "", ""))
    return out


def test_a_perfect_assessment_scores_perfectly(tmp_path: Path) -> None:
    county = tmp_path / "county"
    generate(county, seed=3, children=2000, years=8, start_year=2005)
    report = evaluate_outputs(oracle(county, tmp_path / "oracle"), county / "truth")
    assert report["identity"]["precision"] == 1.0
    assert report["identity"]["recall"] == 1.0
    assert report["children_at_risk"]["all"]["precision"] == 1.0
    assert report["children_at_risk"]["all"]["recall"] == 1.0
    networks = report["networks"]
    assert networks["planted"] >= 3
    assert networks["found"] == networks["planted"]
    assert networks["false"] == 0
    lead = report["lead_time"]["joint"]
    assert lead["flagged"] == lead["victims"] == lead["flagged_before_recognition"]
    assert lead["median_days"] > 0
