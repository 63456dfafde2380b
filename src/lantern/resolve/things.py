"""Step 4 of resolve: vehicles, phones, emails and handles → `things` and `thing_mentions`.

Sources: every `event_things` row of those kinds (addresses are places, not
things) and the phones and emails on `people` records. A mention in an event
is tied to one person record when the event names exactly one person in the
role the thing's role points to: `used_by_suspect` and `owned_by` → the
suspect or offender; `seen_with_subject` and others → the subject or victim
(falling back to the other group). When several people share that role the
mention is left untied (record_id NULL) rather than guessed.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pyarrow as pa

from lantern.resolve.normalise_contacts import normalise_email, normalise_handle
from lantern.resolve.normalise_phones import display_phone, normalise_phone
from lantern.resolve.normalise_vehicles import parse_registration
from lantern.resolve.sql import scalar

THING_KINDS = ("vehicle", "phone", "email", "social_handle")


def _vehicle(raw: str) -> tuple[str | None, str | None]:
    registration = parse_registration(raw)
    return (registration.value, registration.display) if registration else (None, None)


def _phone(raw: str) -> tuple[str | None, str | None]:
    e164 = normalise_phone(raw)
    return (e164, display_phone(e164)) if e164 else (None, None)


def _email(raw: str) -> tuple[str | None, str | None]:
    email = normalise_email(raw)
    return email, email


def _handle(raw: str) -> tuple[str | None, str | None]:
    handle = normalise_handle(raw)
    return handle, (f"@{handle}" if handle else None)


NORMALISERS: dict[str, Callable[[str], tuple[str | None, str | None]]] = {
    "vehicle": _vehicle,
    "phone": _phone,
    "email": _email,
    "social_handle": _handle,
}


def _value_map(con: duckdb.DuckDBPyConnection) -> None:
    """`resolve_thing_values(kind, raw, value_norm, display)` for every distinct raw value."""
    rows = con.execute(
        """
        SELECT DISTINCT lower(trim(kind)) AS kind, value FROM event_things
        WHERE value IS NOT NULL AND lower(trim(kind)) IN ('vehicle', 'phone', 'email', 'social_handle')
        UNION
        SELECT DISTINCT 'phone', trim(unnest(string_split(phone, ';'))) FROM people WHERE phone IS NOT NULL
        UNION
        SELECT DISTINCT 'email', trim(unnest(string_split(email, ';'))) FROM people WHERE email IS NOT NULL
        """
    ).fetchall()
    kinds, raws, norms, displays = [], [], [], []
    for kind, raw in rows:
        norm, display = NORMALISERS[kind](raw)
        kinds.append(kind)
        raws.append(raw)
        norms.append(norm)
        displays.append(display)
    table = pa.table(
        {"kind": kinds, "raw": raws, "value_norm": norms, "display": displays},
        schema=pa.schema([(c, pa.string()) for c in ("kind", "raw", "value_norm", "display")]),
    )
    con.register("_resolve_thing_values", table)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE resolve_thing_values AS SELECT * FROM _resolve_thing_values"
    )
    con.unregister("_resolve_thing_values")


def build_things(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int]:
    """Write `things` and `thing_mentions`; returns (things, mentions, values not understood)."""
    _value_map(con)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE resolve_event_roles AS
        SELECT event_id,
               list_distinct(list(record_id) FILTER (WHERE role IN ('suspect', 'offender'))) AS suspects,
               list_distinct(list(record_id) FILTER (WHERE role IN ('subject', 'victim'))) AS subjects
        FROM event_people GROUP BY event_id
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE thing_mentions AS
        WITH from_events AS (
            SELECT lower(trim(t.kind)) || ':' || v.value_norm AS thing_id,
                   t.event_id,
                   CASE WHEN t.role IN ('used_by_suspect', 'owned_by')
                        THEN CASE WHEN len(r.suspects) = 1 THEN r.suspects[1]
                                  WHEN coalesce(len(r.suspects), 0) = 0 AND len(r.subjects) = 1 THEN r.subjects[1] END
                        ELSE CASE WHEN len(r.subjects) = 1 THEN r.subjects[1]
                                  WHEN coalesce(len(r.subjects), 0) = 0 AND len(r.suspects) = 1 THEN r.suspects[1] END
                   END AS record_id,
                   t.agency, 'event_things' AS source, t.role, t.description,
                   e.occurred_at, e.recorded_at
            FROM event_things t
            JOIN resolve_thing_values v ON v.kind = lower(trim(t.kind)) AND v.raw = t.value
            LEFT JOIN events e USING (event_id)
            LEFT JOIN resolve_event_roles r USING (event_id)
            WHERE v.value_norm IS NOT NULL
        ),
        from_people AS (
            SELECT DISTINCT v.kind || ':' || v.value_norm AS thing_id, NULL::VARCHAR AS event_id, p.record_id,
                   p.agency, 'people' AS source, 'own' AS role, NULL::VARCHAR AS description,
                   NULL::TIMESTAMP AS occurred_at, pr.first_recorded_at AS recorded_at
            FROM (
                SELECT record_id, agency, 'phone' AS kind, trim(unnest(string_split(phone, ';'))) AS raw
                FROM people WHERE phone IS NOT NULL
                UNION ALL
                SELECT record_id, agency, 'email', trim(unnest(string_split(email, ';')))
                FROM people WHERE email IS NOT NULL
            ) p
            JOIN resolve_thing_values v ON v.kind = p.kind AND v.raw = p.raw
            LEFT JOIN person_records pr USING (record_id)
            WHERE v.value_norm IS NOT NULL
        )
        SELECT * FROM from_events UNION ALL SELECT * FROM from_people
        ORDER BY thing_id, recorded_at NULLS LAST, event_id NULLS LAST, record_id
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE things AS
        SELECT DISTINCT m.thing_id, v.kind, v.value_norm, first(v.display ORDER BY v.raw) OVER (PARTITION BY m.thing_id) AS display
        FROM (SELECT DISTINCT thing_id FROM thing_mentions) m
        JOIN resolve_thing_values v ON v.kind || ':' || v.value_norm = m.thing_id
        ORDER BY m.thing_id
        """
    )
    things = scalar(con, "SELECT count(*) FROM things")
    mentions = scalar(con, "SELECT count(*) FROM thing_mentions")
    not_understood = scalar(
        con, "SELECT count(*) FROM resolve_thing_values WHERE value_norm IS NULL AND raw <> ''"
    )
    return things, mentions, not_understood
