"""`person_changes`: each run's merges, splits and renamings of persons, for reviewers to see.

A run that resolves identity again on a store that held persons compares the persons before and
after, record by record. Rows are appended (never replaced) with the run's time and the load it
followed, so a reviewer can see when two people Lantern had kept apart became one, when one
became two, and when a person's id changed (ids come from the smallest record id in a person: a
new record with a smaller id takes the id over, and a merge keeps one of the two ids). A record
new in this run, joining a person, is no change of identity and is not listed.

`change`: `merge` (the new person holds records of several earlier persons), `split` (an earlier
person's records went to several new persons), `merge_and_split` (both), `renamed` (one earlier
person, one new, a different id). One row per (earlier person, new person) pair concerned.
"""

# ruff: noqa: S608 - SQL over this module's own table names

from __future__ import annotations

from datetime import datetime

import duckdb

from lantern.store.connection import table_exists

TABLE = "person_changes"
COLUMNS = (
    "changed_at TIMESTAMP, load_id VARCHAR, change VARCHAR, person_id VARCHAR, "
    "previous_person_id VARCHAR, records VARCHAR[]"
)


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} ({COLUMNS})")


def keep_previous(con: duckdb.DuckDBPyConnection) -> bool:
    """Copy today's `persons` aside before resolve replaces it; False when there are none."""
    if not table_exists(con, "persons"):
        return False
    con.execute("CREATE OR REPLACE TEMP TABLE persons_previous AS SELECT * FROM persons")
    return True


def record_changes(con: duckdb.DuckDBPyConnection) -> int:
    """Append the changes between `persons_previous` and `persons`; returns how many rows."""
    ensure_table(con)
    if not table_exists(con, "persons_previous"):
        return 0
    load = con.execute(
        "SELECT max(load_id) FROM loads" if table_exists(con, "loads") else "SELECT NULL"
    ).fetchall()[0][0]
    before = con.execute(f"SELECT count(*) FROM {TABLE}").fetchall()[0][0]
    con.execute(
        f"""
        INSERT INTO {TABLE}
        WITH overlap AS (
            SELECT o.person_id AS previous_person_id, n.person_id,
                   list(record_id ORDER BY record_id) AS records
            FROM persons_previous o JOIN persons n USING (record_id)
            GROUP BY ALL),
        counted AS (
            SELECT *, count(*) OVER (PARTITION BY person_id) AS sources,
                      count(*) OVER (PARTITION BY previous_person_id) AS targets
            FROM overlap)
        SELECT ?::TIMESTAMP, ?, CASE WHEN sources > 1 AND targets > 1 THEN 'merge_and_split'
                    WHEN sources > 1 THEN 'merge' WHEN targets > 1 THEN 'split'
                    ELSE 'renamed' END,
               person_id, previous_person_id, records
        FROM counted
        WHERE sources > 1 OR targets > 1 OR person_id <> previous_person_id
        ORDER BY person_id, previous_person_id
        """,
        [datetime.now().replace(microsecond=0), load],
    )
    con.execute("DROP TABLE persons_previous")
    after = con.execute(f"SELECT count(*) FROM {TABLE}").fetchall()[0][0]
    return int(after - before)
