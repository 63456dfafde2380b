"""Step 1 of resolve: `people` → `person_records`, the normalised fields used for linking.

Normalisers are pure Python functions; they run once per *distinct* raw value
(there are far fewer distinct names, phones and postcodes than records) and
the results are joined back in SQL, so no Python runs per record.

The results are kept in the store (`resolve_normalised_*`, one table per field, stamped in
`resolve_normalised_code` with a fingerprint of the normalisers' code and the phone library's
version). An incremental run (`keep_normalised`) normalises only the values no earlier run has
seen; a full run, a store without the tables or a change of the code normalises every value
again. A kept value's result is what normalising it again would give: the normalisers read
nothing but the value (issue 21).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import duckdb
import phonenumbers
import pyarrow as pa

from lantern.resolve.normalise_contacts import normalise_email_list
from lantern.resolve.normalise_identifiers import normalise_nhs_number, normalise_upn
from lantern.resolve.normalise_names import name_parts, normalise_name, soundex
from lantern.resolve.normalise_nicknames import name_root, name_roots
from lantern.resolve.normalise_phones import normalise_phone_list
from lantern.resolve.normalise_postcodes import parse_postcode
from lantern.resolve.sql import scalar
from lantern.store.connection import table_exists

CODE_TABLE = "resolve_normalised_code"


def _code_fingerprint() -> str:
    """The normalisers' code (this file and every `normalise_*.py`) and the phone library's
    version: what a kept result was made by."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha1(phonenumbers.__version__.encode(), usedforsecurity=False)
    for path in [here / "records.py", *sorted(here.glob("normalise_*.py"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


# Read when the module is loaded: the code this process runs (as score.carry does).
CODE_FINGERPRINT = _code_fingerprint()


def _map_distinct(
    con: duckdb.DuckDBPyConnection,
    table: str,
    sql_values: str,
    schema: pa.Schema,
    mapper: Callable[[str], tuple[Any, ...]],
    *,
    keep: bool,
) -> None:
    """Bring `table(raw, …)` to hold `mapper` applied to each distinct non-null value of
    `sql_values`: only to the values it lacks when `keep`, else to every value (the table made
    again)."""
    if keep:
        sql_values = f"SELECT v FROM ({sql_values}) WHERE v NOT IN (SELECT raw FROM {table})"  # noqa: S608 - our own SQL
    raws = [row[0] for row in con.execute(sql_values).fetchall()]
    columns: list[list[Any]] = [raws] + [[] for _ in schema.names[1:]]
    for raw in raws:
        for column, value in zip(columns[1:], mapper(raw), strict=True):
            column.append(value)
    arrow = pa.table(columns, schema=schema)
    con.register("_resolve_map_arrow", arrow)
    if keep:
        con.execute(f"INSERT INTO {table} SELECT * FROM _resolve_map_arrow")  # noqa: S608 - our own table name
    else:
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM _resolve_map_arrow")  # noqa: S608 - our own table name
    con.unregister("_resolve_map_arrow")


# The kept tables, by field.
MAPS = ("given", "family", "other_names", "postcode", "phone", "email", "nhs", "upn")


def _kept(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the store's kept results were made by this code (and every table is there)."""
    if not table_exists(con, CODE_TABLE) or not all(
        table_exists(con, f"resolve_normalised_{name}") for name in MAPS
    ):
        return False
    stamp = con.execute(f"SELECT fingerprint FROM {CODE_TABLE}").fetchall()  # noqa: S608
    return stamp == [(CODE_FINGERPRINT,)]


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


def build_person_records(con: duckdb.DuckDBPyConnection, *, keep_normalised: bool = False) -> int:
    """Write `person_records` (one row per `people` row); returns its row count.
    `keep_normalised`: normalise only the values the kept results lack (module doc)."""
    text, texts = pa.string(), pa.list_(pa.string())
    keep = keep_normalised and _kept(con)
    if not keep:  # unstamped while the tables are made again: a run killed half-way keeps none
        con.execute(f"CREATE OR REPLACE TABLE {CODE_TABLE} (fingerprint VARCHAR)")
    _map_distinct(
        con,
        "resolve_normalised_given",
        _distinct("given_name"),
        pa.schema(
            [("raw", text), ("norm", text), ("first", text), ("root", text), ("roots", texts)]
        ),
        _given,
        keep=keep,
    )
    _map_distinct(
        con,
        "resolve_normalised_family",
        _distinct("family_name"),
        pa.schema([("raw", text), ("norm", text), ("parts", texts), ("sx", text)]),
        _family,
        keep=keep,
    )
    _map_distinct(
        con,
        "resolve_normalised_other_names",
        _distinct("other_names"),
        pa.schema([("raw", text), ("names", texts), ("roots", texts)]),
        _other_names,
        keep=keep,
    )
    _map_distinct(
        con,
        "resolve_normalised_postcode",
        _distinct("postcode"),
        pa.schema([("raw", text), ("norm", text), ("sector", text), ("district", text)]),
        _postcode,
        keep=keep,
    )
    _map_distinct(
        con,
        "resolve_normalised_phone",
        _distinct("phone"),
        pa.schema([("raw", text), ("phones", texts)]),
        lambda raw: (_list_or_none(normalise_phone_list(raw)),),
        keep=keep,
    )
    _map_distinct(
        con,
        "resolve_normalised_email",
        _distinct("email"),
        pa.schema([("raw", text), ("emails", texts)]),
        lambda raw: (_list_or_none(normalise_email_list(raw)),),
        keep=keep,
    )
    _map_distinct(
        con,
        "resolve_normalised_nhs",
        _distinct("nhs_number"),
        pa.schema([("raw", text), ("norm", text)]),
        lambda raw: (normalise_nhs_number(raw),),
        keep=keep,
    )
    _map_distinct(
        con,
        "resolve_normalised_upn",
        _distinct("upn"),
        pa.schema([("raw", text), ("norm", text)]),
        lambda raw: (normalise_upn(raw),),
        keep=keep,
    )
    if not keep:
        con.execute(f"INSERT INTO {CODE_TABLE} VALUES (?)", [CODE_FINGERPRINT])  # noqa: S608
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
        LEFT JOIN resolve_normalised_given g ON g.raw = p.given_name
        LEFT JOIN resolve_normalised_family f ON f.raw = p.family_name
        LEFT JOIN resolve_normalised_other_names o ON o.raw = p.other_names
        LEFT JOIN resolve_normalised_postcode pc ON pc.raw = p.postcode
        LEFT JOIN resolve_normalised_phone ph ON ph.raw = p.phone
        LEFT JOIN resolve_normalised_email em ON em.raw = p.email
        LEFT JOIN resolve_normalised_nhs nhs ON nhs.raw = p.nhs_number
        LEFT JOIN resolve_normalised_upn upn ON upn.raw = p.upn
        ORDER BY p.record_id
        """
    )
    return scalar(con, "SELECT count(*) FROM person_records")
