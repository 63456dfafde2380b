"""Every row-level validation rule, on tests/datasets/bad/rows: file, line, column, message."""

from __future__ import annotations

import pytest

from lantern.store.connection import connect
from lantern.store.ingest import ingest
from support import DATASETS


@pytest.fixture(scope="module")
def loaded():
    con = connect(":memory:")
    summary = ingest(con, DATASETS / "bad" / "rows")
    quarantine = con.execute(
        "SELECT source_file, line, column_name, message FROM quarantine"
    ).fetchall()
    warnings = con.execute(
        "SELECT source_file, line, column_name, message FROM load_warnings"
    ).fetchall()
    return con, summary, quarantine, warnings


QUARANTINED = [
    # (file, line, column, words the message must contain)
    ("people.csv", 3, "date_of_birth", "'31/02/2011' is not a date (expected YYYY-MM-DD)"),
    ("people.csv", 5, "person_ref", "duplicate person_ref 'P1' for agency police (first at people.csv line 2)"),
    ("people.csv", 6, "person_ref", "is empty, but it is required"),
    ("people.csv", 7, "agency", "'Police Dept' is not an agency code"),
    ("people.csv", 8, "date_of_birth", "'2002-13-01' is not a date"),
    ("people.csv", 9, "birth_year", "'nineteen' is not a whole number"),
    ("people.csv", 10, "birth_year", "'1850' is outside 1900 to 2100"),
    ("people.csv", 11, "sex", "'Boy' is not one of: F, M, X"),
    ("events.csv", 4, "occurred_at", "'31/02/2011' is not a date and time"),
    ("events.csv", 5, "event_type", "is empty, but it is required"),
    ("events.csv", 7, "occurred_at", "'2011-03-04T25:00:00' is not a date and time"),
    ("events.csv", 8, "latitude", "'95.1' is outside -90 to 90"),
    ("events.csv", 9, "latitude", "'abc' is not a number"),
    ("events.csv", 11, "event_ref", "duplicate event_ref 'E1' for agency police"),
    ("event_people.csv", 3, "person_ref", "'P99' is not in people for agency police"),
    ("event_people.csv", 4, "event_ref", "'E99' is not in events for agency police"),
    ("event_people.csv", 5, "event_ref", "'E3' is not in events"),  # E3 was itself quarantined
    ("event_people.csv", 6, "role", "'boss' is not one of: subject, victim"),
    ("event_people.csv", 7, "event_ref", "duplicate event_ref 'E1', person_ref 'P1', role 'subject'"),
    ("event_people.csv", 8, "event_ref", "'E1' is not in events for agency health"),
    ("event_people.csv", 8, "person_ref", "'P1' is not in people for agency health"),
    ("event_people.csv", 9, "person_ref", "is empty, but it is required"),
    ("event_things.csv", 3, "kind", "'spaceship' is not one of: vehicle, phone"),
    ("event_things.csv", 4, "value", "is empty, but it is required"),
    ("event_things.csv", 5, "role", "'waved_at' is not one of"),
]  # fmt: skip

WARNED = [
    ("people.csv", 1, "shoe_size", "not an interchange column; kept in attributes"),
    ("people.csv", 12, "sex", "'U' means unknown; stored as empty"),
    ("people.csv", 13, "nhs_number", "fails the NHS number check digit; kept as given"),
    ("people.csv", 14, "nhs_number", "is not a 10-digit NHS number"),
    ("people.csv", 16, "upn", "is not a 13-character Unique Pupil Number"),
    ("events.csv", 3, "event_type", "'bogus_type' is not a known event type; stored as 'other'"),
    ("events.csv", 10, "ended_at", "is before occurred_at"),
]


def _match(expected, found):
    got = {(f, line, col): msg for f, line, col, msg in found}
    assert set(got) == {(f, line, col) for f, line, col, _ in expected}
    for f, line, col, words in expected:
        assert got[(f, line, col)].startswith(f"{f} line {line}, {col}: "), got[(f, line, col)]
        assert words in got[(f, line, col)]


def test_each_broken_row_is_quarantined_with_file_line_column_and_reason(loaded):
    _, _, quarantine, _ = loaded
    _match(QUARANTINED, quarantine)


def test_the_spec_example_message_reads_as_written(loaded):
    _, _, quarantine, _ = loaded
    messages = {m for *_, m in quarantine}
    assert (
        "people.csv line 3, date_of_birth: '31/02/2011' is not a date (expected YYYY-MM-DD)"
        in messages
    )


def test_warnings_do_not_stop_a_row_loading(loaded):
    con, _, _, warnings = loaded
    _match(WARNED, warnings)
    loaded_refs = {r[0] for r in con.execute("SELECT person_ref FROM people").fetchall()}
    assert {"P8", "P9", "P10", "P12"} <= loaded_refs
    assert con.execute("SELECT sex FROM people WHERE person_ref = 'P8'").fetchone() == (None,)
    assert con.execute("SELECT nhs_number FROM people WHERE person_ref = 'P9'").fetchone() == (
        "943 476 5918",
    )


def test_unknown_event_type_is_stored_as_other_with_the_raw_type_kept(loaded):
    con, *_ = loaded
    assert con.execute(
        "SELECT event_type, event_type_raw FROM events WHERE event_ref = 'E2'"
    ).fetchone() == ("other", "bogus_type")


def test_the_first_of_two_duplicate_rows_loads(loaded):
    con, *_ = loaded
    assert con.execute(
        "SELECT given_name, source_line FROM people WHERE person_ref = 'P1'"
    ).fetchone() == ("Amy", 2)


def test_formula_like_values_are_stored_unchanged(loaded):
    con, *_ = loaded
    assert con.execute("SELECT given_name FROM people WHERE person_ref = 'P11'").fetchone() == (
        '=HYPERLINK("http://x")',
    )


def test_unknown_columns_are_kept_in_attributes(loaded):
    con, *_ = loaded
    (attributes,) = con.execute(
        "SELECT attributes->>'$.shoe_size' FROM people WHERE person_ref = 'P1'"
    ).fetchone()
    assert attributes == "4"


def test_timestamps_with_an_offset_become_london_local_time(loaded):
    con, *_ = loaded
    occurred, recorded = con.execute(
        "SELECT occurred_at, recorded_at FROM events WHERE event_ref = 'E5'"
    ).fetchone()
    assert str(occurred) == "2011-03-04 09:00:00"  # +01:00 in winter: London is UTC
    assert str(recorded) == "2011-03-05 09:00:00"


def test_counts_add_up_per_table_and_agency(loaded):
    _, summary, quarantine, _ = loaded
    for c in summary.counts:
        assert c.read == c.loaded + c.quarantined
        assert c.loaded == c.new + c.changed + c.unchanged
    rows_in_quarantine = {(f, line) for f, line, *_ in quarantine}
    assert summary.total("quarantined") == len(rows_in_quarantine)
    people = {c.agency: c for c in summary.counts if c.table == "people"}
    assert people["police"].read == 13
    assert people["police"].quarantined == 7
    assert people["police dept"].quarantined == 1
