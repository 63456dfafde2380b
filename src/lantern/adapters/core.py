"""What every adapter shares: source locations, issues, and the interchange dataset it builds.

An adapter reads a source (a folder of CSV files, an XML file, a workbook) and calls
`Adapted.person`, `Adapted.event` and `Adapted.issue`. Each row it writes carries `source`:
where in the source it came from (file, sheet, line or row, columns), so anyone looking at a
record in Lantern can find the row it came from. Whatever cannot be read becomes an `Issue`
with that location and a sentence a data officer can act on; the rest still loads.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from lantern.export_safety import escape_row

# The interchange columns an adapter writes, in order (`source` is the provenance column; see
# docs/interchange.md, "Provenance").
PEOPLE_COLUMNS = (
    "agency", "person_ref", "given_name", "family_name", "other_names", "date_of_birth",
    "birth_year", "sex", "nhs_number", "upn", "postcode", "address", "phone", "email",
    "ethnicity", "source",
)  # fmt: skip
EVENT_COLUMNS = (
    "agency", "event_ref", "event_type", "occurred_at", "recorded_at", "ended_at", "postcode",
    "place_name", "narrative", "outcome", "codes", "source",
)  # fmt: skip
EVENT_PEOPLE_COLUMNS = ("agency", "event_ref", "person_ref", "role", "source")
EVENT_THINGS_COLUMNS = ("agency", "event_ref", "kind", "value", "role", "description", "source")
ISSUE_COLUMNS = ("source_file", "sheet", "line", "column", "value", "severity", "message")


@dataclass(frozen=True)
class Location:
    """Where a value sits in the source: file, sheet (workbooks), line or row, column."""

    file: str
    line: int | None = None  # CSV and XML: the physical line; workbooks: the sheet's row
    sheet: str | None = None
    column: str | None = None

    def at(self, column: str | None) -> Location:
        return Location(self.file, self.line, self.sheet, column)

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet is not None:
            parts.append(f"sheet '{self.sheet}'")
        if self.line is not None:
            parts.append(f"{'row' if self.sheet is not None else 'line'} {self.line}")
        text = ", ".join(parts)
        return f"{text}, {self.column}" if self.column else text


@dataclass(frozen=True)
class Issue:
    """Something an adapter could not read. `error`: the record was not loaded; `warning`:
    it loaded without the value named."""

    location: Location
    message: str  # a sentence, without the location
    value: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass
class Adapted:
    """The interchange rows an adapter built from one source, and what it could not read."""

    agency: str
    name: str
    people: dict[str, dict[str, str]] = field(default_factory=dict)
    events: dict[str, dict[str, str]] = field(default_factory=dict)
    event_people: list[dict[str, str]] = field(default_factory=list)
    things: list[dict[str, str]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    read: Counter[str] = field(default_factory=Counter)  # source records read, by source table
    notes: list[str] = field(default_factory=list)  # for `--check`: what a mapping left out
    _first_seen: dict[str, Location] = field(default_factory=dict)

    # --- building -------------------------------------------------------------------------

    def issue(
        self, location: Location, message: str, value: object = "", severity: str = "error"
    ) -> None:
        self.issues.append(Issue(location, message, "" if value is None else str(value), severity))

    def person(self, ref: str, location: Location, **fields: object) -> bool:
        """Add a person record; a second record with the same ref is an error (False)."""
        key = f"person:{ref}"
        if key in self._first_seen:
            self.issue(
                location,
                f"a second record for {ref!r} (the first is at {self._first_seen[key]}); "
                "this one was not loaded",
                ref,
            )
            return False
        self._first_seen[key] = location
        row = {c: "" for c in PEOPLE_COLUMNS}
        row.update({k: _text(v) for k, v in fields.items() if k in row})
        row.update(agency=self.agency, person_ref=ref, source=str(location))
        self.people[ref] = row
        return True

    def has_person(self, ref: str) -> bool:
        return ref in self.people

    def event(
        self,
        ref: str,
        event_type: str,
        occurred: dt.date | dt.datetime,
        location: Location,
        *,
        subject: str,
        duplicate_of: str | None = None,
        **fields: object,
    ) -> bool:
        """Add an event about `subject`; a second event with the same ref is an error (False).

        `duplicate_of` says in words what a duplicate is ("a second episode for child 123
        starting 2013-06-24"), for the message.
        """
        key = f"event:{ref}"
        if key in self._first_seen:
            what = duplicate_of or f"a second event {ref!r}"
            self.issue(
                location,
                f"{what} (the first is at {self._first_seen[key]}); this one was not loaded",
                ref,
            )
            return False
        self._first_seen[key] = location
        row = {c: "" for c in EVENT_COLUMNS}
        row.update({k: _text(v) for k, v in fields.items() if k in row})
        row.update(
            agency=self.agency,
            event_ref=ref,
            event_type=event_type,
            occurred_at=_text(occurred),
            source=str(location),
        )
        self.events[ref] = row
        self.event_people.append(
            {"agency": self.agency, "event_ref": ref, "person_ref": subject, "role": "subject",
             "source": str(location)}
        )  # fmt: skip
        return True

    # --- writing --------------------------------------------------------------------------

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    def write(self, out: Path) -> dict[str, int]:
        """Write the interchange dataset (and `quarantine.csv`) into `out`; rows per file."""
        out.mkdir(parents=True, exist_ok=True)
        counts = {
            "people.csv": _write(out / "people.csv", PEOPLE_COLUMNS, self.people.values()),
            "events.csv": _write(out / "events.csv", EVENT_COLUMNS, self.events.values()),
            "event_people.csv": _write(
                out / "event_people.csv", EVENT_PEOPLE_COLUMNS, self.event_people
            ),
        }
        if self.things:
            counts["event_things.csv"] = _write(
                out / "event_things.csv", EVENT_THINGS_COLUMNS, self.things
            )
        else:  # a dataset written again must not keep an earlier run's things
            (out / "event_things.csv").unlink(missing_ok=True)
        (out / "manifest.yaml").write_text(
            yaml.safe_dump({"lantern_interchange": 1, "name": self.name}, sort_keys=False),
            encoding="utf-8",
        )
        counts["quarantine.csv"] = write_issues(out / "quarantine.csv", self.issues)
        return counts


def write_issues(path: Path, issues: list[Issue]) -> int:
    rows = [
        {
            "source_file": i.location.file,
            "sheet": i.location.sheet or "",
            "line": "" if i.location.line is None else str(i.location.line),
            "column": i.location.column or "",
            "value": i.value,
            "severity": i.severity,
            "message": str(i),
        }
        for i in issues
    ]
    # a data officer opens this one in a spreadsheet: escaped against formula injection
    return _write(path, ISSUE_COLUMNS, rows, escape=True)


def _write(path: Path, columns: tuple[str, ...], rows: object, *, escape: bool = False) -> int:
    """Rows as CSV. The interchange files are data for `lantern ingest` and keep every value
    as given (a phone number `+44 ...` stays as it is); only reports are escaped."""
    n = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:  # type: ignore[attr-defined]
            values = [row.get(c, "") for c in columns]
            writer.writerow(escape_row(values) if escape else values)
            n += 1
    return n


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
