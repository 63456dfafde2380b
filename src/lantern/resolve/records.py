"""Step 1 of resolve: `people` → `person_records`, the normalised fields used for linking.

Normalisers are pure Python functions; they run once per *distinct* raw value
(there are far fewer distinct names, phones and postcodes than records) and
the results are joined back in SQL, so no Python runs per record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import duckdb
import pyarrow as pa

from lantern.resolve.normalise_contacts import normalise_email_list
from lantern.resolve.normalise_identifiers import normalise_nhs_number, normalise_upn
from lantern.resolve.normalise_names import name_parts, normalise_name, soundex
from lantern.resolve.normalise_nicknames import name_root, name_roots
from lantern.resolve.normalise_phones import normalise_phone_list
from lantern.resolve.normalise_postcodes import parse_postcode
from lantern.resolve.sql import scalar


def _map_distinct(
    con: duckdb.DuckDBPyConnection,
    table: str,
    sql_values: str,
    schema: pa.Schema,
    mapper: Callable[[str], tuple[Any, ...]],
) -> None:
    """Create `table(raw, …)` by applying `mapper` to each distinct non-null value of `sql_values`."""
    raws = [row[0] for row in con.execute(sql_values).fetchall()]
    columns: list[list[Any]] = [raws] + [[] for _ in schema.names[1:]]
    for raw in raws:
        for column, value in zip(columns[1:], mapper(raw), strict=True):
            column.append(value)
    arrow = pa.table(columns, schema=schema)
    con.register("_resolve_map_arrow", arrow)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM _resolve_map_arrow")  # noqa: S608 - our own table name
    con.unregister("_resolve_map_arrow")


def _distinct(column_sql: str) -> str:
    return f"SELECT DISTINCT {column_sql} AS v FROM people WHERE {column_sql} IS NOT NULL"  # noqa: S608 - our own column name


def _given(raw: str) -> tuple[Any, ...]:
    parts = name_parts(raw)
    roots: set[str] = set()
    for part in parts:
        roots |= name_roots(part)
    return (normalise_name(raw), parts[0] if parts else None, name_root(raw), sorted(roots) or None)


def _family(raw: str) -> tuple[Any, ...]:
    return (normalise_name(raw), name_parts(raw) or None, soundex(raw))


def _other_names(raw: str) -> tuple[Any, ...]:
    names = [n for n in (normalise_name(p) for p in raw.split(";")) if n]
    roots: set[str] = set()
    for part in raw.split(";"):
        roots |= name_roots(part)
    return (names or None, sorted(roots) or None)


def _postcode(raw: str) -> tuple[Any, ...]:
    postcode = parse_postcode(raw)
    if postcode is None:
        return (None, None, None)
    return (postcode.normalised, postcode.sector, postcode.district)


def _list_or_none(values: Iterable[str]) -> list[str] | None:
    values = list(values)
    return values or None


def build_person_records(con: duckdb.DuckDBPyConnection) -> int:
    """Write `person_records` (one row per `people` row); returns its row count."""
    text, texts = pa.string(), pa.list_(pa.string())
    _map_distinct(
        con,
        "resolve_given_map",
        _distinct("given_name"),
        pa.schema(
            [("raw", text), ("norm", text), ("first", text), ("root", text), ("roots", texts)]
        ),
        _given,
    )
    _map_distinct(
        con,
        "resolve_family_map",
        _distinct("family_name"),
        pa.schema([("raw", text), ("norm", text), ("parts", texts), ("sx", text)]),
        _family,
    )
    _map_distinct(
        con,
        "resolve_other_names_map",
        _distinct("other_names"),
        pa.schema([("raw", text), ("names", texts), ("roots", texts)]),
        _other_names,
    )
    _map_distinct(
        con,
        "resolve_postcode_map",
        _distinct("postcode"),
        pa.schema([("raw", text), ("norm", text), ("sector", text), ("district", text)]),
        _postcode,
    )
    _map_distinct(
        con,
        "resolve_phone_map",
        _distinct("phone"),
        pa.schema([("raw", text), ("phones", texts)]),
        lambda raw: (_list_or_none(normalise_phone_list(raw)),),
    )
    _map_distinct(
        con,
        "resolve_email_map",
        _distinct("email"),
        pa.schema([("raw", text), ("emails", texts)]),
        lambda raw: (_list_or_none(normalise_email_list(raw)),),
    )
    _map_distinct(
        con,
        "resolve_nhs_map",
        _distinct("nhs_number"),
        pa.schema([("raw", text), ("norm", text)]),
        lambda raw: (normalise_nhs_number(raw),),
    )
    _map_distinct(
        con,
        "resolve_upn_map",
        _distinct("upn"),
        pa.schema([("raw", text), ("norm", text)]),
        lambda raw: (normalise_upn(raw),),
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE resolve_first_recorded AS
        SELECT ep.record_id, min(e.recorded_at) AS first_recorded_at
        FROM event_people ep JOIN events e USING (event_id)
        GROUP BY ep.record_id
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE person_records AS
        SELECT
            p.record_id, p.agency, p.person_ref,
            fr.first_recorded_at,
            g.norm AS given_name_norm,
            g.first AS given_name_first,
            g.root AS given_name_root,
            CASE WHEN g.roots IS NULL AND o.roots IS NULL THEN NULL
                 ELSE list_sort(list_distinct(list_concat(coalesce(g.roots, []), coalesce(o.roots, []))))
            END AS given_name_roots,
            o.names AS other_names_norm,
            f.norm AS family_name_norm,
            f.parts AS family_name_parts,
            f.sx AS family_name_key,
            p.date_of_birth AS dob,
            strftime(p.date_of_birth, '%Y-%m-%d') AS dob_text,
            CASE WHEN p.date_of_birth IS NULL THEN NULL
                 ELSE printf('%04d-%02d-%02d', year(p.date_of_birth),
                             least(month(p.date_of_birth), day(p.date_of_birth)),
                             greatest(month(p.date_of_birth), day(p.date_of_birth)))
            END AS dob_key,
            coalesce(year(p.date_of_birth), p.birth_year) AS birth_year,
            CASE WHEN upper(trim(p.sex)) IN ('F', 'M', 'X') THEN upper(trim(p.sex)) END AS sex,
            pc.norm AS postcode_norm,
            pc.sector AS postcode_sector,
            pc.district AS postcode_district,
            ph.phones,
            ph.phones[1] AS phone_first,
            em.emails,
            nhs.norm AS nhs_number_norm,
            upn.norm AS upn_norm
        FROM people p
        LEFT JOIN resolve_first_recorded fr USING (record_id)
        LEFT JOIN resolve_given_map g ON g.raw = p.given_name
        LEFT JOIN resolve_family_map f ON f.raw = p.family_name
        LEFT JOIN resolve_other_names_map o ON o.raw = p.other_names
        LEFT JOIN resolve_postcode_map pc ON pc.raw = p.postcode
        LEFT JOIN resolve_phone_map ph ON ph.raw = p.phone
        LEFT JOIN resolve_email_map em ON em.raw = p.email
        LEFT JOIN resolve_nhs_map nhs ON nhs.raw = p.nhs_number
        LEFT JOIN resolve_upn_map upn ON upn.raw = p.upn
        ORDER BY p.record_id
        """
    )
    return scalar(con, "SELECT count(*) FROM person_records")
