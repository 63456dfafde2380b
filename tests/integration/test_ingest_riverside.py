"""The bundled example dataset loads completely, into exactly the contract's tables."""

# ruff: noqa: S608 -- SQL is built from the schema's own identifiers and internal table names;
# every value from a dataset is bound as a parameter or quoted with sql_string().

from __future__ import annotations

from lantern.store.connection import connect
from lantern.store.ingest import ingest
from support import EXAMPLES

CONTRACT = {
    "people": "record_id agency person_ref given_name family_name other_names date_of_birth "
    "birth_year sex nhs_number upn postcode address phone email attributes load_id dataset "
    "source_file source_line",
    "events": "event_id agency event_ref event_type event_type_raw occurred_at recorded_at "
    "ended_at postcode place_name latitude longitude narrative outcome codes attributes "
    "load_id dataset source_file source_line",
    "event_people": "event_id record_id agency event_ref person_ref role load_id dataset "
    "source_file source_line",
    "event_things": "event_id agency event_ref kind value role description load_id dataset "
    "source_file source_line",
    "equality_monitoring": "record_id agency person_ref ethnicity",
    "quarantine": "load_id table_name agency source_file line column_name value message",
    "load_warnings": "load_id table_name agency source_file line column_name value message",
    "loads": "load_id dataset path extracted_at started_at finished_at",
}


def test_riverside_loads_every_row_into_the_contract_tables(store_path):
    con = connect(store_path)
    summary = ingest(con, EXAMPLES / "riverside")
    assert summary.total("quarantined") == 0
    # the two deliberate warnings the README describes
    assert summary.total("warned") == 2
    assert sorted(
        r[0] for r in con.execute("SELECT column_name FROM load_warnings").fetchall()
    ) == [
        "event_type",
        "nhs_number",
    ]
    assert summary.total("read") == summary.total("loaded") > 100
    assert {c.agency for c in summary.counts} == {"police", "social_care", "health", "education"}
    for table, columns in CONTRACT.items():
        have = {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}
        assert set(columns.split()) <= have, (table, set(columns.split()) - have)
    assert "ethnicity" not in {r[0] for r in con.execute("DESCRIBE people").fetchall()}
    kayleigh = con.execute(
        "SELECT given_name, family_name FROM people WHERE record_id = 'police:P1001'"
    ).fetchone()
    assert kayleigh == ("Kayleigh", "MARSH")
    assert con.execute("SELECT count(*) FROM events WHERE recorded_at IS NULL").fetchone()[0] == 0
    dataset, extracted = con.execute("SELECT dataset, extracted_at FROM loads").fetchone()
    assert dataset == "riverside-example"
    assert str(extracted) == "2014-07-31 23:59:59"


def test_loading_the_same_dataset_twice_changes_nothing(store_path):
    con = connect(store_path)
    ingest(con, EXAMPLES / "riverside")
    before = {
        t: con.execute(f"SELECT * FROM {t}_history ORDER BY ALL").fetchall()
        for t in (
            "people",
            "events",
            "event_people",
            "event_things",
            "disruption_actions",
            "equality_monitoring",
        )
    }
    second = ingest(con, EXAMPLES / "riverside")
    assert second.total("new") == second.total("changed") == 0
    assert second.total("unchanged") == second.total("loaded")
    for table, rows in before.items():
        assert con.execute(f"SELECT * FROM {table}_history ORDER BY ALL").fetchall() == rows


def test_progress_is_reported_for_every_step_up_to_the_total(store_path):
    seen = []
    ingest(connect(store_path), EXAMPLES / "riverside", progress=lambda *a: seen.append(a))
    assert [done for _, done, _ in seen] == list(range(1, len(seen) + 1))
    assert {total for *_, total in seen} == {len(seen)}
    assert seen[0][0] == "read disruption_actions.csv" and seen[-1][0] == "recorded the load"
