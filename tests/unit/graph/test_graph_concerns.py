"""A network whose children's records name county lines is reported as criminal exploitation."""

from __future__ import annotations

import duckdb

from lantern.graph.concerns import build_network_concerns
from lantern.graph.inputs import prepare_inputs
from lantern.graph.rules import load_rules


def _store(hits: list[tuple[str, ...]]) -> duckdb.DuckDBPyConnection:
    """Two networks of three signal children each; `hits` are (record, indicator, category)
    or (record, indicator, category, the hit's own concern)."""
    con = duckdb.connect()
    for table, columns in (
        ("events", "event_id VARCHAR"),
        ("event_people", "event_id VARCHAR, record_id VARCHAR, role VARCHAR"),
        ("person_records", "record_id VARCHAR"),
    ):
        con.execute(f"CREATE TABLE {table} ({columns})")
    children = [f"C{i}" for i in range(6)]
    con.execute("CREATE TABLE persons AS SELECT unnest(?) AS record_id, unnest(?) AS person_id",
                [children, children])  # fmt: skip
    con.execute("CREATE TABLE graph_signal_children AS SELECT unnest(?) AS person_id", [children])
    con.execute(
        "CREATE TABLE networks AS SELECT * FROM (VALUES "
        "('N1','C0','child'),('N1','C1','child'),('N1','C2','child'),('N1','A1','adult'),"
        "('N2','C3','child'),('N2','C4','child'),('N2','C5','child'),('N2','A2','adult')"
        ") AS t(network_id, node_id, role_in_network)"
    )
    con.execute(
        "CREATE TABLE indicator_hits (hit_id VARCHAR, indicator VARCHAR, category VARCHAR, "
        "record_id VARCHAR, event_id VARCHAR, recorded_at TIMESTAMP, concern VARCHAR)"
    )
    for i, (record, indicator, category, *concern) in enumerate(hits):
        con.execute(
            "INSERT INTO indicator_hits VALUES (?, ?, ?, ?, NULL, NULL, ?)",
            [f"h{i}", indicator, category, record, concern[0] if concern else None],
        )
    prepare_inputs(con)
    return con


def _concerns(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    build_network_concerns(con, load_rules())
    return dict(con.execute("SELECT network_id, concern FROM graph_network_concerns").fetchall())


def test_county_lines_named_for_most_children_is_a_criminal_exploitation_network():
    con = _store(
        [
            ("C0", "criminal_exploitation_named", "older_associate"),
            ("C1", "criminal_exploitation_code", "older_associate"),
            ("C2", "found_with_adult", "older_associate"),
            ("C3", "older_associates", "older_associate"),
            ("C4", "sti", "sexual_health"),
        ]
    )
    assert _concerns(con) == {"N1": "criminal_exploitation", "N2": "sexual_exploitation"}


def test_sexual_harm_alongside_county_lines_keeps_the_network_a_cse_network():
    con = _store(
        [
            ("C0", "criminal_exploitation_named", "older_associate"),
            ("C1", "criminal_exploitation_named", "older_associate"),
            ("C1", "sexual_assault_disclosed", "sexual_abuse_disclosed"),
            ("C2", "legal_sti_under16", "sexual_health"),
        ]
    )
    assert _concerns(con)["N1"] == "sexual_exploitation"


def test_sexual_abuse_the_record_attributes_to_family_or_a_peer_is_not_a_cse_sign():
    # County lines named for every child; two also have a sexual-offence report, one by a
    # relative and one by a boy in her year (concern child_sexual_abuse, decision 0011): the
    # network stays criminal exploitation. The same report unattributed would make it CSE.
    attributed = [
        ("C0", "criminal_exploitation_named", "older_associate"),
        ("C1", "criminal_exploitation_named", "older_associate"),
        ("C2", "criminal_exploitation_code", "older_associate"),
        ("C0", "sexual_offence_reported", "sexual_abuse_disclosed", "child_sexual_abuse"),
        ("C1", "legal_under13_sexual_activity", "sexual_abuse_disclosed", "child_sexual_abuse"),
    ]
    assert _concerns(_store(attributed))["N1"] == "criminal_exploitation"
    unattributed = [hit[:3] for hit in attributed]
    assert _concerns(_store(unattributed))["N1"] == "sexual_exploitation"


def test_clinic_visits_at_16_are_not_signs_of_sexual_harm():
    # Every child's records name county lines; two of three went to a sexual health clinic
    # or had an STI at 16-17 (no legal rule fired): still a criminal exploitation network.
    con = _store(
        [
            ("C0", "criminal_exploitation_named", "older_associate"),
            ("C1", "criminal_exploitation_named", "older_associate"),
            ("C2", "criminal_exploitation_code", "older_associate"),
            ("C0", "sexual_health_attendance", "sexual_health"),
            ("C1", "sti", "sexual_health"),
        ]
    )
    assert _concerns(con)["N1"] == "criminal_exploitation"


def test_the_lists_the_test_used_are_kept_for_the_score_stage():
    con = _store([("C0", "criminal_exploitation_named", "older_associate")])
    _concerns(con)
    kept = con.execute("SELECT sign, value FROM graph_concern_signs").fetchall()
    rules = load_rules()
    assert {v for s, v in kept if s == "criminal_indicator"} == set(rules.signal_not_signals)
    assert {v for s, v in kept if s == "sexual_category"} == set(rules.sexual_categories)
    assert {v for s, v in kept if s == "sexual_indicator"} == set(rules.sexual_indicators)
