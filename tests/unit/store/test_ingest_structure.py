"""Whole-file problems: bad bytes, ragged rows, blank lines, no header, empty files, missing
columns, over-long fields, unreadable Parquet, bad JSON lines, bad manifests. None crashes."""

from __future__ import annotations

import pytest

from ingest_factories import event, person, write_dataset
from lantern.errors import DatasetError
from lantern.interchange.schema import MAX_FIELD_CHARS
from lantern.store.connection import connect
from lantern.store.ingest import ingest
from support import DATASETS

BAD = DATASETS / "bad"


def _quarantine(con):
    return con.execute(
        "SELECT source_file, line, message FROM quarantine ORDER BY source_file, line, message"
    ).fetchall()


@pytest.fixture(scope="module")
def structure():
    con = connect(":memory:")
    summary = ingest(con, BAD / "structure")
    return con, summary


def test_undecodable_bytes_quarantine_that_line_and_the_rest_loads(structure):
    con, _ = structure
    assert ("people.csv", 3) in {(f, line) for f, line, _ in _quarantine(con)}
    message = next(m for f, line, m in _quarantine(con) if (f, line) == ("people.csv", 3))
    assert "not valid UTF-8" in message
    loaded = con.execute("SELECT person_ref, source_line FROM people ORDER BY 1").fetchall()
    assert loaded == [("P1", 2), ("P5", 7), ("P6", 9)]


def test_ragged_rows_are_quarantined_at_their_own_line_despite_blank_and_multiline_rows(
    structure,
):
    con, _ = structure
    messages = {(f, line): m for f, line, m in _quarantine(con)}
    assert (
        "more values than the header has columns (4 expected, 5 found)"
        in messages[("people.csv", 4)]
    )
    assert (
        "fewer values than the header has columns (4 expected, 3 found)"
        in messages[("people.csv", 6)]
    )


def test_a_multiline_quoted_field_keeps_its_newline_and_starting_line(structure):
    con, _ = structure
    assert con.execute("SELECT given_name, source_line FROM people WHERE person_ref = 'P5'")\
        .fetchone() == ("Multi\nLine", 7)  # fmt: skip


def test_an_empty_file_is_reported_not_fatal(structure):
    con, summary = structure
    warnings = con.execute("SELECT message FROM load_warnings").fetchall()
    assert ("events.csv is empty (no header, no rows)",) in warnings
    assert "events.csv is empty (no header, no rows)" in summary.file_notes


def test_a_table_without_a_header_is_quarantined_row_by_row(structure):
    con, summary = structure
    rows = [r for r in _quarantine(con) if r[0] == "event_people.csv"]
    assert any("has no header row" in m for *_, m in rows)
    assert {line for _, line, m in rows if "this row cannot be read" in m} == {1, 2}
    counts = {(c.table, c.agency): c for c in summary.counts}
    assert counts[("event_people", "(unreadable)")].quarantined == 2


def test_bad_json_lines_are_quarantined_by_line(structure):
    con, _ = structure
    messages = {(f, line): m for f, line, m in _quarantine(con)}
    assert "is not valid JSON" in messages[("event_things.jsonl", 2)]
    assert "is a JSON array, not an object" in messages[("event_things.jsonl", 4)]
    # line 1 is valid JSON but refers to an event this dataset does not have
    assert "is not in events for agency police" in messages[("event_things.jsonl", 1)]


def test_files_that_belong_to_no_table_are_listed_as_ignored(structure):
    _, summary = structure
    assert summary.ignored_files == ["notes.txt"]


def test_a_missing_required_column_quarantines_every_row_and_says_why():
    con = connect(":memory:")
    summary = ingest(con, BAD / "missing_column")
    assert summary.total("quarantined", "events") == 2
    assert summary.total("loaded", "people") == 1
    assert any("the header has no occurred_at column" in n for n in summary.file_notes)


def test_an_unreadable_parquet_file_is_reported_and_the_load_finishes():
    con = connect(":memory:")
    summary = ingest(con, BAD / "corrupt_parquet")
    (message,) = con.execute("SELECT message FROM quarantine").fetchone()
    assert message.startswith("people.parquet cannot be read")
    assert summary.total("loaded") == 0
    assert con.execute("SELECT count(*) FROM loads").fetchone() == (1,)


@pytest.mark.parametrize("case", ["bad_manifest", "nothing", "no_such_directory"])
def test_a_dataset_that_cannot_be_read_at_all_raises_before_touching_the_store(case, store_path):
    con = connect(store_path)
    with pytest.raises(DatasetError):
        ingest(con, BAD / case)
    assert con.execute("SELECT count(*) FROM duckdb_tables()").fetchone() == (0,)


def test_absurdly_long_fields_are_quarantined(tmp_path):
    long = "x" * (MAX_FIELD_CHARS + 1)
    dataset = write_dataset(
        tmp_path / "d",
        people=[person(person_ref="P1"), person(person_ref="P2", address=long)],
        events=[event(narrative="fine"), event(event_ref="E2", narrative=long)],
    )
    con = connect(":memory:")
    summary = ingest(con, dataset)
    found = con.execute("SELECT source_file, line, column_name, message FROM quarantine").fetchall()
    assert {(f, line, c) for f, line, c, _ in found} == {
        ("people.csv", 3, "address"),
        ("events.csv", 3, "narrative"),
    }
    assert all("characters long (the limit is 100,000)" in m for *_, m in found)
    assert summary.total("loaded") == 2


def test_crlf_line_endings_and_a_byte_order_mark_are_read(tmp_path):
    directory = tmp_path / "d"
    directory.mkdir()
    (directory / "people.csv").write_bytes(
        b'\xef\xbb\xbfagency,person_ref,given_name\r\npolice,P1,Amy\r\npolice,P2,"Two\r\nLines"\r\n'
        b"police,P3,Cat\r\n"
    )
    con = connect(":memory:")
    ingest(con, directory)
    rows = con.execute("SELECT person_ref, source_line FROM people ORDER BY 1").fetchall()
    assert rows == [("P1", 2), ("P2", 3), ("P3", 5)]


def test_jsonl_with_undecodable_bytes_loads_the_other_lines(tmp_path):
    directory = tmp_path / "d"
    directory.mkdir()
    (directory / "people.jsonl").write_bytes(
        b'{"agency": "police", "person_ref": "P1"}\n'
        b'{"agency": "police", "person_ref": "P\xff2"}\n'
        b"\n"
        b'{"agency": "police", "person_ref": "P3"}\n'
    )
    con = connect(":memory:")
    summary = ingest(con, directory)
    assert con.execute("SELECT person_ref, source_line FROM people ORDER BY 1").fetchall() == [
        ("P1", 1),
        ("P3", 4),
    ]
    (line, message) = con.execute("SELECT line, message FROM quarantine").fetchone()
    assert line == 2 and "not valid UTF-8" in message
    assert summary.total("quarantined") == 1 and summary.total("read") == 3
