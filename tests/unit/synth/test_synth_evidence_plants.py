"""Issue 22's plants in the synthetic county (evidence_plants.py): withdrawn disclosures after
their disclosure, sightings, disruption actions a load accepts, and effects that show."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from lantern.synth.county import generate


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("county")
    generate(out, seed=5, children=2000, years=8, start_year=2005)
    return out


def test_every_plant_is_a_record_of_the_county(county: Path) -> None:
    events = {(e["agency"], e["event_ref"]): e for e in _rows(county / "events.csv")}
    plants = _rows(county / "truth" / "evidence_plants.csv")
    assert {p["plant"] for p in plants} >= {"disclosure", "withdrawal", "sighting"}
    disclosed = {}
    for p in plants:
        event = events[(p["agency"], p["event_ref"])]
        assert event["occurred_at"][:10] == p["day"]
        if p["plant"] == "disclosure":
            disclosed[p["person_id"]] = p["day"]
    for p in plants:
        if p["plant"] == "withdrawal":  # always after the disclosure it withdraws
            assert p["day"] > disclosed[p["person_id"]]


def test_disruption_actions_name_a_person_the_agency_holds_or_a_car_or_place(county: Path) -> None:
    refs = {(r["agency"], r["person_ref"]) for r in _rows(county / "people.csv")}
    actions = _rows(county / "disruption_actions.csv")
    truth = {r["action_ref"]: r for r in _rows(county / "truth" / "disruptions.csv")}
    assert actions and {a["action_ref"] for a in actions} == set(truth)
    for a in actions:
        assert a["started_on"] <= a["recorded_at"][:10]
        if a["target_kind"] == "person":
            assert (a["agency"], a["person_ref"]) in refs and not a["target_value"]
        else:
            assert a["target_value"] and not a["person_ref"]
    assert {t["effect"] for t in truth.values()} <= {"works", "displaces", "none"}


def test_an_order_that_works_keeps_the_man_out_of_the_childrens_later_records(county: Path) -> None:
    of_record = {
        (r["agency"], r["person_ref"]): r["person_id"]
        for r in _rows(county / "truth" / "records.csv")
    }
    scenario = {
        (r["agency"], r["event_ref"]): r["scenario"]
        for r in _rows(county / "truth" / "signal_events.csv")
    }
    when = {
        (e["agency"], e["event_ref"]): e["occurred_at"][:10] for e in _rows(county / "events.csv")
    }
    named: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for ep in _rows(county / "event_people.csv"):
        key = (ep["agency"], ep["event_ref"])
        who = of_record.get((ep["agency"], ep["person_ref"]))
        if who and scenario.get(key, "").startswith("network_"):
            named[who].append((when[key], scenario[key]))
    worked = [
        d for d in _rows(county / "truth" / "disruptions.csv")
        if d["target_kind"] == "person" and d["effect"] == "works"
    ]  # fmt: skip
    assert worked, "seed 5 plants an order that works"
    for d in worked:
        before = [s for day, s in named[d["target"]] if day < d["started_on"]]
        after = [
            s for day, s in named[d["target"]]
            if day >= d["started_on"] and s not in ("network_adult", "network_historic_disclosure")
        ]  # fmt: skip
        assert before and not after, d
