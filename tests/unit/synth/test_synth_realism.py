"""Records a professional would not laugh at: age-fitting wording, missing episodes by the clock,
and boys recorded the way boys were (issues 16 and 20)."""

from __future__ import annotations

import csv
import datetime as dt
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lantern.synth import networks
from lantern.synth.calendar import Calendar
from lantern.synth.county import generate
from lantern.synth.population import build_population
from lantern.synth.timing import missing_day, missing_days, missing_minute, weekday
from lantern.synth.vocabulary import _aged, vocabulary

SEXUAL_HEALTH_TYPES = {"sexual_health_attendance", "sti_diagnosis", "pregnancy", "termination"}
RELATIONSHIP_WORDS = re.compile(
    r"boyfriend|girlfriend|contracept|fraser|sexually active|promiscuous", re.I
)


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@dataclass
class Subjects:
    """Each event with its subject child's age on the day and sex."""

    events: list[dict[str, str]]
    age: dict[tuple[str, str], int]
    sex: dict[tuple[str, str], str]
    victims: dict[str, str]  # person_id -> sex
    person: dict[tuple[str, str], str]  # event -> subject's true person
    roles: dict[tuple[str, str], str]  # event -> subject's role
    signals: set[tuple[str, str]]  # events written by a planted story or a confounder


def _subjects(path: Path) -> Subjects:
    persons = {p["person_id"]: p for p in _rows(path / "truth" / "persons.csv")}
    record = {
        (r["agency"], r["person_ref"]): r["person_id"]
        for r in _rows(path / "truth" / "records.csv")
    }
    events = _rows(path / "events.csv")
    when = {(e["agency"], e["event_ref"]): e["occurred_at"][:10] for e in events}
    age: dict[tuple[str, str], int] = {}
    sex: dict[tuple[str, str], str] = {}
    person: dict[tuple[str, str], str] = {}
    roles: dict[tuple[str, str], str] = {}
    for link in _rows(path / "event_people.csv"):
        key = (link["agency"], link["event_ref"])
        who = persons[record[(link["agency"], link["person_ref"])]]
        if who["kind"] != "child" or link["role"] not in ("subject", "victim", "suspect"):
            continue
        days = (dt.date.fromisoformat(when[key]) - dt.date.fromisoformat(who["date_of_birth"])).days
        age[key] = int(days // 365.25)
        sex[key] = who["sex"]
        person[key] = who["person_id"]
        roles[key] = link["role"]
    victims = {v["person_id"]: v["sex"] for v in _rows(path / "truth" / "victims.csv")}
    signals = {(r["agency"], r["event_ref"]) for r in _rows(path / "truth" / "signal_events.csv")}
    return Subjects(events, age, sex, victims, person, roles, signals)


@pytest.fixture(scope="module")
def default(tmp_path_factory: pytest.TempPathFactory) -> Subjects:
    out = tmp_path_factory.mktemp("default")
    generate(out, seed=10, children=2000, years=10)  # seed 10 has a boys' network
    return _subjects(out)


@pytest.fixture(scope="module")
def hard(tmp_path_factory: pytest.TempPathFactory) -> Subjects:
    out = tmp_path_factory.mktemp("hard")
    generate(out, seed=12, children=1500, years=8, start_year=2005, profile="hard")
    return _subjects(out)


@pytest.mark.parametrize("county", ["default", "hard"])
def test_no_sexual_health_record_for_a_child_under_13(county: str, request) -> None:
    c: Subjects = request.getfixturevalue(county)
    young = [
        e
        for e in c.events
        if e["event_type"] in SEXUAL_HEALTH_TYPES
        and c.age.get((e["agency"], e["event_ref"]), 99) < 13
    ]
    assert not young, young[:3]
    assert any(e["event_type"] in SEXUAL_HEALTH_TYPES for e in c.events)


@pytest.mark.parametrize("county", ["default", "hard"])
def test_no_relationship_or_contraception_wording_about_a_child_under_11(
    county: str, request
) -> None:
    c: Subjects = request.getfixturevalue(county)
    odd = [
        (c.age[(e["agency"], e["event_ref"])], e["narrative"])
        for e in c.events
        if c.age.get((e["agency"], e["event_ref"]), 99) < 11
        and RELATIONSHIP_WORDS.search(e["narrative"])
    ]
    assert not odd, odd[:3]


@pytest.mark.parametrize("county", ["default", "hard"])
def test_missing_episodes_start_in_the_evening_and_at_weekends(county: str, request) -> None:
    c: Subjects = request.getfixturevalue(county)
    starts = [
        dt.datetime.fromisoformat(e["occurred_at"])
        for e in c.events
        if e["event_type"] in ("missing_report", "missing_from_care")
    ]
    assert len(starts) > 300
    evening = sum(t.hour >= 18 or t.hour < 2 for t in starts) / len(starts)
    school_hours = sum(t.weekday() < 5 and 9 <= t.hour < 15 for t in starts) / len(starts)
    assert evening > 0.5
    assert school_hours < 0.12
    # Evenings and nights: 72% (default, seed 1) and 76% (hard, seed 11) of 2,000-child
    # counties' episodes start 18:00-06:00; a clock drawn evenly over the day gives 50%.
    assert sum(t.hour >= 18 or t.hour < 6 for t in starts) / len(starts) > 0.65
    days = Counter(t.weekday() for t in starts)
    assert days[4] + days[5] > days[0] + days[1]  # Friday and Saturday over Monday and Tuesday
    # Friday to Sunday hold more than their 3/7 of the week (0.48 and 0.53 measured).
    assert (days[4] + days[5] + days[6]) / len(starts) > 0.45
    hours = Counter(t.hour for t in starts)
    assert hours.most_common(1)[0][0] in (19, 20, 21, 22, 23)


@pytest.mark.parametrize("county", ["default", "hard"])
def test_ordinary_records_give_a_child_under_16_no_adult_partner(county: str, request) -> None:
    """An adult with a child under 16 is an offence: ordinary business never writes one as
    benign (only planted stories do, and they are labelled)."""
    c: Subjects = request.getfixturevalue(county)
    adult_partner = re.compile(r"(boyfriend|girlfriend|partner)\D{0,20}\b(1[89]|[2-5]\d)\b", re.I)
    odd = [
        e["narrative"]
        for e in c.events
        if (e["agency"], e["event_ref"]) not in c.signals
        and c.age.get((e["agency"], e["event_ref"]), 99) < 16
        and adult_partner.search(e["narrative"])
    ]
    assert not odd, odd[:3]


@pytest.mark.parametrize("county", ["default", "hard"])
def test_ordinary_records_give_a_child_under_14_no_older_boyfriend_or_girlfriend(
    county: str, request
) -> None:
    """A 12-year-old with 'an older boyfriend in year 11' (15-16) is not a record a school
    closes with 'no concerns': ordinary business gives a younger child only a peer."""
    c: Subjects = request.getfixturevalue(county)
    older = re.compile(r"older (boy|girl)friend|(boy|girl)friend\W.{0,40}year 1[01]", re.I)
    odd = [
        (c.age[(e["agency"], e["event_ref"])], e["narrative"])
        for e in c.events
        if (e["agency"], e["event_ref"]) not in c.signals
        and c.age.get((e["agency"], e["event_ref"]), 99) < 14
        and older.search(e["narrative"])
    ]
    assert not odd, odd[:3]


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=40_000), st.integers(min_value=0, max_value=2**32))
def test_a_missing_day_moves_at_most_three_days_and_a_minute_is_in_the_day(
    day: int, seed: int
) -> None:
    rng = random.Random(seed)
    assert abs(missing_day(day, rng) - day) <= 3
    assert 0 <= missing_minute(rng) < 1440
    moved = missing_days(np.array([day, day + 1]), np.random.default_rng(seed))
    assert np.all(np.abs(moved - np.array([day, day + 1])) <= 3)


def test_missing_days_follow_the_weekday_weights() -> None:
    rng = random.Random(3)
    counts = Counter(weekday(missing_day(d, rng)) for d in range(12_000, 40_000))
    assert counts[5] > 1.4 * counts[1]  # Saturday over Tuesday (weights 1.3 / 0.8)


@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.tuples(st.integers(0, 17), st.none() | st.integers(0, 17))),
            st.text(alphabet=st.characters(blacklist_characters="|"), max_size=30),
        ),
        max_size=6,
    )
)
def test_an_age_prefix_is_read_and_removed(variants) -> None:
    written, expected_texts, expected_ages = [], [], []
    for ages, text in variants:
        if ages is None or re.match(r"^\d", text):
            written.append(text)
            expected_texts.append(text)
            expected_ages.append((0, 200))
            continue
        low, high = ages
        prefix = f"{low}+|" if high is None else f"{low}-{high}|"
        written.append(prefix + text)
        expected_texts.append(text)
        expected_ages.append((low, 200 if high is None else high))
    texts, spans = _aged(written)
    assert list(texts) == expected_texts
    assert list(spans) == expected_ages


def test_every_age_prefixed_template_still_leaves_wording_for_every_age() -> None:
    vocab = vocabulary()
    for (style, key), spans in vocab.ages.items():
        if style not in ("first", "second"):
            continue
        for low, high in spans:
            assert 0 <= low <= high, (style, key)


# ---------------------------------------------------------------------------------- boys


def test_about_one_victim_in_seven_is_a_boy() -> None:
    vocab = vocabulary()
    boys = total = 0
    for seed in range(1, 16):
        rng, nprng = random.Random(seed), np.random.default_rng(seed)
        calendar = Calendar.for_years(2004, 10)
        pop = build_population(2000, calendar, rng, nprng, vocab)
        taken = np.zeros(2000, dtype=bool)
        for net in networks.plan_networks(pop, calendar, rng, nprng, vocab, taken):
            total += len(net.victims)
            boys += sum(pop.sex[v.person] == "M" for v in net.victims)
    assert 0.08 <= boys / total <= 0.25


def test_boys_are_recorded_as_offending_more_than_girls(default: Subjects) -> None:
    """Of victims' police records, boys' are arrests and searches (as suspects) far more often."""
    assert Counter(default.victims.values())["M"] >= 3
    offending: dict[str, Counter[str]] = defaultdict(Counter)
    for e in default.events:
        key = (e["agency"], e["event_ref"])
        who = default.person.get(key)
        if who in default.victims and e["agency"] == "police":
            sex = default.victims[who]
            offending[sex]["records"] += 1
            if e["event_type"] in ("arrest", "stop_search"):
                offending[sex]["offending"] += 1
                assert default.roles[key] == "suspect"
    share = {s: c["offending"] / c["records"] for s, c in offending.items()}
    assert share["M"] > 2 * share["F"]
    assert share["M"] > 0.1


def test_boys_records_say_offending_not_risk(default: Subjects) -> None:
    wording = [
        e["narrative"]
        for e in default.events
        if default.victims.get(default.person.get((e["agency"], e["event_ref"]), "")) == "M"
    ]
    assert (
        sum(
            bool(re.search(r"older males|arrested|out of control|offend", t, re.I)) for t in wording
        )
        >= 5
    )


def test_ordinary_arrests_name_the_child_as_suspect_too(default: Subjects) -> None:
    roles = Counter(
        default.roles[(e["agency"], e["event_ref"])]
        for e in default.events
        if e["event_type"] == "arrest"
        and default.person.get((e["agency"], e["event_ref"])) not in default.victims
        and (e["agency"], e["event_ref"]) in default.roles
    )
    assert roles["suspect"] > 0.9 * sum(roles.values())
