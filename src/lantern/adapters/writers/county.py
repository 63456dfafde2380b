"""One agency's records from an interchange dataset, as the writers need them."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Event:
    ref: str
    type: str
    occurred: dt.datetime
    ended: dt.datetime | None
    subject: str
    codes: tuple[str, ...]
    outcome: str
    postcode: str

    @property
    def day(self) -> dt.date:
        return self.occurred.date()

    def coded(self, scheme: str) -> list[str]:
        return [c.split(":", 1)[1] for c in self.codes if c.startswith(scheme + ":")]


@dataclass
class Records:
    """The people and subject events of one agency."""

    agency: str
    people: dict[str, dict[str, str]]
    events: list[Event]
    dropped: list[tuple[Event, str]] = field(default_factory=list)  # (event, why not held)

    def by_subject(self, types: tuple[str, ...]) -> dict[str, list[Event]]:
        out: dict[str, list[Event]] = defaultdict(list)
        for e in self.events:
            if e.type in types:
                out[e.subject].append(e)
        for events in out.values():
            events.sort(key=lambda e: (e.occurred, e.ref))
        return dict(sorted(out.items()))

    def drop(self, event: Event, why: str) -> None:
        self.dropped.append((event, why))


def _timestamp(text: str) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def read_records(dataset: Path, agency: str = "social_care") -> Records:
    """The people and the events (with their subject) of `agency` in an interchange dataset
    of CSV files (what `lantern synth` writes)."""
    with (dataset / "people.csv").open(newline="", encoding="utf-8") as handle:
        people = {r["person_ref"]: r for r in csv.DictReader(handle) if r["agency"] == agency}
    subjects: dict[str, str] = {}
    with (dataset / "event_people.csv").open(newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            if r["agency"] == agency and r["role"] == "subject":
                subjects.setdefault(r["event_ref"], r["person_ref"])
    events = []
    with (dataset / "events.csv").open(newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            if r["agency"] != agency or r["event_ref"] not in subjects:
                continue
            occurred = _timestamp(r["occurred_at"])
            if occurred is None:
                continue
            events.append(
                Event(
                    r["event_ref"], r["event_type"], occurred, _timestamp(r["ended_at"]),
                    subjects[r["event_ref"]],
                    tuple(c for c in r["codes"].split(";") if c), r["outcome"], r["postcode"],
                )
            )  # fmt: skip
    return Records(agency, people, events)


def dmy(day: dt.date | dt.datetime | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def write_csv(path: Path, header: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
