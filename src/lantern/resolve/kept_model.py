"""The trained Splink model kept in the store, and scoring only the pairs new records make.

A full resolve trains the model (EM on stores of 2,000 records or more, the documented priors
below that) and keeps it in `resolve_model` as Splink's own JSON. An incremental run
(`lantern.incremental`) loads it instead of training again: the issue's "trained model kept from
the last full training". With the model fixed and no term-frequency adjustment (none of
`model.COMPARISONS` uses one), a pair's comparison vector and match weight depend on its two
`person_records` rows alone. So a pair of two records whose rows did not change keeps its
`resolve_pairs` row, and only the pairs with a changed or new record are scored again: Splink
predicts on the changed records and every record that shares a prediction blocking key with one
(`SCOPE_JOINS`, mirroring `model.PREDICTION_BLOCKING` rule by rule), and the pairs with neither
side changed are dropped from that prediction. The result equals a prediction on the whole
table with the same model (tests/property/test_incremental_equals_full.py).

When the blocking rules change and `SCOPE_JOINS` was not changed with them (checked against
`BLOCKING_SQL`), the scope cannot be trusted and the whole table is predicted again.
"""

# ruff: noqa: S608 - SQL assembled from this module's constants and table names only

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import duckdb

from lantern.resolve import model
from lantern.resolve.sql import scalar
from lantern.store.connection import table_exists

MODEL_TABLE = "resolve_model"

# The SQL of each prediction blocking rule as Splink renders it for DuckDB; SCOPE_JOINS below was
# written for exactly these. A change to model.PREDICTION_BLOCKING without one here (and there)
# makes `scope_matches_blocking` false, and an incremental run predicts on every record.
BLOCKING_SQL = (
    'l."nhs_number_norm" = r."nhs_number_norm"',
    'l."upn_norm" = r."upn_norm"',
    '(l."dob_key" = r."dob_key") AND (l."family_name_key" = r."family_name_key")',
    '(l."dob_key" = r."dob_key") AND (l."given_name_roots" = r."given_name_roots")',
    '(l."family_name_key" = r."family_name_key") AND (l."given_name_roots" = r."given_name_roots") '
    'AND (l."birth_year" = r."birth_year")',
    '(l."postcode_norm" = r."postcode_norm") AND (l."given_name_roots" = r."given_name_roots")',
    '(l."postcode_norm" = r."postcode_norm") AND (l."dob_key" = r."dob_key")',
    '(l."postcode_norm" = r."postcode_norm") AND (l."family_name_key" = r."family_name_key")',
    "l.given_name_norm = r.given_name_norm AND l.family_name_norm = r.family_name_norm "
    "AND abs(l.birth_year - r.birth_year) <= 1",
    'l."phone_first" = r."phone_first"',
)

# For each blocking rule, the records x that rule could pair with a changed record c. Rules that
# explode `given_name_roots` pair records sharing any one root (`root` below). A superset would
# do (extra records only add pairs that are dropped); a subset would lose pairs.
SCOPE_JOINS = (
    "SELECT x.record_id FROM person_records x JOIN c ON x.nhs_number_norm = c.nhs_number_norm",
    "SELECT x.record_id FROM person_records x JOIN c ON x.upn_norm = c.upn_norm",
    "SELECT x.record_id FROM person_records x JOIN c "
    "ON x.dob_key = c.dob_key AND x.family_name_key = c.family_name_key",
    "SELECT x.record_id FROM xr x JOIN cr c ON x.dob_key = c.dob_key AND x.root = c.root",
    "SELECT x.record_id FROM xr x JOIN cr c ON x.family_name_key = c.family_name_key "
    "AND x.root = c.root AND x.birth_year = c.birth_year",
    "SELECT x.record_id FROM xr x JOIN cr c ON x.postcode_norm = c.postcode_norm AND x.root = c.root",
    "SELECT x.record_id FROM person_records x JOIN c "
    "ON x.postcode_norm = c.postcode_norm AND x.dob_key = c.dob_key",
    "SELECT x.record_id FROM person_records x JOIN c "
    "ON x.postcode_norm = c.postcode_norm AND x.family_name_key = c.family_name_key",
    "SELECT x.record_id FROM person_records x JOIN c ON x.given_name_norm = c.given_name_norm "
    "AND x.family_name_norm = c.family_name_norm AND abs(x.birth_year - c.birth_year) <= 1",
    "SELECT x.record_id FROM person_records x JOIN c ON x.phone_first = c.phone_first",
)


def blocking_sql() -> tuple[str, ...]:
    """The prediction blocking rules as Splink renders them for DuckDB."""
    from splink.internals.blocking_rule_creator_utils import to_blocking_rule_creator

    return tuple(
        to_blocking_rule_creator(rule).get_blocking_rule("duckdb").blocking_rule_sql
        for rule in model.PREDICTION_BLOCKING
    )


def scope_matches_blocking() -> bool:
    return blocking_sql() == BLOCKING_SQL


def save(con: duckdb.DuckDBPyConnection, linker: Any, training: list[str]) -> None:
    """Keep the model just trained (or the priors used): Splink's JSON of it."""
    settings = linker.misc.save_model_to_json()
    settings.pop("linker_uid", None)  # a random id per linker; a loaded model gets its own
    con.execute(
        f"CREATE OR REPLACE TABLE {MODEL_TABLE} (saved_at TIMESTAMP, records BIGINT, "
        "training VARCHAR, model_json VARCHAR)"
    )
    con.execute(
        f"INSERT INTO {MODEL_TABLE} VALUES (?, (SELECT count(*) FROM person_records), ?, ?)",
        [datetime.now().replace(microsecond=0), "; ".join(training), json.dumps(settings)],
    )


def forget(con: duckdb.DuckDBPyConnection) -> None:
    """No model (fewer than two records): an empty `resolve_model`, so the next run is full."""
    con.execute(
        f"CREATE OR REPLACE TABLE {MODEL_TABLE} (saved_at TIMESTAMP, records BIGINT, "
        "training VARCHAR, model_json VARCHAR)"
    )


def load(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, Any], str] | None:
    """The kept model's settings and when it was saved, or None when the store holds none."""
    if not table_exists(con, MODEL_TABLE):
        return None
    row = con.execute(f"SELECT model_json, saved_at FROM {MODEL_TABLE}").fetchall()
    if not row:
        return None
    return json.loads(row[0][0]), str(row[0][1])


def changed_records(con: duckdb.DuckDBPyConnection, previous: str) -> int:
    """`resolve_changed(record_id)`: the `person_records` rows that are new or differ in any
    column from `previous` (the table as the last run left it). Returns how many."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE resolve_changed AS
        SELECT record_id FROM (SELECT * FROM person_records EXCEPT SELECT * FROM {previous})
        """
    )
    return int(scalar(con, "SELECT count(*) FROM resolve_changed"))


def build_scope(con: duckdb.DuckDBPyConnection) -> int:
    """`resolve_scope_records`: the changed records and every record a prediction blocking rule
    could pair with one of them (the rows Splink is given). Returns how many."""
    unions = "\nUNION\n".join(SCOPE_JOINS)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE resolve_scope_ids AS
        WITH c AS (SELECT p.* FROM person_records p SEMI JOIN resolve_changed USING (record_id)),
             cr AS (SELECT DISTINCT unnest(given_name_roots) AS root, dob_key, family_name_key,
                           birth_year, postcode_norm FROM c),
             xr AS (SELECT record_id, unnest(given_name_roots) AS root, dob_key, family_name_key,
                           birth_year, postcode_norm FROM person_records)
        SELECT record_id FROM resolve_changed
        UNION
        {unions}
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE resolve_scope_records AS
        SELECT p.* FROM person_records p SEMI JOIN resolve_scope_ids USING (record_id)
        """
    )
    return int(scalar(con, "SELECT count(*) FROM resolve_scope_records"))


def merge_pairs(con: duckdb.DuckDBPyConnection, previous_pairs: str, new_pairs: str) -> None:
    """`resolve_pairs` = the previous pairs of two unchanged records + the new prediction's pairs
    with a changed record (by column name: Splink's column order varies from run to run)."""
    con.execute(
        f"""
        CREATE OR REPLACE TABLE resolve_pairs_next AS
        SELECT * FROM {previous_pairs} p
        WHERE p.record_id_l NOT IN (SELECT record_id FROM resolve_changed)
          AND p.record_id_r NOT IN (SELECT record_id FROM resolve_changed)
        UNION ALL BY NAME
        SELECT * FROM {new_pairs} n
        WHERE n.record_id_l IN (SELECT record_id FROM resolve_changed)
           OR n.record_id_r IN (SELECT record_id FROM resolve_changed)
        """
    )
    con.execute("DROP TABLE IF EXISTS resolve_pairs")
    con.execute("ALTER TABLE resolve_pairs_next RENAME TO resolve_pairs")
