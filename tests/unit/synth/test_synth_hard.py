"""`--profile hard`: every confounder is in the county with its truth label, deterministically."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from lantern.synth.county import UNNAMED_DETAIL, generate


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@dataclass
class County:
    path: Path
    events: dict[tuple[str, str], dict[str, str]]
    signals: list[dict[str, str]]
    persons: dict[str, dict[str, str]]
    record_person: dict[tuple[str, str], str]
    people: list[dict[str, str]]
    event_people: list[dict[str, str]]
    event_things: list[dict[str, str]]

    def scenario(self, name: str) -> list[dict[str, str]]:
        return [
            self.events[(s["agency"], s["event_ref"])] | {"child": s["person_id"]}
            for s in self.signals
            if s["scenario"] == name
        ]

    def persons_in(self, event: dict[str, str]) -> dict[str, str]:
        """true person -> role for one event"""
        return {
            self.record_person[(r["agency"], r["person_ref"])]: r["role"]
            for r in self.event_people
            if (r["agency"], r["event_ref"]) == (event["agency"], event["event_ref"])
        }


def _load(path: Path) -> County:
    return County(
        path,
        {(r["agency"], r["event_ref"]): r for r in _rows(path / "events.csv")},
        _rows(path / "truth" / "signal_events.csv"),
        {r["person_id"]: r for r in _rows(path / "truth" / "persons.csv")},
        {
            (r["agency"], r["person_ref"]): r["person_id"]
            for r in _rows(path / "truth" / "records.csv")
        },
        _rows(path / "people.csv"),
        _rows(path / "event_people.csv"),
        _rows(path / "event_things.csv"),
    )


@pytest.fixture(scope="module")
def hard(tmp_path_factory: pytest.TempPathFactory) -> County:
    out = tmp_path_factory.mktemp("hard")
    generate(out, seed=11, children=2000, years=8, start_year=2005, profile="hard")
    return _load(out)


def _digest(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def test_the_hard_profile_is_deterministic_per_seed(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    generate(a, seed=5, children=400, years=5, profile="hard")
    generate(b, seed=5, children=400, years=5, profile="hard")
    assert _digest(a) == _digest(b)
    default = tmp_path / "default"
    generate(default, seed=5, children=400, years=5)
    assert _digest(default)["events.csv"] != _digest(a)["events.csv"]


def test_an_unknown_profile_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="profile"):
        generate(tmp_path / "x", seed=1, children=50, years=2, profile="easy")


def test_the_manifest_names_the_profile_and_the_year_only_agencies(hard: County) -> None:
    about = yaml.safe_load((hard.path / "truth" / "manifest.yaml").read_text())
    assert about["profile"] == "hard"
    assert len(about["birth_year_only"]) == 2


def test_visiting_relatives_appear_in_many_records_across_agencies(hard: County) -> None:
    records: dict[str, set[tuple[str, str]]] = defaultdict(set)
    agencies: dict[str, set[str]] = defaultdict(set)
    for event in hard.scenario("relative_visits"):
        for person, _role in hard.persons_in(event).items():
            if hard.persons[person]["kind"] == "relative":
                records[person].add((event["agency"], event["event_ref"]))
                agencies[person].add(event["agency"])
    assert records, "no visiting relative recorded"
    busiest = max(records, key=lambda p: len(records[p]))
    assert len(records[busiest]) >= 15
    assert len(agencies[busiest]) >= 3
    types = {e["event_type"] for e in hard.scenario("relative_visits")}
    assert {"missing_report", "ed_attendance", "note"} <= types
    things = {(t["agency"], t["event_ref"]) for t in hard.event_things if t["kind"] == "vehicle"}
    assert any((e["agency"], e["event_ref"]) in things for e in hard.scenario("relative_visits"))


def test_contract_drivers_carry_many_children(hard: County) -> None:
    children: dict[str, set[str]] = defaultdict(set)
    for event in hard.scenario("taxi"):
        for person in hard.persons_in(event):
            if hard.persons[person]["kind"] == "taxi_driver":
                children[person].add(event["child"])
    assert max(len(c) for c in children.values()) >= 8


def test_older_teen_partners_are_18_or_19_with_a_17_year_old(hard: County) -> None:
    seen = 0
    for event in hard.scenario("teen_partner"):
        child = hard.persons[event["child"]]
        for person in hard.persons_in(event):
            if hard.persons[person]["kind"] != "partner":
                continue
            day = event["occurred_at"][:10]
            partner_age = _age(hard.persons[person]["date_of_birth"], day)
            assert 18 <= partner_age <= 20  # the default profile's 16-17s' partners: up to 20
            if _age(child["date_of_birth"], day) == 17 and partner_age <= 19:
                seen += 1
    assert seen >= 10


def _age(dob: str, day: str) -> int:
    """Age in whole years as the generator counts it (days / 365.25)."""
    days = (dt.date.fromisoformat(day) - dt.date.fromisoformat(dob)).days
    return int(days // 365.25)


def test_children_go_missing_to_family_from_home_and_are_found_there(hard: County) -> None:
    events = hard.scenario("missing_to_family")
    police = [e for e in events if e["agency"] == "police"]
    assert {"missing_report", "found_report"} <= {e["event_type"] for e in police}
    fathers = [p for p in hard.persons.values() if p["detail"] == "father, lives apart"]
    assert fathers


def test_childrens_homes_are_the_only_recorder_of_their_missing_episodes(hard: County) -> None:
    home = [e for e in hard.scenario("care_home_missing") if e["event_type"] == "missing_from_care"]
    assert len(home) >= 10
    assert not [e for e in hard.scenario("care_home_missing") if e["agency"] == "police"]
    police_days = {
        (child, e["occurred_at"][:10])
        for e in hard.events.values()
        if e["agency"] == "police" and e["event_type"] == "missing_report"
        for child in hard.persons_in(e)
    }
    twinned = sum((e["child"], e["occurred_at"][:10]) in police_days for e in home)
    assert twinned <= len(home) * 0.05


def test_one_home_logs_every_late_return_and_rings_the_police(hard: County) -> None:
    late = hard.scenario("care_home_late_return")
    assert {e["agency"] for e in late} == {"police", "social_care"}
    assert len({e["child"] for e in late}) >= 3


def test_two_agencies_hold_only_a_birth_year_for_about_30_percent_of_children(
    hard: County,
) -> None:
    counts: Counter[tuple[str, bool]] = Counter()
    for row in hard.people:
        person = hard.persons[hard.record_person[(row["agency"], row["person_ref"])]]
        if person["kind"] == "child":
            counts[(row["agency"], bool(row["birth_year"]) and not row["date_of_birth"])] += 1
    shares = {
        agency: counts[(agency, True)] / (counts[(agency, True)] + counts[(agency, False)])
        for agency in ("police", "social_care", "health", "education")
    }
    assert sorted(round(s, 1) for s in shares.values()) == [0.0, 0.0, 0.3, 0.3]


def test_some_network_men_are_known_only_by_car_phone_or_street_name(hard: County) -> None:
    unnamed = {p for p, row in hard.persons.items() if row["detail"] == UNNAMED_DETAIL}
    assert unnamed
    assert not unnamed & set(hard.record_person.values())  # no person record anywhere
    things = _rows(hard.path / "truth" / "network_things.csv")
    theirs = {t["value"] for t in things if t["owner_person_id"] in unnamed}
    assert theirs  # each has a phone at least: something to be seen by
    own = [
        hard.events[(s["agency"], s["event_ref"])]["event_type"]
        for s in hard.signals
        if s["scenario"] == "network_adult" and s["person_id"] in unnamed
    ]
    # what the police hold on a man they never identified: his car, or a street name
    assert set(own) <= {"vehicle_stop", "intelligence"}


def test_a_second_narrative_style_is_written(hard: County) -> None:
    logs = [
        e["narrative"]
        for e in hard.events.values()
        if e["agency"] == "police" and re.search(r"\b(RP|TV|OX|CT)\d\d\b", e["narrative"])
    ]
    assert len(logs) >= 50  # incident logs with call signs
    lower = [
        e["narrative"]
        for e in hard.events.values()
        if e["agency"] == "education" and e["narrative"][:1].islower()
    ]
    assert len(lower) >= 50  # terse lower-case school logs


def test_intrafamilial_abuse_names_a_relative_as_suspect_across_agencies(hard: County) -> None:
    events = hard.scenario("intrafamilial_abuse")
    assert events, "no intra-familial abuse recorded"
    reports = [e for e in events if e["event_type"] == "sexual_offence_report"]
    assert reports and all(e["codes"].startswith("hocr:") for e in reports)
    suspects = set()
    for event in reports:
        roles = hard.persons_in(event)
        suspect = [p for p, role in roles.items() if role == "suspect"]
        # a relative, or the child's own father (`parent`)
        assert len(suspect) == 1 and hard.persons[suspect[0]]["kind"] in ("relative", "parent")
        suspects.add(suspect[0])
        assert all(hard.persons[p]["kind"] == "child" for p, r in roles.items() if r == "victim")
    assert {"education", "police", "social_care", "health"} <= {e["agency"] for e in events}
    # nobody in the story is a planted victim or network adult: child protection, not CSE
    victims = {r["person_id"] for r in _rows(hard.path / "truth" / "victims.csv")}
    assert not victims & {e["child"] for e in events}
    assert not suspects & {
        r["person_id"] for r in _rows(hard.path / "truth" / "network_members.csv")
    }
