"""A small hand-built county for the graph tests: upstream tables with the contract's columns.

`World` collects people, events, roles, things, indicator hits and text
mentions with keyword defaults, then `write(con)` creates the store, resolve
and indicators tables the graph stage reads (docs/pipeline.md).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb


def _ts(value: str | datetime | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def _date(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


@dataclass
class World:
    people: list[dict] = field(default_factory=list)
    persons: dict[str, str] = field(default_factory=dict)
    events: list[dict] = field(default_factory=list)
    event_people: list[dict] = field(default_factory=list)
    things: dict[str, dict] = field(default_factory=dict)
    thing_mentions: list[dict] = field(default_factory=list)
    hits: list[dict] = field(default_factory=list)
    text_mentions: list[dict] = field(default_factory=list)

    def person(
        self,
        ref: str,
        *,
        agency: str = "police",
        dob: str | None = None,
        birth_year: int | None = None,
        given: str | None = None,
        family: str | None = None,
        other_names: str | None = None,
        phone: str | None = None,
        postcode: str | None = None,
        same_as: str | None = None,
    ) -> str:
        """Add a person record; `same_as` puts it in another record's person. Returns record_id."""
        record_id = f"{agency}:{ref}"
        self.people.append(
            dict(
                record_id=record_id,
                agency=agency,
                person_ref=ref,
                given_name=given or ref,
                family_name=family,
                other_names=other_names,
                dob=_date(dob),
                birth_year=birth_year if birth_year else (int(dob[:4]) if dob else None),
                phone=phone,
                postcode=postcode,
            )
        )
        if same_as:
            self.persons[record_id] = self.persons[same_as]
        else:
            self.persons[record_id] = "P" + hashlib.sha1(record_id.encode()).hexdigest()[:10]
        return record_id

    def pid(self, record_id: str) -> str:
        return self.persons[record_id]

    def event(
        self,
        ref: str,
        *,
        agency: str = "police",
        type: str = "incident",
        at: str = "2010-01-01T20:00:00",
        recorded: str | None = None,
        ended: str | None = None,
        postcode: str | None = None,
        place: str | None = None,
        people: dict[str, str] | None = None,
        things: list[tuple[str, str, str]] | None = None,
        narrative: str | None = None,
    ) -> str:
        event_id = f"{agency}:{ref}"
        occurred = _ts(at)
        self.events.append(
            dict(
                event_id=event_id,
                agency=agency,
                event_ref=ref,
                event_type=type,
                occurred_at=occurred,
                recorded_at=_ts(recorded) or occurred,
                ended_at=_ts(ended),
                postcode=postcode,
                place_name=place,
                narrative=narrative,
            )
        )
        for record_id, role in (people or {}).items():
            self.event_people.append(dict(event_id=event_id, record_id=record_id, role=role))
        for kind, value, role in things or []:
            thing_id = f"{kind}:{value}"
            self.things[thing_id] = dict(
                thing_id=thing_id, kind=kind, value_norm=value, display=value
            )
            self.thing_mentions.append(
                dict(
                    thing_id=thing_id,
                    event_id=event_id,
                    record_id=None,
                    agency=agency,
                    source="event_things",
                    role=role,
                    occurred_at=occurred,
                    recorded_at=_ts(recorded) or occurred,
                )
            )
        return event_id

    def record_thing(self, record_id: str, kind: str, value: str, recorded: str) -> None:
        """A thing on a person record (a phone in the people table)."""
        thing_id = f"{kind}:{value}"
        self.things[thing_id] = dict(thing_id=thing_id, kind=kind, value_norm=value, display=value)
        self.thing_mentions.append(
            dict(
                thing_id=thing_id,
                event_id=None,
                record_id=record_id,
                agency=record_id.split(":")[0],
                source="people",
                role="owned_by",
                occurred_at=None,
                recorded_at=_ts(recorded),
            )
        )

    def hit(self, event_id: str, record_id: str, category: str = "older_associate") -> None:
        event = next(e for e in self.events if e["event_id"] == event_id)
        self.hits.append(
            dict(
                hit_id=f"h{len(self.hits) + 1}",
                indicator=f"{category}_test",
                category=category,
                weight=1.0,
                agency=event["agency"],
                event_id=event_id,
                record_id=record_id,
                occurred_at=event["occurred_at"],
                recorded_at=event["recorded_at"],
            )
        )

    def text(self, event_id: str, kind: str, value: str, value_norm: str | None = None) -> None:
        event = next(e for e in self.events if e["event_id"] == event_id)
        self.text_mentions.append(
            dict(
                event_id=event_id,
                agency=event["agency"],
                kind=kind,
                value=value,
                value_norm=value_norm,
                span_start=0,
                span_end=len(value),
                occurred_at=event["occurred_at"],
                recorded_at=event["recorded_at"],
            )
        )

    def write(self, con: duckdb.DuckDBPyConnection) -> None:
        first_recorded: dict[str, datetime] = {}
        by_event = {e["event_id"]: e for e in self.events}
        for ep in self.event_people:
            at = by_event[ep["event_id"]]["recorded_at"]
            rid = ep["record_id"]
            first_recorded[rid] = min(at, first_recorded.get(rid, at))
        _table(
            con,
            "people",
            "record_id VARCHAR, agency VARCHAR, person_ref VARCHAR, given_name VARCHAR, "
            "family_name VARCHAR, other_names VARCHAR, date_of_birth DATE, birth_year INTEGER, "
            "phone VARCHAR",
            [
                (
                    p["record_id"],
                    p["agency"],
                    p["person_ref"],
                    p["given_name"],
                    p["family_name"],
                    p["other_names"],
                    p["dob"],
                    p["birth_year"],
                    p["phone"],
                )
                for p in self.people
            ],
        )
        _table(
            con,
            "person_records",
            "record_id VARCHAR, agency VARCHAR, person_ref VARCHAR, first_recorded_at TIMESTAMP, "
            "dob DATE, birth_year INTEGER, postcode_norm VARCHAR, postcode_sector VARCHAR, "
            "family_name_norm VARCHAR",
            [
                (
                    p["record_id"],
                    p["agency"],
                    p["person_ref"],
                    first_recorded.get(p["record_id"]),
                    p["dob"],
                    p["birth_year"],
                    p["postcode"],
                    p["postcode"][:-2] if p["postcode"] else None,
                    None,  # family names: tests that need them set them
                )
                for p in self.people
            ],
        )
        _table(con, "persons", "record_id VARCHAR, person_id VARCHAR", list(self.persons.items()))
        _table(
            con,
            "events",
            "event_id VARCHAR, agency VARCHAR, event_ref VARCHAR, event_type VARCHAR, "
            "occurred_at TIMESTAMP, recorded_at TIMESTAMP, ended_at TIMESTAMP, postcode VARCHAR, "
            "place_name VARCHAR, narrative VARCHAR",
            [tuple(e.values()) for e in self.events],
        )
        _table(
            con,
            "event_people",
            "event_id VARCHAR, record_id VARCHAR, agency VARCHAR, event_ref VARCHAR, "
            "person_ref VARCHAR, role VARCHAR",
            [
                (
                    ep["event_id"],
                    ep["record_id"],
                    ep["event_id"].split(":")[0],
                    ep["event_id"].split(":", 1)[1],
                    ep["record_id"].split(":", 1)[1],
                    ep["role"],
                )
                for ep in self.event_people
            ],
        )
        _table(
            con,
            "things",
            "thing_id VARCHAR, kind VARCHAR, value_norm VARCHAR, display VARCHAR",
            [tuple(t.values()) for t in self.things.values()],
        )
        _table(
            con,
            "thing_mentions",
            "thing_id VARCHAR, event_id VARCHAR, record_id VARCHAR, agency VARCHAR, source VARCHAR, "
            "role VARCHAR, occurred_at TIMESTAMP, recorded_at TIMESTAMP",
            [tuple(t.values()) for t in self.thing_mentions],
        )
        _table(
            con,
            "indicator_hits",
            "hit_id VARCHAR, indicator VARCHAR, category VARCHAR, weight DOUBLE, agency VARCHAR, "
            "event_id VARCHAR, record_id VARCHAR, occurred_at TIMESTAMP, recorded_at TIMESTAMP",
            [tuple(h.values()) for h in self.hits],
        )
        _table(
            con,
            "text_mentions",
            "event_id VARCHAR, agency VARCHAR, kind VARCHAR, value VARCHAR, value_norm VARCHAR, "
            "span_start INTEGER, span_end INTEGER, occurred_at TIMESTAMP, recorded_at TIMESTAMP",
            [tuple(t.values()) for t in self.text_mentions],
        )


def _table(con: duckdb.DuckDBPyConnection, name: str, columns: str, rows: list[tuple]) -> None:
    con.execute(f"CREATE OR REPLACE TABLE {name} ({columns})")
    if rows:
        marks = ", ".join("?" for _ in rows[0])
        con.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)  # noqa: S608


def ring_world() -> World:
    """The standard test county: one exploitation ring and the confounders around it.

    - Children Amy, Beth, Cara (born 1996-97), each with signals.
    - Adult Dan (born 1975): suspect in Amy's sexual-offence report; associate in
      Beth's missing report; stopped driving car AB12CDE; Cara's narrative names
      AB12CDE; Cara's narrative calls a man "Dazza", Dan's other name.
    - Eve (born 1980), Dan's co-offender: suspect with Dan in an intelligence
      report; at the Kebab House with Beth and Cara on two nights.
    - Sam, a social worker (professional) in every child's events.
    - Fran, a foster carer (carer) in Amy's and Beth's events.
    - Ted, a taxi driver on the school run: associate in eight ordinary events
      with the three children and a fourth, Dora, none of them near a signal.
    - Dora, a child with one education hit (not a signal child).
    """
    w = World()
    amy = w.person("amy", dob="1996-05-01", given="Amy")
    beth = w.person("beth", dob="1997-02-10", given="Beth")
    cara = w.person("cara", dob="1996-11-20", given="Cara")
    dora = w.person("dora", dob="1997-06-01", given="Dora")
    cara_sc = w.person("cara", agency="social_care", dob="1996-11-20", same_as=cara)
    dan = w.person("dan", dob="1975-03-03", given="Dan", other_names="Dazza;D")
    eve = w.person("eve", dob="1980-01-01", given="Eve")
    sam = w.person("sam", agency="social_care", dob="1970-01-01", given="Sam")
    fran = w.person("fran", agency="social_care", dob="1965-01-01", given="Fran")
    ted = w.person("ted", dob="1960-01-01", given="Ted")

    e = w.event(
        "sx1",
        type="sexual_offence_report",
        at="2010-03-01T23:00:00",
        recorded="2010-03-03T10:00:00",
        place="Kebab House",
        postcode="OX4 1AB",
        people={amy: "victim", dan: "suspect", sam: "reporter"},
    )
    w.hit(e, amy, "sexual_abuse_disclosed")
    e = w.event(
        "m1",
        type="missing_report",
        at="2010-04-01T22:00:00",
        recorded="2010-04-02T09:00:00",
        ended="2010-04-03T02:00:00",
        place="Kebab House",
        people={beth: "subject", dan: "associate", fran: "carer"},
    )
    w.hit(e, beth, "missing")
    w.hit(e, beth, "older_associate")
    e = w.event(
        "vs1",
        type="vehicle_stop",
        at="2010-05-01T01:00:00",
        recorded="2010-05-01T08:00:00",
        people={dan: "suspect"},
        things=[("vehicle", "AB12CDE", "used_by_suspect")],
    )
    e = w.event(
        "sc1",
        agency="social_care",
        type="contact",
        at="2010-06-01T10:00:00",
        recorded="2010-06-10T10:00:00",
        people={cara_sc: "subject", sam: "professional"},
        narrative="Cara said she gets lifts from Dazza in car AB12CDE",
    )
    w.hit(e, cara_sc, "vehicle")
    w.text(e, "vehicle", "AB12CDE", "vehicle:AB12CDE")
    w.text(e, "nickname", "Dazza")
    e = w.event(
        "int1",
        type="intelligence",
        at="2010-06-15T12:00:00",
        people={dan: "suspect", eve: "suspect"},
    )
    # Eve at the Kebab House with Beth (and later Cara) on two nights each, in separate events.
    for n, (day, child) in enumerate(
        [("2010-07-01", beth), ("2010-07-20", beth), ("2010-07-01", cara), ("2010-07-20", cara)]
    ):
        e = w.event(
            f"kb{n}",
            type="missing_report",
            at=f"{day}T23:30:00",
            place="Kebab House",
            people={child: "subject"},
        )
        w.hit(e, child, "missing")
    for n, day in enumerate(["2010-07-01", "2010-07-20"]):
        w.event(
            f"ev{n}",
            type="stop_search",
            at=f"{day}T23:45:00",
            place="Kebab House",
            people={eve: "subject"},
        )
    # Fran and Sam: protective roles, many events.
    for n, child in enumerate([amy, beth, amy, beth]):
        w.event(
            f"pl{n}",
            agency="social_care",
            type="placement_move",
            at=f"2010-0{n + 2}-15T12:00:00",
            people={child: "subject", fran: "carer", sam: "professional"},
        )
    # Ted: associate in eight ordinary school-run notes, no signals around them.
    for n, child in enumerate([amy, beth, cara, dora] * 2):
        w.event(
            f"tx{n}",
            agency="education",
            type="note",
            at=f"2011-0{n + 1}-10T08:30:00",
            people={child: "subject", ted: "associate"},
            things=[("vehicle", "TX99AXI", "seen_with_subject")],
        )
    e = w.event(
        "ab1",
        agency="education",
        type="absence",
        at="2011-02-01T09:00:00",
        people={dora: "subject"},
    )
    w.hit(e, dora, "education")
    return w
