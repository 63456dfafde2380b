"""Victims and other children recorded alike; the late-recognition scenario."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import statistics
from collections import defaultdict
from pathlib import Path

import pytest

from lantern.synth.county import generate

MISSING = ("missing_report", "missing_from_care", "away_from_placement")
# a victim's own signs (not the follow-up records, the recognition or a later disclosure)
NOT_SIGNS = {
    "network_return_interview",
    "network_recognition",
    "network_historic_disclosure",
    "network_adult",
}


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _day(value: str) -> dt.date:
    return dt.date.fromisoformat(value[:10])


class County:
    def __init__(self, out: Path) -> None:
        self.out = out
        truth = out / "truth"
        person = {
            (r["agency"], r["person_ref"]): r["person_id"] for r in _rows(truth / "records.csv")
        }
        self.victims = {r["person_id"]: r for r in _rows(truth / "victims.csv")}
        self.children = {
            r["person_id"] for r in _rows(truth / "persons.csv") if r["kind"] == "child"
        }
        self.events = {(e["agency"], e["event_ref"]): e for e in _rows(out / "events.csv")}
        self.subject: dict[tuple[str, str], str] = {}
        for r in _rows(out / "event_people.csv"):
            if r["role"] in ("subject", "victim"):
                self.subject[(r["agency"], r["event_ref"])] = person[(r["agency"], r["person_ref"])]
        self.signals = _rows(truth / "signal_events.csv")

    def by_child(self) -> dict[str, list[dict[str, str]]]:
        events: dict[str, list[dict[str, str]]] = defaultdict(list)
        for key, event in self.events.items():
            child = self.subject.get(key)
            if child in self.children:
                events[child].append(event)
        return events


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> County:
    out = tmp_path_factory.mktemp("county")
    generate(out, seed=21, children=4000, years=8, start_year=2005)
    return County(out)


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[County, County]:
    base = tmp_path_factory.mktemp("pair")
    generate(base / "prompt", seed=8, children=2000, years=10)
    generate(base / "late", seed=8, children=2000, years=10, recognition="late")
    return County(base / "prompt"), County(base / "late")


def _interviews_per_episode(county: County) -> dict[bool, float]:
    """Return interviews recorded per missing episode, for victims (True) and other children."""
    episodes = {True: 0, False: 0}
    interviews = {True: 0, False: 0}
    for child, events in county.by_child().items():
        victim = child in county.victims
        # a looked-after child's episode may be recorded by the police and social care both
        episodes[victim] += len(
            {_day(e["occurred_at"]) for e in events if e["event_type"] in MISSING}
        )
        interviews[victim] += sum(e["event_type"] == "return_home_interview" for e in events)
    assert episodes[True] > 80 and episodes[False] > 200
    return {side: interviews[side] / episodes[side] for side in (True, False)}


def test_victims_missing_episodes_get_return_interviews_as_often_as_other_childrens(
    county: County,
) -> None:
    rates = _interviews_per_episode(county)
    assert 0.4 < rates[False] < 0.7
    assert abs(rates[True] - rates[False]) < 0.1, rates


def test_a_victims_return_interview_follows_an_episode_like_anyone_elses(county: County) -> None:
    outcomes: dict[bool, set[str]] = {True: set(), False: set()}
    timed = 0
    for child, events in county.by_child().items():
        victim = child in county.victims
        ends = [
            _day(e["ended_at"] or e["occurred_at"]) for e in events if e["event_type"] in MISSING
        ]
        for e in events:
            if e["event_type"] != "return_home_interview":
                continue
            outcomes[victim].add(e["outcome"])
            if victim:  # 1-5 days after some episode ended (or started, when ended_at was dropped)
                day = _day(e["occurred_at"])
                assert any(0 < (day - end).days <= 7 for end in ends), (child, e["event_ref"])
                timed += 1
    assert timed > 30
    assert outcomes[True] <= outcomes[False]
    assert {"declined", "completed"} <= outcomes[False]


def test_every_kind_of_record_about_a_victim_is_also_made_about_other_children(
    county: County,
) -> None:
    kinds: dict[bool, set[tuple[str, str]]] = {True: set(), False: set()}
    for child, events in county.by_child().items():
        kinds[child in county.victims] |= {(e["agency"], e["event_type"]) for e in events}
    assert ("police", "sexual_offence_report") in kinds[True]
    assert kinds[True] - kinds[False] == set()


def test_victims_records_carry_outcomes_like_other_childrens(county: County) -> None:
    network = {
        (s["agency"], s["event_ref"])
        for s in county.signals
        if s["scenario"] == "network_missing" and s["network_id"]
    }
    outcomes = {county.events[k]["outcome"] for k in network}
    assert outcomes & {"returned", "located", "self-located", "found safe and well"}


def test_late_recognition_changes_only_the_planted_stories(pair: tuple[County, County]) -> None:
    prompt, late = pair
    planted = {(s["agency"], s["event_ref"]) for s in prompt.signals if s["network_id"]}
    planted |= {(s["agency"], s["event_ref"]) for s in late.signals if s["network_id"]}
    first_planted: dict[str, int] = {}
    for agency, ref in planted:
        first_planted[agency] = min(first_planted.get(agency, 10**9), int(ref[-8:]))
    before = {  # everything recorded before the planted stories: the same rows
        key: event
        for key, event in prompt.events.items()
        if int(key[1][-8:]) < first_planted.get(key[0], 10**9)
    }
    assert before and all(late.events.get(key) == event for key, event in before.items())
    assert prompt.victims.keys() == late.victims.keys()
    for pid, victim in late.victims.items():
        assert victim["groomed_from"] == prompt.victims[pid]["groomed_from"]
        assert victim["prompt_recognition_date"] == prompt.victims[pid]["recognition_date"]


def test_late_recognition_comes_years_later_but_before_18_and_the_end(
    pair: tuple[County, County],
) -> None:
    _, late = pair
    delays = []
    for victim in late.victims.values():
        due, recognised = _day(victim["prompt_recognition_date"]), _day(victim["recognition_date"])
        born = _day(victim["date_of_birth"])
        assert recognised >= due
        assert recognised < born.replace(year=born.year + 18)
        assert recognised < dt.date(2014, 1, 1)
        delays.append((recognised - due).days / 365.25)
    assert statistics.median(delays) > 1.0
    assert sum(d > 0.25 for d in delays) >= 0.8 * len(delays)


def test_late_recognition_keeps_the_signs_going_without_a_final_rush(
    pair: tuple[County, County],
) -> None:
    _, late = pair
    signs: dict[str, list[dt.date]] = defaultdict(list)
    for s in late.signals:
        if s["network_id"] and s["scenario"] not in NOT_SIGNS and s["person_id"] in late.victims:
            signs[s["person_id"]].append(
                _day(late.events[(s["agency"], s["event_ref"])]["occurred_at"])
            )
    halves = [0, 0]
    late_rate, end_rate = [], []
    for pid, victim in late.victims.items():
        groomed = _day(victim["groomed_from"])
        due, recognised = _day(victim["prompt_recognition_date"]), _day(victim["recognition_date"])
        if (recognised - due).days < 365:
            continue
        middle = due + (recognised - due) / 2
        days = signs[pid]
        halves[0] += sum(due <= d < middle for d in days)
        halves[1] += sum(middle <= d < recognised for d in days)
        last_fifth = due - (due - groomed) / 5
        late_rate.append(sum(due <= d < recognised for d in days) / (recognised - due).days)
        end_rate.append(sum(last_fifth <= d < due for d in days) / max((due - last_fifth).days, 1))
    assert halves[0] > 20, halves
    assert 0.6 < halves[1] / halves[0] < 1.6, halves  # a steady rate, not a rush at the end
    ratio = sum(late_rate) / sum(end_rate)
    assert 0.5 < ratio < 2.0, ratio  # on at the rate the signs had reached


def _digest(directory: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def test_the_late_scenario_is_deterministic_per_seed(tmp_path: Path) -> None:
    for name in ("a", "b"):
        generate(
            tmp_path / name, seed=4, children=800, years=5, start_year=2008, recognition="late"
        )
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")


def test_an_unknown_recognition_scenario_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="recognition"):
        generate(tmp_path / "x", seed=1, children=50, years=2, recognition="never")
