"""The synthetic county: deterministic, internally consistent, honest ground truth."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

from lantern.synth.county import generate

FILES = ("people.csv", "events.csv", "event_people.csv", "event_things.csv", "manifest.yaml")


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _digest(directory: Path) -> dict[str, str]:
    files = sorted(p for p in directory.rglob("*") if p.is_file())
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files
    }


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("county")
    generate(out, seed=11, children=1500, years=6, start_year=2006)
    return out


def test_same_seed_gives_byte_for_byte_the_same_files(county: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate(again, seed=11, children=1500, years=6, start_year=2006)
    assert _digest(again) == _digest(county)


def test_another_seed_gives_another_county(county: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    generate(other, seed=12, children=1500, years=6, start_year=2006)
    assert _digest(other)["events.csv"] != _digest(county)["events.csv"]


def test_every_table_is_written(county: Path) -> None:
    for name in FILES:
        assert (county / name).stat().st_size > 0, name


def test_every_person_record_has_exactly_one_true_person(county: Path) -> None:
    people = {(r["agency"], r["person_ref"]) for r in _rows(county / "people.csv")}
    truth = [(r["agency"], r["person_ref"]) for r in _rows(county / "truth" / "records.csv")]
    assert len(truth) == len(set(truth)) == len(people)
    assert set(truth) == people
    persons = {r["person_id"] for r in _rows(county / "truth" / "persons.csv")}
    assert {r["person_id"] for r in _rows(county / "truth" / "records.csv")} <= persons


def test_every_event_reference_exists(county: Path) -> None:
    people = {(r["agency"], r["person_ref"]) for r in _rows(county / "people.csv")}
    events = {(r["agency"], r["event_ref"]) for r in _rows(county / "events.csv")}
    links = _rows(county / "event_people.csv")
    assert links
    assert all((r["agency"], r["event_ref"]) in events for r in links)
    assert all((r["agency"], r["person_ref"]) in people for r in links)
    assert all((r["agency"], r["event_ref"]) in events for r in _rows(county / "event_things.csv"))


def test_every_victim_is_recognised_after_their_first_signal(county: Path) -> None:
    victims = _rows(county / "truth" / "victims.csv")
    assert victims
    for victim in victims:
        assert victim["groomed_from"] <= victim["first_signal_date"] < victim["recognition_date"]
        assert victim["recognition_kind"] in ("strategy_discussion", "sexual_offence_report")


def test_recorded_is_never_before_occurred(county: Path) -> None:
    for event in _rows(county / "events.csv"):
        if event["recorded_at"]:
            assert event["recorded_at"] >= event["occurred_at"], event["event_ref"]
        if event["ended_at"]:
            assert event["ended_at"] > event["occurred_at"], event["event_ref"]


def test_ethnicity_is_written_but_never_read_by_the_generator() -> None:
    # drawn once per person (population.add) and written out (records._render); nothing else
    source = Path(__file__).resolve().parents[3] / "src" / "lantern" / "synth"
    uses = [
        (path.name, line.strip())
        for path in sorted(source.glob("*.py"))
        for line in path.read_text().splitlines()
        if "ethnicity" in line
    ]
    allowed = (
        ("output.py", '"ethnicity",'),
        ("population.py", "ethnicity: list[str] = field(default_factory=list)"),
        ("population.py", "self.ethnicity.append("),
        ("population.py", "rng.choices(vocab.ethnicity_codes, weights=vocab.ethnicity_weights)[0]"),
        ("records.py", 'pop.ethnicity[person] if rng.random() < 0.85 else "",'),
    )
    assert [u for u in uses if u[0] != "vocabulary.py" and u not in allowed] == []


def test_schools_record_on_weekdays(county: Path) -> None:
    import datetime as dt

    days = {
        dt.date.fromisoformat(e["occurred_at"][:10]).weekday()
        for e in _rows(county / "events.csv")
        if e["agency"] == "education" and e["event_type"] != "note"
    }
    assert days and days <= {0, 1, 2, 3, 4}


def test_historic_disclosures_are_recorded_after_recognition(county: Path) -> None:
    # occurred at the start of the grooming, recorded after recognition: a trap for replay leaks
    recognised = {
        v["person_id"]: v["recognition_date"] for v in _rows(county / "truth" / "victims.csv")
    }
    events = {(e["agency"], e["event_ref"]): e for e in _rows(county / "events.csv")}
    historic = [
        s
        for s in _rows(county / "truth" / "signal_events.csv")
        if s["scenario"] == "network_historic_disclosure"
    ]
    assert historic
    for s in historic:
        event = events[(s["agency"], s["event_ref"])]
        assert event["occurred_at"][:10] < recognised[s["person_id"]] < event["recorded_at"][:10]
