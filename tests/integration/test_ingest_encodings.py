"""CSV, Parquet and JSONL, as single files or split into parts, load to the same rows."""

from __future__ import annotations

import pytest

from ingest_factories import event, link, person, thing, write_dataset
from lantern.store.connection import connect
from lantern.store.ingest import ingest

PEOPLE = [
    person(person_ref="P1", given_name="Kayleigh", date_of_birth="2000-05-14", sex="F",
           other_names="Kay;KK", ethnicity="W1", religion="none"),
    person(person_ref="P2", given_name="Darren", birth_year="1984", sex="M",
           phone="+44 7700 900461", nickname_note="Smiley"),
    person(agency="health", person_ref="H1", given_name="Kaleigh", nhs_number="943 476 5919"),
]  # fmt: skip
EVENTS = [
    event(event_ref="E1", event_type="missing_report", occurred_at="2013-03-22T16:10:00",
          recorded_at="2013-03-22T19:40:00+00:00", narrative='Seen with "Smiley"\nin a car',
          latitude="51.75", longitude="-1.257"),
    event(event_ref="E2", event_type="vehicle_stop", occurred_at="2013-05-02T23:40:00+01:00"),
    event(agency="health", event_ref="HE1", event_type="ed_attendance", occurred_at="2013-04-20"),
]  # fmt: skip
LINKS = [
    link(event_ref="E1", person_ref="P1"),
    link(event_ref="E2", person_ref="P2", role="suspect"),
    link(agency="health", event_ref="HE1", person_ref="H1"),
]
THINGS = [thing(event_ref="E2", value="KX09 LMN", role="used_by_suspect", description="silver")]

QUERIES = {
    "people": "SELECT * EXCLUDE (load_id, dataset, source_file, source_line, loaded_at, "
    "attributes) FROM people ORDER BY record_id",
    "attributes": "SELECT record_id, attributes->>'$.nickname_note' FROM people ORDER BY 1",
    "events": "SELECT * EXCLUDE (load_id, dataset, source_file, source_line, loaded_at, "
    "attributes) FROM events ORDER BY event_id",
    "event_people": "SELECT event_id, record_id, role FROM event_people ORDER BY ALL",
    "event_things": "SELECT event_id, kind, value, role, description FROM event_things",
    "equality": "SELECT record_id, ethnicity, religion FROM equality_monitoring ORDER BY 1",
}


def _load(tmp_path, encoding, parts):
    dataset = write_dataset(
        tmp_path / f"{encoding}-{parts}",
        encoding=encoding,
        parts=parts,
        people=PEOPLE,
        events=EVENTS,
        event_people=LINKS,
        event_things=THINGS,
    )
    con = connect(":memory:")
    summary = ingest(con, dataset)
    assert summary.total("quarantined") == 0
    return con, {name: con.execute(sql).fetchall() for name, sql in QUERIES.items()}


@pytest.fixture(scope="module")
def csv_rows(tmp_path_factory):
    return _load(tmp_path_factory.mktemp("csv"), "csv", 1)[1]


@pytest.mark.parametrize(
    ("encoding", "parts"),
    [("csv", 2), ("parquet", 1), ("parquet", 2), ("jsonl", 1), ("jsonl", 3)],
)
def test_every_encoding_and_split_loads_the_same_rows_as_one_csv(
    tmp_path, csv_rows, encoding, parts
):
    _, rows = _load(tmp_path, encoding, parts)
    assert rows == csv_rows


def test_the_csv_rows_are_what_was_written(csv_rows):
    kayleigh = csv_rows["people"][1]
    assert kayleigh[:4] == ("police:P1", "police", "P1", "Kayleigh")
    assert csv_rows["attributes"][2] == ("police:P2", "Smiley")
    assert csv_rows["equality"][1] == ("police:P1", "W1", "none")
    he1, e1, e2 = csv_rows["events"]
    assert he1[0] == "health:HE1" and str(he1[5]) == "2013-04-20 00:00:00"
    assert e1[0] == "police:E1" and 'Seen with "Smiley"\nin a car' in e1
    assert str(e2[5]) == "2013-05-02 23:40:00"  # +01:00 in summer is London time


@pytest.mark.parametrize("encoding", ["csv", "jsonl", "parquet"])
def test_source_file_and_line_point_at_the_part_and_row(tmp_path, encoding):
    con, _ = _load(tmp_path, encoding, 2)
    rows = con.execute(
        "SELECT event_ref, source_file, source_line FROM events ORDER BY event_ref"
    ).fetchall()
    # two parts: E1, E2 in part-001; HE1 in part-002. CSV counts the header line and the
    # newline inside E1's narrative; JSONL and Parquet count rows from 1.
    first_row = 2 if encoding == "csv" else 1
    second_row = 4 if encoding == "csv" else 2
    assert rows == [
        ("E1", f"events/part-001.{encoding}", first_row),
        ("E2", f"events/part-001.{encoding}", second_row),
        ("HE1", f"events/part-002.{encoding}", first_row),
    ]


def test_jsonl_lists_become_semicolon_separated(tmp_path):
    directory = tmp_path / "d"
    directory.mkdir()
    (directory / "people.jsonl").write_text(
        '{"agency": "police", "person_ref": "P1", "other_names": ["Tommo", "T-Bone"], '
        '"birth_year": 1990}\n'
    )
    con = connect(":memory:")
    ingest(con, directory)
    assert con.execute("SELECT other_names, birth_year FROM people").fetchone() == (
        "Tommo;T-Bone",
        1990,
    )
