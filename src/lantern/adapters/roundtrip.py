"""The round trip: a county's social care → a format → `lantern adapt` → the interchange again.

`build(county, fmt, work)` writes three datasets under `work`:

- `format/`   — the county's social care in the format (the writer's output);
- `adapted/`  — the county with its social care replaced by what `lantern adapt` read back;
- `expected/` — the county with its social care reduced, straight from the interchange rows,
  to what the format holds (`HELD`): the kinds of event, their dates (no time of day), the
  children, their identifiers, and the `cin:` codes where the format has a place for them.

`compare` then says where `adapted` and `expected` differ: in persons, in events, and in the
flags `lantern assess` gives each child. docs/adapters.md lists what `expected` leaves out.
"""

from __future__ import annotations

import csv
import importlib
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lantern.adapters.registry import adapt
from lantern.adapters.writers import WRITERS
from lantern.adapters.writers.county import Event, Records, read_records

# What each format holds: event types, the person columns, and the `cin:` codes kept per type.
HELD: dict[str, dict[str, object]] = {
    "ssda903": {
        "events": ("care_episode_start", "placement_move", "care_episode_end",
                   "missing_from_care", "away_from_placement"),
        "people": ("date_of_birth", "sex", "upn", "ethnicity"),
        # the episode's category of need (N1-N9) is the only cin: code an episode carries
        "codes": {"care_episode_start": "need", "placement_move": "need"},
    },
    "cin": {
        "events": ("referral", "assessment", "section47", "cp_conference", "cp_plan_start",
                   "cp_plan_end"),
        "people": ("date_of_birth", "sex", "upn", "ethnicity"),
        "codes": {"referral": "need", "assessment": "factors"},
    },
    "annex-a": {
        "events": ("contact", "referral", "assessment", "section47", "cp_conference",
                   "cp_plan_start", "care_episode_start", "care_episode_end"),
        "people": ("date_of_birth", "sex", "ethnicity"),
        "codes": {"care_episode_start": "need"},
    },
    "ssd": {
        "events": ("contact", "referral", "assessment", "section47", "cp_conference",
                   "cp_plan_start", "cp_plan_end", "care_episode_start", "care_episode_end",
                   "placement_move", "missing_from_care", "away_from_placement"),
        "people": ("date_of_birth", "sex", "upn", "ethnicity"),
        "codes": {"referral": "need", "assessment": "factors", "care_episode_start": "need",
                  "placement_move": "need"},
        "times": True,  # the SSD's dates are date-times
    },
}  # fmt: skip
TABLES = ("people", "events", "event_people", "event_things")


def held_codes(fmt: str, event: Event) -> list[str]:
    """The `cin:` codes of `event` the format has a place for."""
    kind = HELD[fmt]["codes"].get(event.type)  # type: ignore[attr-defined]
    codes = event.coded("cin")
    if kind == "need":
        return [f"cin:{c}" for c in codes if c.startswith("N")][:1]
    if kind == "factors":
        from lantern.adapters.normalise import code_lists

        factors = code_lists("cin")["AssessmentFactors"]
        return [f"cin:{c}" for c in codes if c in factors]
    return []


def write_format(fmt: str, county: Path, out: Path, agency: str = "social_care") -> Records:
    """Write `agency`'s records in `county` as format `fmt` into `out`."""
    records = read_records(county, agency)
    importlib.import_module(WRITERS[fmt]).write(records, out)
    return records


def _copy_without(county: Path, out: Path, agency: str) -> dict[str, list[dict[str, str]]]:
    """`county`'s tables without `agency`'s rows, as lists of rows (header kept)."""
    tables = {}
    for table in TABLES:
        with (county / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
            tables[table] = [r for r in csv.DictReader(handle) if r["agency"] != agency]
    return tables


def _write(
    out: Path, tables: dict[str, list[dict[str, str]]], header: dict[str, list[str]]
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for table, rows in tables.items():
        with (out / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=header[table], extrasaction="ignore",
                                    lineterminator="\n")  # fmt: skip
            writer.writeheader()
            writer.writerows(rows)


def _headers(county: Path) -> dict[str, list[str]]:
    out = {}
    for table in TABLES:
        with (county / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
            out[table] = next(csv.reader(handle))
    return out


@dataclass
class RoundTrip:
    fmt: str
    work: Path
    not_held: Counter[str] = field(default_factory=Counter)  # why the writer left events out
    issues: list[str] = field(default_factory=list)  # what the adapter reported

    @property
    def adapted(self) -> Path:
        return self.work / "adapted"

    @property
    def expected(self) -> Path:
        return self.work / "expected"


def build(county: Path, fmt: str, work: Path, agency: str = "social_care") -> RoundTrip:
    if work.exists():
        shutil.rmtree(work)
    trip = RoundTrip(fmt, work)
    records = write_format(fmt, county, work / "format", agency)
    dropped = {e.ref for e, _ in records.dropped}
    trip.not_held.update(why for _, why in records.dropped)
    source = work / "format"
    if fmt in ("cin", "annex-a"):
        source = next(p for p in source.iterdir() if p.is_file())
    adapted = adapt(fmt, source, agency)
    trip.issues = [str(i) for i in adapted.issues]
    headers = _headers(county)
    # adapted: the county with social care as read back
    tables = _copy_without(county, work, agency)
    tables["people"] += list(adapted.people.values())
    tables["events"] += list(adapted.events.values())
    tables["event_people"] += adapted.event_people
    _write(trip.adapted, tables, headers)
    # expected: the county with social care reduced to what the format holds
    held = HELD[fmt]
    tables = _copy_without(county, work, agency)
    kept = [e for e in records.events if e.type in held["events"] and e.ref not in dropped]  # type: ignore[operator]
    subjects = {e.subject for e in kept}
    for ref in sorted(subjects):
        person = records.people[ref]
        row = {"agency": agency, "person_ref": ref}
        row.update({c: person.get(c, "") for c in held["people"]})  # type: ignore[attr-defined]
        tables["people"].append(row)
    for e in kept:
        ended = e.ended.date() if e.ended and not held.get("times") else e.ended
        tables["events"].append({
            "agency": agency, "event_ref": e.ref, "event_type": e.type,
            "occurred_at": (e.occurred if held.get("times") else e.day).isoformat(),
            "ended_at": ended.isoformat() if ended else "",
            # the returns hold "no further action" on a referral, and no other outcome
            "outcome": "NFA" if e.type == "referral" and e.outcome == "NFA" else "",
            "codes": ";".join(held_codes(fmt, e)),
        })  # fmt: skip
        tables["event_people"].append(
            {"agency": agency, "event_ref": e.ref, "person_ref": e.subject, "role": "subject"}
        )
    _write(trip.expected, tables, headers)
    return trip


def event_keys(dataset: Path, agency: str = "social_care") -> Counter[tuple[str, ...]]:
    """`agency`'s events as (subject, type, date, end date, cin codes), ignoring refs."""
    subjects = {}
    with (dataset / "event_people.csv").open(newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            if r["agency"] == agency and r["role"] == "subject":
                subjects[r["event_ref"]] = r["person_ref"]
    keys: Counter[tuple[str, ...]] = Counter()
    with (dataset / "events.csv").open(newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            if r["agency"] != agency:
                continue
            codes = ";".join(sorted(c for c in r["codes"].split(";") if c.startswith("cin:")))
            keys[(subjects.get(r["event_ref"], ""), r["event_type"], r["occurred_at"][:10],
                  r["ended_at"][:10], codes)] += 1  # fmt: skip
    return keys


def people_rows(
    dataset: Path, columns: tuple[str, ...], agency: str = "social_care"
) -> set[tuple[str, ...]]:
    with (dataset / "people.csv").open(newline="", encoding="utf-8") as handle:
        return {
            (r["person_ref"], *(r.get(c, "") for c in columns))
            for r in csv.DictReader(handle)
            if r["agency"] == agency
        }


def flags(assessment: Path) -> dict[str, tuple[str, str, str]]:
    """Each child's (band, score, first_flagged_at) by their records, from `lantern assess`."""
    with (assessment / "children.csv").open(newline="", encoding="utf-8") as handle:
        return {
            r["records"]: (r["band"], r["score"], r["first_flagged_at"])
            for r in csv.DictReader(handle)
        }


def persons(assessment: Path) -> set[str]:
    with (assessment / "persons.csv").open(newline="", encoding="utf-8") as handle:
        return {r["records"] for r in csv.DictReader(handle)}
