"""Build the indicators stage's input tables directly, with the contract's columns.

`Store` collects people, events, event_people and event_things with
keyword-default factories, then writes them as the tables `docs/pipeline.md`
lists for the store (`people`, `events`, `event_people`, `event_things`) and
resolve (`person_records`, `persons`).
"""

# ruff: noqa: S608  -- SQL here is assembled from this module's constants and table names, never from input data

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb

PEOPLE = (
    "record_id VARCHAR, agency VARCHAR, person_ref VARCHAR, given_name VARCHAR, family_name VARCHAR, "
    "other_names VARCHAR, date_of_birth DATE, birth_year INTEGER, sex VARCHAR, nhs_number VARCHAR, "
    "upn VARCHAR, postcode VARCHAR, address VARCHAR, phone VARCHAR, email VARCHAR, attributes JSON, "
    "load_id VARCHAR, dataset VARCHAR, source_file VARCHAR, source_line INTEGER"
)
EVENTS = (
    "event_id VARCHAR, agency VARCHAR, event_ref VARCHAR, event_type VARCHAR, event_type_raw VARCHAR, "
    "occurred_at TIMESTAMP, recorded_at TIMESTAMP, ended_at TIMESTAMP, postcode VARCHAR, "
    "place_name VARCHAR, latitude DOUBLE, longitude DOUBLE, narrative VARCHAR, outcome VARCHAR, "
    "codes VARCHAR, attributes JSON, load_id VARCHAR, dataset VARCHAR, source_file VARCHAR, "
    "source_line INTEGER"
)
EVENT_PEOPLE = (
    "event_id VARCHAR, record_id VARCHAR, agency VARCHAR, event_ref VARCHAR, person_ref VARCHAR, "
    "role VARCHAR, load_id VARCHAR, dataset VARCHAR, source_file VARCHAR, source_line INTEGER"
)
EVENT_THINGS = (
    "event_id VARCHAR, agency VARCHAR, event_ref VARCHAR, kind VARCHAR, value VARCHAR, role VARCHAR, "
    "description VARCHAR, load_id VARCHAR, dataset VARCHAR, source_file VARCHAR, source_line INTEGER"
)


@dataclass
class Store:
    people: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    event_people: list[dict] = field(default_factory=list)
    event_things: list[dict] = field(default_factory=list)
    persons: dict[str, str] = field(default_factory=dict)
    _n: int = 0

    def person(
        self, ref: str, *, agency: str = "police", dob: date | None = None, birth_year: int | None = None,
        sex: str | None = "F", person_id: str | None = None, postcode: str | None = None,
    ) -> str:  # fmt: skip
        record_id = f"{agency}:{ref}"
        self.people.append(
            {
                "record_id": record_id,
                "agency": agency,
                "person_ref": ref,
                "date_of_birth": dob,
                "birth_year": birth_year,
                "sex": sex,
                "postcode": postcode,
            }  # fmt: skip
        )
        if person_id:
            self.persons[record_id] = person_id
        return record_id

    def event(
        self, event_type: str, at: datetime | str, *, subject: str | None = None,
        agency: str | None = None, narrative: str | None = None, codes: str | None = None,
        outcome: str | None = None, ended_at: datetime | str | None = None,
        recorded_at: datetime | str | None = None, others: dict[str, str] | None = None,
        things: list[tuple[str, str, str | None]] | None = None, ref: str | None = None,
    ) -> str:  # fmt: skip
        self._n += 1
        agency = agency or (subject.split(":")[0] if subject else "police")
        ref = ref or f"E{self._n}"
        event_id = f"{agency}:{ref}"
        at = _ts(at)
        self.events.append(
            {
                "event_id": event_id,
                "agency": agency,
                "event_ref": ref,
                "event_type": event_type,
                "occurred_at": at,
                "recorded_at": _ts(recorded_at) or at,
                "ended_at": _ts(ended_at),
                "narrative": narrative,
                "outcome": outcome,
                "codes": codes,
            }  # fmt: skip
        )
        if subject:
            self.event_people.append(
                {"event_id": event_id, "record_id": subject, "role": "subject"}
            )
        for record_id, role in (others or {}).items():
            self.event_people.append({"event_id": event_id, "record_id": record_id, "role": role})
        for kind, value, role in things or []:
            self.event_things.append(
                {"event_id": event_id, "agency": agency, "kind": kind, "value": value, "role": role}
            )
        return event_id

    def write(self, con: duckdb.DuckDBPyConnection, *, resolve: bool = True) -> None:
        for name, columns, rows in (
            ("people", PEOPLE, self.people),
            ("events", EVENTS, self.events),
            ("event_people", EVENT_PEOPLE, self.event_people),
            ("event_things", EVENT_THINGS, self.event_things),
        ):
            con.execute(f"CREATE OR REPLACE TABLE {name} ({columns})")
            names = [c.split()[0] for c in columns.split(", ")]
            for row in rows:
                present = [n for n in names if n in row]
                con.execute(
                    f"INSERT INTO {name} ({', '.join(present)}) VALUES ({', '.join('?' * len(present))})",
                    [row[n] for n in present],
                )
        if resolve:
            con.execute(
                "CREATE OR REPLACE TABLE person_records AS SELECT record_id, agency, person_ref, "
                "date_of_birth AS dob, coalesce(year(date_of_birth), birth_year) AS birth_year, sex "
                "FROM people"
            )
            con.execute("CREATE OR REPLACE TABLE persons (record_id VARCHAR, person_id VARCHAR)")
            for row in self.people:
                person = self.persons.get(
                    row["record_id"], "P" + row["record_id"].replace(":", "_")
                )
                con.execute("INSERT INTO persons VALUES (?, ?)", [row["record_id"], person])


def _ts(value: datetime | str | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def hits(con: duckdb.DuckDBPyConnection, indicator: str | None = None) -> list[dict]:
    sql = "SELECT * FROM indicator_hits" + (" WHERE indicator = ?" if indicator else "")
    cursor = con.execute(sql + " ORDER BY occurred_at, indicator", [indicator] if indicator else [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
