"""Moving a county in time for a live demo: whole weeks, nothing after the extract, and the same
county otherwise."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
import yaml

from lantern.synth.county import generate
from lantern.synth.shift import shift_county, weeks_to


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def counties(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("shift")
    plain, moved = base / "plain", base / "moved"
    for out in (plain, moved):
        generate(out, seed=4, children=300, years=3, start_year=2008)
    shift_county(moved, dt.date(2026, 12, 7))
    return plain, moved


def test_weeks_to_lands_in_the_week_before_the_end() -> None:
    last = dt.date(2010, 12, 31)
    for end in (dt.date(2026, 12, 7), dt.date(2026, 12, 13), dt.date(2027, 1, 1)):
        days = weeks_to(last, end)
        assert days % 7 == 0
        assert 0 <= (end - (last + dt.timedelta(days=days))).days < 7


def test_every_date_moves_by_whole_weeks_and_weekdays_stay(counties: tuple[Path, Path]) -> None:
    plain, moved = counties
    before = {(r["agency"], r["event_ref"]): r for r in _rows(plain / "events.csv")}
    after = _rows(moved / "events.csv")
    assert after
    days = yaml.safe_load((moved / "truth" / "manifest.yaml").read_text())["shifted_days"]
    assert days % 7 == 0 and days > 0
    for row in after:
        old = before[(row["agency"], row["event_ref"])]
        for column in ("occurred_at", "recorded_at"):
            if not old[column]:
                assert not row[column]
                continue
            new_at = dt.datetime.fromisoformat(row[column])
            old_at = dt.datetime.fromisoformat(old[column])
            assert new_at - old_at == dt.timedelta(days=days)
            assert new_at.weekday() == old_at.weekday()
        assert row["narrative"] == old["narrative"]
    people_before = _rows(plain / "people.csv")
    people_after = _rows(moved / "people.csv")
    for old, new in zip(people_before, people_after, strict=True):
        if old["date_of_birth"]:
            shifted = dt.date.fromisoformat(old["date_of_birth"]) + dt.timedelta(days=days)
            assert new["date_of_birth"] == shifted.isoformat()
        assert (new["given_name"], new["family_name"]) == (old["given_name"], old["family_name"])


def test_nothing_is_recorded_after_the_extract(counties: tuple[Path, Path]) -> None:
    _, moved = counties
    manifest = yaml.safe_load((moved / "manifest.yaml").read_text())
    assert manifest["extracted_at"].startswith("2026-12-07")
    latest = max(r["recorded_at"] for r in _rows(moved / "events.csv"))
    assert latest[:10] <= "2026-12-07"
    about = yaml.safe_load((moved / "truth" / "manifest.yaml").read_text())
    assert "2026-11-30" <= about["window"][1] <= "2026-12-07"
    events = {(r["agency"], r["event_ref"]) for r in _rows(moved / "events.csv")}
    assert all((r["agency"], r["event_ref"]) in events for r in _rows(moved / "event_people.csv"))
    assert about["rows"]["events"] == len(events)


def test_the_same_end_gives_the_same_files(counties: tuple[Path, Path], tmp_path: Path) -> None:
    _, moved = counties
    again = tmp_path / "again"
    generate(again, seed=4, children=300, years=3, start_year=2008)
    shift_county(again, dt.date(2026, 12, 7))
    for name in ("people.csv", "events.csv", "event_people.csv", "manifest.yaml"):
        assert (again / name).read_bytes() == (moved / name).read_bytes()
