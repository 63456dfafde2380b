"""A newer extract adds new rows and supersedes changed ones; nothing is ever deleted."""

# ruff: noqa: S608 -- table names in these queries are the tests' own constants.

from __future__ import annotations

from ingest_factories import event, link, person, thing, write_dataset
from lantern.store.connection import connect
from lantern.store.ingest import ingest


def _first_and_second(tmp_path):
    first = write_dataset(
        tmp_path / "june",
        name="police-june",
        extracted_at="2013-06-30T23:59:59Z",
        people=[person(person_ref="P1", given_name="Kayleigh"), person(person_ref="P2")],
        events=[event(event_ref="E1", narrative="missing"), event(event_ref="E2")],
        event_people=[link(event_ref="E1", person_ref="P1"), link(event_ref="E2", person_ref="P2")],
        event_things=[thing(event_ref="E1", value="KX09 LMN", description="silver car")],
    )
    second = write_dataset(
        tmp_path / "july",
        name="police-july",
        people=[
            person(person_ref="P1", given_name="Kayleigh", family_name="Marsh"),  # changed
            person(person_ref="P3", given_name="Darren"),  # new
        ],
        events=[event(event_ref="E1", narrative="missing"), event(event_ref="E3")],  # same, new
        event_people=[
            link(event_ref="E1", person_ref="P1"),
            link(event_ref="E1", person_ref="P3", role="suspect"),  # E1's links: P1 + P3
            link(event_ref="E3", person_ref="P3"),
        ],
        event_things=[thing(event_ref="E1", value="KX09 LMN", description="silver Astra")],
    )
    return first, second


def test_a_newer_extract_adds_and_supersedes_and_keeps_the_old_versions(tmp_path, store_path):
    first, second = _first_and_second(tmp_path)
    con = connect(store_path)
    ingest(con, first)
    summary = ingest(con, second)

    people = {c.table: c for c in summary.counts}["people"]
    assert (people.new, people.changed, people.unchanged) == (1, 1, 0)
    # current rows: the changed P1, the untouched P2 (absent from July: not deleted), the new P3
    assert con.execute(
        "SELECT person_ref, family_name, load_id, dataset FROM people ORDER BY 1"
    ).fetchall() == [
        ("P1", "Marsh", "L0002", "police-july"),
        ("P2", None, "L0001", "police-june"),
        ("P3", None, "L0002", "police-july"),
    ]
    history = con.execute(
        "SELECT person_ref, family_name, load_id, superseded_by FROM people_history "
        "WHERE person_ref = 'P1' ORDER BY load_id"
    ).fetchall()
    assert history == [("P1", None, "L0001", "L0002"), ("P1", "Marsh", "L0002", None)]
    # E1 unchanged keeps its first provenance
    assert con.execute("SELECT load_id FROM events WHERE event_ref = 'E1'").fetchone() == ("L0001",)
    things = con.execute("SELECT description FROM event_things").fetchall()
    assert things == [("silver Astra",)]
    assert con.execute("SELECT count(*) FROM event_things_history").fetchone() == (2,)


def test_a_newer_extract_s_links_for_an_event_replace_that_events_links(tmp_path, store_path):
    first, second = _first_and_second(tmp_path)
    con = connect(store_path)
    ingest(con, first)
    ingest(con, second)
    assert con.execute(
        "SELECT event_ref, person_ref, role FROM event_people ORDER BY ALL"
    ).fetchall() == [
        ("E1", "P1", "subject"),
        ("E1", "P3", "suspect"),
        ("E2", "P2", "subject"),  # E2 not in July's extract: its links stay
        ("E3", "P3", "subject"),
    ]


def test_links_may_refer_to_people_and_events_loaded_earlier(tmp_path, store_path):
    first, _ = _first_and_second(tmp_path)
    later = write_dataset(
        tmp_path / "links-only",
        event_people=[link(event_ref="E2", person_ref="P1", role="witness")],
    )
    con = connect(store_path)
    ingest(con, first)
    summary = ingest(con, later)
    assert summary.total("quarantined") == 0
    assert ("E2", "P1", "witness") in con.execute(
        "SELECT event_ref, person_ref, role FROM event_people"
    ).fetchall()


def test_loading_twice_leaves_every_table_as_it_was(tmp_path, store_path):
    first, second = _first_and_second(tmp_path)
    con = connect(store_path)
    ingest(con, first)
    ingest(con, second)
    tables = ["people_history", "events_history", "event_people_history",
              "event_things_history", "equality_monitoring_history"]  # fmt: skip
    before = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}
    again = ingest(con, second)
    assert again.total("new") == again.total("changed") == 0
    for t in tables:
        assert con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() == before[t], t
    assert con.execute("SELECT count(*) FROM loads").fetchone() == (3,)


def test_ethnicity_is_only_in_equality_monitoring(tmp_path, store_path):
    dataset = write_dataset(
        tmp_path / "d",
        people=[person(person_ref="P1", ethnicity="W1", nationality="British")],
    )
    con = connect(store_path)
    ingest(con, dataset)
    row = con.execute("SELECT * FROM people").fetchone()
    assert "W1" not in [str(v) for v in row] and "British" not in str(row)
    assert con.execute(
        "SELECT record_id, ethnicity, nationality FROM equality_monitoring"
    ).fetchall() == [("police:P1", "W1", "British")]
    stored = " ".join(
        str(r)
        for t in ("people_history", "events_history", "quarantine", "load_warnings")
        for r in con.execute(f"SELECT * FROM {t}").fetchall()
    )
    assert "W1" not in stored
