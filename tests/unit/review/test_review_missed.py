"""Missed opportunities and information not joined up, on hand-built histories."""

from __future__ import annotations

from datetime import date

from lantern.review import stage


def _two_agency_child(history):
    """Police held a missing report in Jan 2010, health an STI in Mar 2010; the joint view
    flagged her on 2010-03-10; a strategy discussion followed on 2010-09-06."""
    history.child("P01", "police:A", "health:H", band="medium", first_flagged_at="2010-03-10")
    history.band("P01", "2010-03-10", "medium")
    history.event("police:E1", "police:A", "missing_report", "2010-01-10")
    history.hit("police:A", "2010-01-10")
    history.event("health:E2", "health:H", "sti_diagnosis", "2010-03-10")
    history.hit("health:H", "2010-03-10", category="sexual_health")
    history.event("police:E3", "police:A", "missing_report", "2010-04-01", outcome="NFA")
    history.event("police:E4", "police:A", "concern_for_welfare", "2010-02-01", outcome="NFA")
    history.event(
        "health:E5", "health:H", "ed_attendance", "2010-05-01", outcome="Closed - no further action"
    )
    history.event(
        "health:E6", "health:H", "ed_attendance", "2010-05-02", outcome="referred to CAMHS"
    )
    history.event("social_care:S1", "police:A", "strategy_discussion", "2010-09-06", role="subject")


def test_per_child_first_signal_flag_action_and_gap(history):
    _two_agency_child(history)
    stage.run(history.con)
    rows = history.rows(
        "SELECT first_signal_at, first_agency, first_flagged_at, first_action_at, first_action_type,"
        " days_signal_to_flag, gap_days, gap_ends, closed_nfa_while_flaggable FROM review_missed"
    )
    assert rows == [
        (date(2010, 1, 10), "police", date(2010, 3, 10), date(2010, 9, 6), "strategy_discussion",
         59, 180, "formal action", 2),
    ]  # fmt: skip


def test_per_agency_first_signal_and_days_to_the_joint_flag(history):
    _two_agency_child(history)
    stage.run(history.con)
    rows = history.rows(
        "SELECT agency, first_signal_at, days_to_joint_flag FROM review_agency_signals ORDER BY agency"
    )
    assert rows == [("health", date(2010, 3, 10), 0), ("police", date(2010, 1, 10), 59)]


def test_only_closures_after_the_child_was_flaggable_count(history):
    _two_agency_child(history)
    stage.run(history.con)
    rows = history.rows(
        "SELECT event_id, band_when_closed, days_since_flaggable FROM review_nfa_closures ORDER BY event_id"
    )
    # E4 (Feb, before the flag) is not counted; E6 was not closed.
    assert rows == [("health:E5", "medium", 52), ("police:E3", "medium", 22)]


def test_a_closure_after_the_band_fell_back_to_low_is_not_counted(history):
    _two_agency_child(history)
    history.band("P01", "2010-04-15", "low")
    stage.run(history.con)
    assert history.rows("SELECT event_id FROM review_nfa_closures") == [("police:E3",)]


def test_aggregates_per_agency_and_per_year(history):
    _two_agency_child(history)
    stage.run(history.con)
    by_agency = history.rows(
        "SELECT agency, children_with_signal, children_signal_before_joint_flag,"
        " median_days_signal_to_joint_flag, children_signal_before_action,"
        " nfa_closures_while_flaggable FROM review_missed_by_agency"
    )
    assert by_agency == [("health", 1, 0, None, 1, 1), ("police", 1, 1, 59.0, 1, 1)]
    by_year = history.rows(
        "SELECT year, children_flagged, with_formal_action, action_after_flag, no_formal_action,"
        " median_days_flag_to_action, nfa_closures_while_flaggable FROM review_missed_by_year"
    )
    assert by_year == [(2010, 1, 1, 1, 0, 180.0, 2)]


def test_a_child_without_formal_action_is_measured_to_the_period_end(history):
    history.child("P01", "police:A", band="medium", first_flagged_at="2010-03-10")
    history.event("police:E1", "police:A", "missing_report", "2010-03-10")
    history.hit("police:A", "2010-03-10")
    stage.run(history.con, period_to=date(2010, 12, 31))
    assert history.rows("SELECT gap_days, gap_ends FROM review_missed") == [
        (296, "no action by period end")
    ]


def test_held_apart_counts_pairs_that_both_held_signals_before_the_flag(history):
    _two_agency_child(history)
    # Education's signal came after the flag, so only police–health were held apart.
    history.event("education:X1", "police:A", "absence", "2010-06-01")
    history.hit("police:A", "2010-06-01", agency="education", category="education")
    stage.run(history.con)
    rows = history.rows(
        "SELECT agency_a, agency_b, children_held_apart, median_days_held_apart,"
        " children_raised_earlier FROM review_pairs_not_joined"
    )
    assert rows == [("health", "police", 1, 180.0, None)]


def test_replayed_pairs_count_children_flagged_earlier_together_than_either_alone(history):
    _two_agency_child(history)
    history.child("P02", "police:B", "education:S", band="medium", first_flagged_at="2011-01-01")
    history.event("police:F1", "police:B", "missing_report", "2011-01-01")
    history.hit("police:B", "2011-01-01")
    siloed = stage.SiloedFlags(
        runs=("education", "health", "police", "education;police", "health;police",
              "education;health"),
        flags=(
            # P01: police alone flags in June, health alone never, together in March.
            ("police", "police:A", date(2010, 6, 1)),
            ("health;police", "police:A", date(2010, 3, 10)),
            ("health;police", "health:H", date(2010, 3, 10)),
            # P02: police alone already flags on the same day as police with education.
            ("police", "police:B", date(2011, 1, 1)),
            ("education;police", "police:B", date(2011, 1, 1)),
        ),
    )  # fmt: skip
    stage.run(history.con, siloed=siloed)
    gains = history.rows(
        "SELECT person_id, agency_a, agency_b, together_at, a_alone_at, b_alone_at, days_earlier,"
        " neither_alone FROM review_pair_gains"
    )
    assert gains == [
        ("P01", "health", "police", date(2010, 3, 10), None, date(2010, 6, 1), 83, False)
    ]
    pairs = history.rows(
        "SELECT agency_a, agency_b, children_raised_earlier, median_days_earlier"
        " FROM review_pairs_not_joined WHERE agency_a = 'health'"
    )
    assert pairs == [("health", "police", 1, 83.0)]


def test_formal_action_before_the_flag_is_said_so_not_left_as_a_negative_gap(history):
    """The demo's review listed gaps of -2 and -598 days under 'formal action': the action came
    before the joint view would have flagged the child."""
    history.child("P01", "police:A", band="medium", first_flagged_at="2010-06-01")
    history.event("police:E1", "police:A", "missing_report", "2010-03-10")
    history.hit("police:A", "2010-03-10")
    history.event("police:S1", "police:A", "strategy_discussion", "2010-04-01")
    stage.run(history.con, period_to=date(2010, 12, 31))
    assert history.rows("SELECT gap_days, gap_ends FROM review_missed") == [
        (-61, "formal action before the flag")
    ]
