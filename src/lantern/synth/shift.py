"""Moving a synthetic county in time, so that its records end on a chosen day (a live demo).

`make demo` shows a partnership as it is today: a county generated for 2004-2013 is moved, whole
weeks at a time (so weekdays, and the week's rhythm of missing episodes, stay as generated), so
that its window ends a few days before `ends_on`. The extract is then taken on `ends_on`: a
record the county would have written later (late recordings after the window closes) is not in
it yet, and goes, with its people and things. Everything else is the same county, byte for byte
apart from the dates: the same seed and the same `ends_on` give the same files.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

# The dated columns of each table (dates, or ISO timestamps whose first ten characters are one).
DATED = {
    "people": ("date_of_birth",),
    "events": ("occurred_at", "recorded_at", "ended_at"),
    "truth/persons": ("date_of_birth",),
    "truth/victims": (
        "date_of_birth",
        "groomed_from",
        "first_signal_date",
        "recognition_date",
        "prompt_recognition_date",
    ),
    "truth/networks": ("started", "ended"),
    "disruption_actions": ("started_on", "ended_on", "recorded_at"),
    "truth/evidence_plants": ("day",),
    "truth/disruptions": ("started_on",),
}
# Tables whose rows name an event: they lose the rows of events the extract no longer holds.
BY_EVENT = ("event_people", "event_things", "truth/signal_events", "truth/evidence_plants")


@dataclass(frozen=True)
class Shift:
    days: int  # a whole number of weeks
    window_end: dt.date  # the county's last day of records, after the move
    dropped_events: int  # recorded after the extract was taken


def weeks_to(last_day: dt.date, ends_on: dt.date) -> int:
    """Days (a multiple of 7) that move `last_day` to `ends_on` or up to six days before it."""
    return ((ends_on - last_day).days // 7) * 7


def _moved(value: str, days: int) -> str:
    if not value:
        return value
    day = dt.date.fromisoformat(value[:10]) + dt.timedelta(days=days)
    return day.isoformat() + value[10:]


def _birth_year(value: str, days: int) -> str:
    """A year alone moves as its middle day (1 July) does."""
    if not value:
        return value
    return str((dt.date(int(value), 7, 1) + dt.timedelta(days=days)).year)


def _rewrite(path: Path, transform) -> int:  # type: ignore[no-untyped-def]
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields = list(reader.fieldnames or [])
        rows = [row for row in (transform(r) for r in reader) if row is not None]
    tmp = path.with_suffix(".csv.tmp")
    with tmp.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(path)
    return len(rows)


def shift_county(out: Path, ends_on: dt.date) -> Shift:
    """Move the county in `out` so its window ends within the week before `ends_on`, and take
    the extract on `ends_on` (records written after it are dropped)."""
    about_path = out / "truth" / "manifest.yaml"
    about = yaml.safe_load(about_path.read_text())
    last_day = dt.date.fromisoformat(about["window"][1])
    days = weeks_to(last_day, ends_on)
    extract = ends_on.isoformat()
    dropped: set[tuple[str, str]] = set()

    def event(row: dict[str, str]) -> dict[str, str] | None:
        for column in DATED["events"]:
            row[column] = _moved(row[column], days)
        if (row["recorded_at"] or row["occurred_at"])[:10] > extract:
            dropped.add((row["agency"], row["event_ref"]))
            return None
        return row

    def dated(columns: tuple[str, ...]):  # type: ignore[no-untyped-def]
        def move(row: dict[str, str]) -> dict[str, str]:
            for column in columns:
                row[column] = _moved(row[column], days)
            if "birth_year" in row:
                row["birth_year"] = _birth_year(row["birth_year"], days)
            return row

        return move

    def kept(row: dict[str, str]) -> dict[str, str] | None:
        return None if (row["agency"], row["event_ref"]) in dropped else row

    counts = {"events": _rewrite(out / "events.csv", event)}
    for table, columns in DATED.items():
        if table != "events" and (out / f"{table}.csv").is_file():
            counts[table] = _rewrite(out / f"{table}.csv", dated(columns))
    for table in BY_EVENT:
        if (out / f"{table}.csv").is_file():
            counts[table] = _rewrite(out / f"{table}.csv", kept)

    manifest_path = out / "manifest.yaml"
    manifest = yaml.safe_load(manifest_path.read_text())
    manifest["extracted_at"] = f"{extract}T00:00:00Z"
    manifest_path.write_text(yaml.safe_dump(manifest, sort_keys=False))
    window_end = last_day + dt.timedelta(days=days)
    about["window"] = [_moved(about["window"][0], days), window_end.isoformat()]
    about["shifted_days"] = days
    about["extracted_at"] = extract
    about["dropped_events"] = len(dropped)
    for table, count in counts.items():
        section, name = ("truth_rows", table[6:]) if table.startswith("truth/") else ("rows", table)
        about.setdefault(section, {})[name] = count
    about_path.write_text(yaml.safe_dump(about, sort_keys=False))
    return Shift(days, window_end, len(dropped))
