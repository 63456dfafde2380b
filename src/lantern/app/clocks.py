"""Statutory clocks shown on alerts.

- A decision on a referral within one working day (Working Together to Safeguard Children 2023,
  ch. 2: the local authority decides what response is needed within one working day of a
  referral). Lantern treats its own alert as a referral to the MASH, and also clocks the latest
  `referral` event in the records.
- A return home interview within 72 hours of a missing episode ending (DfE, Statutory guidance
  on children who run away or go missing from home or care, 2014).

Working days skip weekends and England and Wales bank holidays (gov.uk/bank-holidays): the
regular ones are computed; one-off changes are listed in `ONE_OFF_HOLIDAYS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from lantern.indicators.structured import RETURN_INTERVIEW_HOURS

RHI_HOURS = RETURN_INTERVIEW_HOURS  # the indicators' rule: one window
# Moved or extra bank holidays in England and Wales (gov.uk/bank-holidays; royal proclamations).
ONE_OFF_HOLIDAYS = {
    date(2011, 4, 29): "Royal wedding",
    date(2012, 6, 5): "Diamond Jubilee",
    date(2020, 5, 8): "VE Day (early May bank holiday moved)",
    date(2022, 6, 3): "Platinum Jubilee",
    date(2022, 9, 19): "State funeral of Queen Elizabeth II",
    date(2023, 5, 8): "Coronation of King Charles III",
}
MOVED_SPRING = {2012: date(2012, 6, 4), 2022: date(2022, 6, 2)}
MOVED_EARLY_MAY = {1995: date(1995, 5, 8), 2020: date(2020, 5, 8)}


def _easter(year: int) -> date:
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _first_monday(year: int, month: int) -> date:
    d = date(year, month, 1)
    return d + timedelta(days=(7 - d.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    d = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return d - timedelta(days=d.weekday())


def _substitute(day: date, taken: set[date]) -> date:
    while day.weekday() >= 5 or day in taken:
        day += timedelta(days=1)
    return day


@cache
def bank_holidays(year: int) -> frozenset[date]:
    days: set[date] = set()
    days.add(_substitute(date(year, 1, 1), days))
    easter = _easter(year)
    days |= {easter - timedelta(days=2), easter + timedelta(days=1)}
    days.add(MOVED_EARLY_MAY.get(year, _first_monday(year, 5)))
    days.add(MOVED_SPRING.get(year, _last_monday(year, 5)))
    days.add(_last_monday(year, 8))
    christmas = _substitute(date(year, 12, 25), days)
    days.add(christmas)
    days.add(_substitute(date(year, 12, 26), days))
    days |= {d for d in ONE_OFF_HOLIDAYS if d.year == year}
    return frozenset(days)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(start: datetime, days: int) -> datetime:
    """The end of the `days`-th working day after `start`'s day (a referral on Friday afternoon
    is due by the end of Monday)."""
    day = start.date()
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return datetime.combine(day, time(23, 59, 59))


@dataclass(frozen=True)
class Clock:
    name: str
    started_at: datetime
    due_at: datetime
    met_at: datetime | None
    now: datetime

    @property
    def state(self) -> str:
        if self.met_at is not None:
            return "met" if self.met_at <= self.due_at else "met late"
        return "overdue" if self.now > self.due_at else "running"

    @property
    def hours_left(self) -> float:
        return (self.due_at - self.now).total_seconds() / 3600

    def describe(self) -> str:
        due = self.due_at.strftime("%d %b %Y %H:%M")
        if self.state == "met":
            return f"{self.name}: done {self.met_at:%d %b %Y}"
        if self.state == "met late":
            return f"{self.name}: done late on {self.met_at:%d %b %Y} (due {due})"
        if self.state == "overdue":
            return f"{self.name}: overdue since {due}"
        hours = self.hours_left
        left = f"{hours:.0f} hours" if hours < 48 else f"{hours / 24:.0f} days"
        return f"{self.name}: due by {due} ({left} left)"


def decision_clock(raised_at: datetime, first_decision_at: datetime | None, now: datetime) -> Clock:
    """One working day from the alert being raised to a triage decision."""
    return Clock(
        "Decision on this alert", raised_at, add_working_days(raised_at, 1), first_decision_at, now
    )


MISSING_TYPES = ("missing_report", "missing_from_care")
RESPONSE_TYPES = ("strategy_discussion", "assessment", "section47")


# A referral's own outcome that says no decision has been made yet.
UNDECIDED = re.compile(r"\b(for decision|pending|awaiting|to be decided|undecided)\b", re.I)


def decided_on_record(referral: dict[str, Any]) -> bool:
    """A referral whose record carries its outcome ("NFA", "assessment", "early help") was
    decided when it was recorded: half the demo's referrals are closed that way, and a clock
    that waited for a later assessment read them as overdue for ever. An outcome that says
    the decision is still to come ("for decision") is not one."""
    outcome = str(referral.get("outcome") or "").strip()
    return bool(outcome) and not UNDECIDED.search(outcome)


def record_clocks(events: list[dict[str, Any]], now: datetime) -> list[Clock]:
    """Clocks from a child's records: the latest referral and the latest missing episode."""
    clocks = []
    referrals = [e for e in events if e["event_type"] == "referral" and e["recorded_at"] <= now]
    if referrals:
        referral = referrals[-1]
        started = referral["recorded_at"]
        responses = [
            e["recorded_at"]
            for e in events
            if e["event_type"] in RESPONSE_TYPES and started <= e["recorded_at"] <= now
        ]
        if decided_on_record(referral):
            responses.append(started)
        clocks.append(
            Clock(
                f"Decision on the {referral['agency'].replace('_', ' ')} referral of {started:%d %b %Y}",
                started,
                add_working_days(started, 1),
                min(responses) if responses else None,
                now,
            )
        )
    episodes = [
        e
        for e in events
        if e["event_type"] in MISSING_TYPES and (e["ended_at"] or e["recorded_at"]) <= now
    ]
    if episodes:
        episode = episodes[-1]
        ended = episode["ended_at"] or episode["recorded_at"]
        due = ended + timedelta(hours=RHI_HOURS)
        interviews = [
            e["occurred_at"]
            for e in events
            if e["event_type"] == "return_home_interview"
            and ended <= e["occurred_at"]
            and e["recorded_at"] <= now
        ]
        clocks.append(
            Clock(
                f"Return home interview after the missing episode ending {ended:%d %b %Y}",
                ended,
                due,
                min(interviews) if interviews else None,
                now,
            )
        )
    return clocks
