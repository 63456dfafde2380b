"""Police and health exports by mapping: a YAML file says which source column is which
interchange field, how local values become event types and roles, and how dates are written.

A mapping (examples in `examples/mappings/`):

```yaml
agency: police
date_formats: ["%d/%m/%Y %H:%M", "%d/%m/%Y"]
event:                       # one event per distinct ref; several rows may share it
  ref: Occurrence Number
  event_type: {column: Occurrence Type, map: event_type}   # or {value: ed_attendance}
  occurred_at: Occurred From
  narrative: Summary
  codes: {column: HO Code, scheme: hocr}
person:                      # the person on this row, and how they were involved
  ref: Nominal ID
  role: {column: Involvement, map: role}
  given_name: Forename
values:                      # local value → interchange value (compared without case)
  event_type: {Missing Person Report: missing_report}
  role: {Victim: victim, Suspect: suspect}
things:
  - {column: VRM, kind: vehicle, role: seen_with_subject}
```

A value outside its map is reported with where it is: an event type becomes `other`, a role
`other`, a sex empty — the row still loads. `lantern adapt mapping.yaml SOURCE --check` shows
the first rows mapped, the columns no field reads and the values no map holds.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lantern.adapters.core import Adapted, Location
from lantern.adapters.normalise import parse_timestamp
from lantern.adapters.sources import Row, SourceTable, read_csv_table, read_sheets
from lantern.errors import UserError
from lantern.interchange import schema

EVENT_FIELDS = ("ref", "event_type", "occurred_at", "recorded_at", "ended_at", "postcode",
                "place_name", "narrative", "outcome", "codes")  # fmt: skip
PERSON_FIELDS = ("ref", "role", "given_name", "family_name", "other_names", "date_of_birth",
                 "birth_year", "sex", "nhs_number", "upn", "postcode", "address", "phone",
                 "email", "ethnicity")  # fmt: skip
TIMESTAMPS = ("occurred_at", "recorded_at", "ended_at")
THING_ROLES = schema.THING_ROLES


@dataclass
class Mapping:
    path: Path
    agency: str
    event: dict[str, Any]
    person: dict[str, Any]
    values: dict[str, dict[str, str]]
    things: list[dict[str, Any]]
    date_formats: tuple[str, ...]
    sheet: str | None = None
    columns_used: set[str] = field(default_factory=set)


def _spec(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {"column": value}


def load(path: Path) -> Mapping:
    """Read and check a mapping file; every problem in it is listed at once."""
    if not path.exists():
        raise UserError(f"{path}: no such mapping file")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise UserError(f"{path}: not valid YAML ({error})") from error
    problems = []
    agency = str(data.get("agency", ""))
    if not agency:
        problems.append("agency: missing (police, health, or any lower-case code)")
    event = {k: _spec(v) for k, v in (data.get("event") or {}).items()}
    person = {k: _spec(v) for k, v in (data.get("person") or {}).items()}
    for name in event:
        if name not in EVENT_FIELDS:
            problems.append(f"event.{name}: not an event field ({', '.join(EVENT_FIELDS)})")
    for name in person:
        if name not in PERSON_FIELDS:
            problems.append(f"person.{name}: not a person field ({', '.join(PERSON_FIELDS)})")
    for needed in ("ref", "event_type", "occurred_at"):
        if needed not in event:
            problems.append(f"event.{needed}: missing, but every event needs it")
    if person and "ref" not in person:
        problems.append("person.ref: missing, but a person needs an id")
    values = {k: {str(a).strip().lower(): str(b) for a, b in (v or {}).items()}
              for k, v in (data.get("values") or {}).items()}  # fmt: skip
    for kind, vocabulary in (("event_type", schema.ALL_EVENT_TYPES), ("role", schema.PERSON_ROLES),
                             ("sex", schema.SEXES)):  # fmt: skip
        for local, target in values.get(kind, {}).items():
            if target not in vocabulary:
                problems.append(f"values.{kind}: {local!r} maps to {target!r}, which is not one "
                                f"of: {', '.join(vocabulary)}")  # fmt: skip
    things = [dict(t) for t in data.get("things") or []]
    for i, thing in enumerate(things, start=1):
        if thing.get("kind") not in schema.THING_KINDS:
            problems.append(f"things[{i}].kind: must be one of {', '.join(schema.THING_KINDS)}")
        if "column" not in thing:
            problems.append(f"things[{i}].column: missing")
    if problems:
        raise UserError(f"{path}: the mapping has problems:\n  " + "\n  ".join(problems))
    formats = data.get("date_formats") or ["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y"]
    return Mapping(path, agency, event, person, values, things, tuple(formats), data.get("sheet"))


def _tables(source: Path, mapping: Mapping, adapted: Adapted) -> list[SourceTable]:
    files = sorted(p for p in source.iterdir() if p.suffix.lower() in (".csv", ".xlsx")) \
        if source.is_dir() else [source]  # fmt: skip
    tables = []
    for path in files:
        if path.suffix.lower() == ".xlsx":
            for table in read_sheets(path, adapted):
                if mapping.sheet is None or table.sheet == mapping.sheet:
                    tables.append(table)
        else:
            tables.append(read_csv_table(path, adapted))
    return tables


class _Mapper:
    def __init__(self, mapping: Mapping, adapted: Adapted) -> None:
        self.mapping = mapping
        self.adapted = adapted
        self.outside: Counter[tuple[str, str, str]] = Counter()  # (map, column, value)
        self.first_outside: dict[tuple[str, str, str], Location] = {}
        self.links: set[tuple[str, str, str]] = set()  # (event, person, role) written
        self.things: set[tuple[str, str, str]] = set()  # (event, kind, value) written

    def column(self, spec: dict[str, Any], table: SourceTable) -> str | None:
        name = spec.get("column")
        if name is None:
            return None
        match = next(
            (h for h in table.header if h.strip().lower() == str(name).strip().lower()), None
        )
        if match:
            self.mapping.columns_used.add(match)
        return match

    def value(
        self, spec: dict[str, Any], table: SourceTable, row: Row, kind: str
    ) -> tuple[str, str | None]:
        """(the interchange value, the column it came from) for one field."""
        if "value" in spec:
            return str(spec["value"]), None
        column = self.column(spec, table)
        if column is None:
            return "", None
        text = row.text(column)
        table_name = spec.get("map")
        if table_name and text:
            mapped = self.mapping.values.get(table_name, {}).get(text.lower())
            if mapped is None:
                key = (table_name, column, text)
                self.outside[key] += 1
                self.first_outside.setdefault(key, row.at(column))
                fallback = {"event_type": "other", "role": "other"}.get(table_name, "")
                self.adapted.issue(
                    row.at(column),
                    f"'{text}' is not in the {table_name} map of {self.mapping.path.name}; "
                    + (f"loaded as '{fallback}'" if fallback else "loaded without it")
                    + " (add it to values."
                    + table_name
                    + ")",
                    text,
                    "warning",
                )
                return fallback, column
            return mapped, column
        return text, column


def adapt(mapping: Mapping, source: Path, agency: str | None = None) -> Adapted:
    adapted = Adapted(agency=agency or mapping.agency, name=f"{mapping.path.stem} {source.name}")
    mapper = _Mapper(mapping, adapted)
    columns_seen: list[str] = []
    for table in _tables(source, mapping, adapted):
        adapted.read[table.sheet or table.name] += len(table.rows)
        columns_seen += [h for h in table.header if h not in columns_seen]
        # every column a field names counts as read, whether or not a row fills it
        for spec in [*mapping.event.values(), *mapping.person.values(), *mapping.things]:
            mapper.column(spec, table)
        for thing in mapping.things:
            if thing.get("description"):
                mapper.column({"column": thing["description"]}, table)
        for spec in (mapping.event["ref"], mapping.event["occurred_at"]):
            if mapper.column(spec, table) is None and "value" not in spec:
                adapted.issue(Location(table.name, 1, table.sheet),
                              f"has no column '{spec.get('column')}', which the mapping reads "
                              "for every event; the file was not read")  # fmt: skip
                break
        else:
            for row in table.rows:
                _row(mapper, table, row)
    used = mapping.columns_used
    unmapped = [c for c in columns_seen if c not in used]
    adapted.notes.append("Columns no field reads: " + (", ".join(unmapped) if unmapped else "none"))
    if mapper.outside:
        adapted.notes.append("Values outside the maps (map, column: value × rows, first at):")
        for (name, column, value), n in mapper.outside.most_common():
            adapted.notes.append(f"  {name}, {column}: {value!r} × {n}, first at "
                                 f"{mapper.first_outside[(name, column, value)]}")  # fmt: skip
    else:
        adapted.notes.append("Values outside the maps: none")
    return adapted


def _row(mapper: _Mapper, table: SourceTable, row: Row) -> None:
    mapping, adapted = mapper.mapping, mapper.adapted
    ref, ref_column = mapper.value(mapping.event["ref"], table, row, "ref")
    if not ref:
        adapted.issue(row.at(ref_column), "is empty: the row has no event reference; not loaded")
        return
    fields: dict[str, Any] = {}
    for name, spec in mapping.event.items():
        if name == "ref":
            continue
        value, column = mapper.value(spec, table, row, name)
        if name in TIMESTAMPS and value:
            parsed = parse_timestamp(value, mapping.date_formats)
            if parsed is None:
                required = name == "occurred_at"
                adapted.issue(
                    row.at(column),
                    f"'{value}' is not a date and time in any of the mapping's date_formats "
                    f"({', '.join(mapping.date_formats)}); "
                    + ("the event was not loaded" if required else "loaded without it"),
                    value,
                    "error" if required else "warning",
                )
                if required:
                    return
                continue
            fields[name] = parsed
        elif name == "codes" and value and spec.get("scheme"):
            fields[name] = ";".join(
                f"{spec['scheme']}:{v.strip()}" for v in value.split(";") if v.strip()
            )
        else:
            fields[name] = value
    if not fields.get("occurred_at"):
        adapted.issue(row.at(None), "has no date of the event; not loaded")
        return
    person_ref = ""
    if mapping.person:
        person_ref, person_column = mapper.value(mapping.person["ref"], table, row, "ref")
        if person_ref and not adapted.has_person(person_ref):
            person: dict[str, object] = {}
            for name, spec in mapping.person.items():
                if name in ("ref", "role"):
                    continue
                value, column = mapper.value(spec, table, row, name)
                if name == "date_of_birth" and value:
                    parsed = parse_timestamp(value, mapping.date_formats)
                    if parsed is None:
                        adapted.issue(row.at(column), f"'{value}' is not a date in any of the "
                                      "mapping's date_formats; the person loaded without it",
                                      value, "warning")  # fmt: skip
                        continue
                    value = parsed.date().isoformat()
                person[name] = value
            adapted.person(person_ref, row.location, **person)
    event_type = str(fields.pop("event_type", "") or "other")
    occurred = fields.pop("occurred_at")
    if ref not in adapted.events:
        adapted.event(ref, event_type, occurred, row.location, subject=person_ref or "",  # type: ignore[arg-type]
                      **fields)  # fmt: skip
        if not person_ref:
            adapted.event_people.pop()
        else:
            role = "subject"
            if "role" in mapping.person:
                role, _ = mapper.value(mapping.person["role"], table, row, "role")
                adapted.event_people[-1]["role"] = role = role or "other"
            mapper.links.add((ref, person_ref, role))
    elif person_ref:
        role = "other"
        if "role" in mapping.person:
            role, _ = mapper.value(mapping.person["role"], table, row, "role")
        link = {"agency": adapted.agency, "event_ref": ref, "person_ref": person_ref,
                "role": role or "other", "source": str(row.location)}  # fmt: skip
        key = (ref, person_ref, link["role"])
        if key not in mapper.links:
            mapper.links.add(key)
            adapted.event_people.append(link)
    for thing in mapping.things:
        column = mapper.column(thing, table)
        value = row.text(column) if column else ""
        if value and (ref, thing["kind"], value) not in mapper.things:
            mapper.things.add((ref, thing["kind"], value))  # a vehicle on every nominal's row
            description = row.text(mapper.column({"column": thing["description"]}, table) or "") \
                if thing.get("description") else ""  # fmt: skip
            adapted.things.append({"agency": adapted.agency, "event_ref": ref, "kind": thing["kind"],
                                   "value": value, "role": thing.get("role", "other"),
                                   "description": description, "source": str(row.at(column))})  # fmt: skip
