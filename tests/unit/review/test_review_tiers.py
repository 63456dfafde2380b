"""Tier definitions on small hand-built histories (answers worked out by hand)."""

from __future__ import annotations

from datetime import date

from lantern.review import stage


def tiers(history) -> dict[str, str]:
    return dict(history.rows("SELECT person_id, tier FROM review_tiers"))


def test_a_cse_code_on_any_record_makes_a_child_recognised(history):
    history.child("P01", "health:H1", band="low")
    history.event(
        "health:E1", "health:H1", "gp_consultation", "2010-03-01", codes=" SNOMED:713834002;local:x"
    )
    history.hit("health:H1", "2010-03-01")
    stage.run(history.con)
    assert tiers(history) == {"P01": "recognised"}
    (reason,) = history.rows("SELECT tier_reason FROM review_tiers")[0]
    assert reason == "formally identified: code snomed:713834002"


def test_a_strategy_discussion_naming_cse_recognises_but_one_ruling_it_out_does_not(history):
    history.child("P01", "social_care:C1")
    history.child("P02", "social_care:C2")
    history.event("social_care:S1", "social_care:C1", "strategy_discussion", "2011-01-05",
                  narrative="Strategy discussion held: concerns of CSE, older males.")  # fmt: skip
    history.event("social_care:S2", "social_care:C2", "strategy_discussion", "2011-01-05",
                  narrative="Strategy discussion: no concerns of CSE identified.")  # fmt: skip
    stage.run(history.con)
    assert tiers(history) == {"P01": "recognised"}


def test_a_sexual_offence_report_about_the_child_recognises_only_as_victim_or_subject(history):
    history.child("P01", "police:A")
    history.child("P02", "police:B")
    history.event("police:R1", "police:A", "sexual_offence_report", "2009-05-01", role="victim")
    history.involve("police:R1", "police:B", "witness")
    stage.run(history.con)
    assert tiers(history) == {"P01": "recognised"}


def test_probable_needs_a_high_band_and_a_disclosure_or_legal_age_rule(history):
    history.child("P01", "police:A", band="high", first_flagged_at="2010-01-01")
    history.child("P02", "police:B", band="high", first_flagged_at="2010-01-01")
    history.child("P03", "police:C", band="high", first_flagged_at="2010-01-01")
    history.child("P04", "police:D", band="medium", first_flagged_at="2010-01-01")
    for ref in "ABCD":
        history.event(f"police:E{ref}", f"police:{ref}", "missing_report", "2010-01-01")
    history.hit("police:A", "2010-01-01", category="sexual_abuse_disclosed")
    history.hit("police:B", "2010-01-01", category="sexual_health", legal_floor="medium",
                source="legal")  # fmt: skip
    history.hit("police:C", "2010-01-01", category="missing")
    history.hit("police:D", "2010-01-01", category="sexual_abuse_disclosed")
    stage.run(history.con)
    assert tiers(history) == {
        "P01": "probable",
        "P02": "probable",
        "P03": "possible",  # high, but no disclosure or legal-age rule
        "P04": "possible",  # a disclosure, but only medium
    }


def test_possible_includes_a_low_band_child_in_a_network_and_excludes_a_low_band_child(history):
    history.child("P01", "police:A", band="low")
    history.child("P02", "police:B", band="low")
    history.adult("P09", "police:Z")
    for ref in "AB":
        history.event(f"police:E{ref}", f"police:{ref}", "missing_report", "2010-01-01")
    history.network("N000001", "P01", "P09")
    history.edge("P01", "P09", "2010-02-01")
    summary = stage.run(history.con)
    assert tiers(history) == {"P01": "possible"}
    assert summary.tiers == {"recognised": 0, "probable": 0, "possible": 1}


def test_the_period_end_hides_what_was_recorded_later(history):
    # Recognised in 2012; high in 2011 with a disclosure; at the end of 2010 only medium.
    history.child("P01", "police:A", band="high", first_flagged_at="2010-06-01")
    history.band("P01", "2010-06-01", "medium")
    history.band("P01", "2011-03-01", "high")
    history.event("police:E1", "police:A", "missing_report", "2010-06-01")
    history.event("police:E2", "police:A", "sexual_offence_report", "2012-02-01")
    history.hit("police:A", "2010-06-01")
    history.hit("police:A", "2011-03-01", category="sexual_abuse_disclosed")
    stage.run(history.con, period_to=date(2010, 12, 31))
    assert tiers(history) == {"P01": "possible"}
    stage.run(history.con, period_to=date(2011, 12, 31))
    assert tiers(history) == {"P01": "probable"}
    stage.run(history.con)
    assert tiers(history) == {"P01": "recognised"}


def test_a_child_whose_records_were_all_before_the_period_is_left_out(history):
    history.child("P01", "police:A", band="medium", first_flagged_at="2005-01-01")
    history.event("police:E1", "police:A", "missing_report", "2005-01-01")
    history.hit("police:A", "2005-01-01")
    history.child("P02", "police:B", band="medium", first_flagged_at="2008-01-01")
    history.event("police:E2", "police:B", "missing_report", "2008-01-01")
    history.hit("police:B", "2008-01-01")
    stage.run(history.con, period_from=date(2007, 1, 1), period_to=date(2012, 12, 31))
    assert tiers(history) == {"P02": "possible"}


def test_breakdown_counts_by_year_sex_age_and_agencies(history):
    # P01: girl, born 1996-06-15, first signal 2010-06-14 → age 13; two agencies.
    history.child("P01", "police:A", "health:H", band="medium", first_flagged_at="2010-07-01")
    history.event("police:E1", "police:A", "missing_report", "2010-06-14")
    history.hit("police:A", "2010-06-14")
    history.hit("health:H", "2010-07-01", category="sexual_health")
    # P02: boy, born 1996-06-15, first signal on his 15th birthday; one agency; recognised.
    history.child("P02", "police:B", sex="M")
    history.event("police:E2", "police:B", "crime_report", "2011-06-15", codes="hocr:71")
    history.hit("police:B", "2011-06-15")
    stage.run(history.con)
    rows = history.rows(
        "SELECT dimension, value, recognised, probable, possible, total FROM review_tier_breakdown"
        " ORDER BY dim_order, value_order"
    )
    assert rows == [
        ("year", "2010", 0, 0, 1, 1),
        ("year", "2011", 1, 0, 0, 1),
        ("sex", "female", 0, 0, 1, 1),
        ("sex", "male", 1, 0, 0, 1),
        ("age at first signal", "13", 0, 0, 1, 1),
        ("age at first signal", "15", 1, 0, 0, 1),
        ("agencies holding signals", "1", 1, 0, 0, 1),
        ("agencies holding signals", "2", 0, 0, 1, 1),
    ]
    assert history.rows("SELECT records FROM review_tiers WHERE person_id = 'P01'") == [
        ("health:H;police:A",)
    ]


def test_the_score_stages_own_person_map_and_child_track_are_preferred(history):
    # resolve split the records; the score's map on its assessment date joined them.
    history.child("P01", "police:A", band="medium", first_flagged_at="2010-01-01")
    history.con.execute("UPDATE persons SET person_id = 'PX' WHERE record_id = 'police:A'")
    history.con.execute(
        "CREATE TABLE score_persons AS SELECT 'police:A' AS record_id, 'P01' AS person_id"
    )
    history.con.execute("ALTER TABLE score_history ADD COLUMN track VARCHAR")
    history.con.execute(
        "INSERT INTO score_history VALUES ('P01', DATE '2010-01-01', 0, 'high', 'adult')"
    )
    history.event("police:E1", "police:A", "missing_report", "2010-01-01")
    history.hit("police:A", "2010-01-01", category="sexual_abuse_disclosed")
    stage.run(history.con)
    # In a tier through the score's map; the adult track's "high" is not the child's band.
    assert tiers(history) == {"P01": "possible"}
