"""`person_changes`: a run's merges, splits and renamings of persons, record by record."""

from __future__ import annotations

import duckdb

from lantern.resolve import person_changes


def _persons(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple[str, str]]) -> None:
    con.execute(f"CREATE OR REPLACE TABLE {table} (record_id VARCHAR, person_id VARCHAR)")
    con.executemany(f"INSERT INTO {table} VALUES (?, ?)", rows)  # noqa: S608 - a test table


def _changes(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str, str, tuple[str, ...]]]:
    return {
        (change, person, previous, tuple(records))
        for change, person, previous, records in con.execute(
            "SELECT change, person_id, previous_person_id, records FROM person_changes"
        ).fetchall()
    }


def test_merges_splits_and_renamings_are_listed_and_new_records_are_not() -> None:
    con = duckdb.connect()
    _persons(con, "persons", [
        ("a1", "PA"), ("a2", "PA"),  # A and B become one
        ("b1", "PB"),
        ("c1", "PC"), ("c2", "PC"),  # C splits in two
        ("d1", "PD"),                # D gains a record with a smaller id: renamed
        ("e1", "PE"),                # E gains a record: no change of identity
    ])  # fmt: skip
    assert person_changes.keep_previous(con)
    _persons(con, "persons", [
        ("a1", "PA"), ("a2", "PA"), ("b1", "PA"),
        ("c1", "PC"), ("c2", "PC2"),
        ("d0", "PD0"), ("d1", "PD0"),
        ("e1", "PE"), ("e2", "PE"),
        ("f1", "PF"),
    ])  # fmt: skip
    assert person_changes.record_changes(con) == 5
    assert _changes(con) == {
        ("merge", "PA", "PA", ("a1", "a2")),
        ("merge", "PA", "PB", ("b1",)),
        ("split", "PC", "PC", ("c1",)),
        ("split", "PC2", "PC", ("c2",)),
        ("renamed", "PD0", "PD", ("d1",)),
    }
    # The next run appends; a run that changes nothing adds nothing.
    assert person_changes.keep_previous(con)
    assert person_changes.record_changes(con) == 0
    assert len(_changes(con)) == 5


def test_a_first_run_creates_the_empty_log() -> None:
    con = duckdb.connect()
    assert not person_changes.keep_previous(con)
    assert person_changes.record_changes(con) == 0
    assert con.execute("SELECT count(*) FROM person_changes").fetchall() == [(0,)]
