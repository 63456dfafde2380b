"""Statutory clocks: one working day for a decision, 72 hours for a return home interview."""

from __future__ import annotations

from datetime import date, datetime

from lantern.app.clocks import add_working_days, bank_holidays, decision_clock, record_clocks


def test_bank_holidays_of_england_and_wales() -> None:
    days = bank_holidays(2011)
    assert date(2011, 4, 22) in days  # Good Friday
    assert date(2011, 4, 25) in days  # Easter Monday
    assert date(2011, 4, 29) in days  # royal wedding
    assert date(2011, 5, 2) in days and date(2011, 5, 30) in days and date(2011, 8, 29) in days
    assert date(2011, 12, 26) in days and date(2011, 12, 27) in days  # Christmas on a Sunday
    assert date(2022, 6, 2) in bank_holidays(2022) and date(2022, 5, 30) not in bank_holidays(2022)


def test_one_working_day_skips_weekends_and_bank_holidays() -> None:
    assert add_working_days(datetime(2011, 6, 28, 10, 0), 1) == datetime(2011, 6, 29, 23, 59, 59)
    assert add_working_days(datetime(2011, 7, 1, 16, 0), 1).date() == date(
        2011, 7, 4
    )  # Friday -> Monday
    assert add_working_days(datetime(2011, 4, 21, 9, 0), 1).date() == date(2011, 4, 26)  # Easter


def test_decision_clock_states() -> None:
    raised = datetime(2011, 6, 28, 10, 0)
    assert decision_clock(raised, None, datetime(2011, 6, 29, 9, 0)).state == "running"
    assert decision_clock(raised, None, datetime(2011, 6, 30, 9, 0)).state == "overdue"
    assert decision_clock(raised, datetime(2011, 6, 29, 12, 0), datetime(2011, 7, 5)).state == "met"


def _event(kind: str, occurred: datetime, ended: datetime | None = None) -> dict:  # type: ignore[type-arg]
    return {
        "event_type": kind,
        "agency": "social_care",
        "occurred_at": occurred,
        "recorded_at": occurred,
        "ended_at": ended,
    }


def test_return_home_interview_within_72_hours_of_the_episode_ending() -> None:
    missing = _event(
        "missing_from_care", datetime(2011, 5, 20, 19, 0), datetime(2011, 5, 22, 10, 0)
    )
    in_time = _event("return_home_interview", datetime(2011, 5, 24, 14, 0))
    late = _event("return_home_interview", datetime(2011, 5, 26, 14, 0))
    now = datetime(2011, 6, 30)
    (clock,) = record_clocks([missing, in_time], now)
    assert clock.state == "met" and clock.due_at == datetime(2011, 5, 25, 10, 0)
    (clock,) = record_clocks([missing, late], now)
    assert clock.state == "met late"
    (clock,) = record_clocks([missing], now)
    assert clock.state == "overdue" and "overdue since 25 May 2011 10:00" in clock.describe()
    (clock,) = record_clocks([missing], datetime(2011, 5, 23, 10, 0))
    assert clock.state == "running" and round(clock.hours_left) == 48


def test_a_referral_is_met_by_a_strategy_discussion_or_assessment() -> None:
    referral = _event("referral", datetime(2011, 6, 28, 10, 0))
    strategy = _event("strategy_discussion", datetime(2011, 6, 29, 11, 0))
    (clock,) = record_clocks([referral, strategy], datetime(2011, 6, 30))
    assert clock.state == "met"
    (clock,) = record_clocks([referral], datetime(2011, 6, 30))
    assert clock.state == "overdue"


def test_a_referral_decided_on_its_own_record_is_not_overdue() -> None:
    """The demo closes half its referrals on the referral itself ("NFA"); they read "overdue
    since" a year and more. An outcome that defers the decision still leaves the clock running."""
    now = datetime(2011, 6, 30)
    for outcome in ("NFA", "Assessment", "early help"):
        referral = {**_event("referral", datetime(2011, 6, 28, 10, 0)), "outcome": outcome}
        (clock,) = record_clocks([referral], now)
        assert clock.state == "met" and clock.met_at == referral["recorded_at"], outcome
    for outcome in ("For decision", "Pending MASH", "", None):
        referral = {**_event("referral", datetime(2011, 6, 28, 10, 0)), "outcome": outcome}
        (clock,) = record_clocks([referral], now)
        assert clock.state == "overdue", outcome
