"""Dates of birth: partial dates, birth years and day/month swaps.

Agencies record dates of birth wrongly in characteristic ways: US order
(03/14/1997 for 14 March), only a year ("about 15" becomes a birth year),
or a month without a day. These functions parse what was written, keep how
precise it was, and say when two dates are the same date with day and month
swapped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")
_DMY = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")


@dataclass(frozen=True)
class PartialDate:
    """A date as precisely as it was recorded: `precision` is "day", "month" or "year"."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def as_date(self) -> date | None:
        """The full date, when the day is known."""
        if self.month and self.day:
            return date(self.year, self.month, self.day)
        return None


def _valid(year: int, month: int | None, day: int | None) -> bool:
    if not 1850 <= year <= 2100:
        return False
    if month is None:
        return day is None
    if day is None:
        return 1 <= month <= 12
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def parse_partial_date(text: str | None) -> PartialDate | None:
    """ "1997-03-14", "1997-03", "1997" or "14/03/1997" (UK order) → a PartialDate; anything else → None.

    A slashed date that is impossible in UK order but possible in US order
    ("03/14/1997") is read in US order.
    """
    if not text:
        return None
    if match := _ISO.match(text):
        year, month, day = (int(g) if g else None for g in match.groups())
    elif match := _DMY.match(text):
        first, second, year = (int(g) for g in match.groups())
        day, month = (first, second) if _valid(year, second, first) else (second, first)
    else:
        return None
    assert year is not None
    return PartialDate(year, month, day) if _valid(year, month, day) else None


def swapped(value: date) -> date | None:
    """The same date with day and month exchanged, if that is a different valid date."""
    if value.day > 12 or value.day == value.month:
        return None
    return date(value.year, value.day, value.month)


def is_day_month_swap(a: date | None, b: date | None) -> bool:
    """True when `a` and `b` differ only by having day and month exchanged."""
    return a is not None and b is not None and a != b and swapped(a) == b


def birth_year(dob: date | None, recorded_year: int | None) -> int | None:
    """The year of birth: from the full date when known, else the recorded approximate year."""
    if dob is not None:
        return dob.year
    return recorded_year


def swap_insensitive_key(value: date | None) -> str | None:
    """A blocking key equal for a date and its day/month swap ("1997-03-14" and "1997-14-03" → "1997-03-14")."""
    if value is None:
        return None
    low, high = sorted((value.month, value.day))
    return f"{value.year:04d}-{low:02d}-{high:02d}"
