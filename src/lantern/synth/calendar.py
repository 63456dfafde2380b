"""Days as integers (days since 1970-01-01) and their ISO strings, looked up not formatted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

EPOCH = dt.date(1970, 1, 1)


def day_of(date: dt.date) -> int:
    return (date - EPOCH).days


def date_of(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(day))


def school_day(day: int, *, forward: bool = False) -> int:
    """`day`, or if it falls on a weekend the Friday before (the Monday after if `forward`).

    1970-01-01 (day 0) was a Thursday."""
    weekday = (day + 3) % 7  # Monday is 0
    if weekday < 5:
        return day
    return day + (7 - weekday) if forward else day - (weekday - 4)


@dataclass
class Calendar:
    """The county's time window [start, end) and a table of date strings for fast output."""

    start: int
    end: int
    first: int  # earliest day with a precomputed string
    strings: list[str]

    @classmethod
    def for_years(cls, start_year: int, years: int) -> Calendar:
        start = day_of(dt.date(start_year, 1, 1))
        end = day_of(dt.date(start_year + years, 1, 1))
        first = day_of(dt.date(start_year - 95, 1, 1))
        last = end + 3 * 366
        strings = [date_of(d).isoformat() for d in range(first, last)]
        return cls(start, end, first, strings)

    def date(self, day: int) -> str:
        return self.strings[day - self.first]

    def timestamp(self, day: int, minute: int) -> str:
        return f"{self.strings[day - self.first]}T{minute // 60:02d}:{minute % 60:02d}:00"

    def year_start(self, year_index: int) -> int:
        return day_of(dt.date(date_of(self.start).year + year_index, 1, 1))

    @property
    def years(self) -> int:
        return date_of(self.end).year - date_of(self.start).year
