"""When missing episodes start: evenings and nights, more at weekends.

Police missing-person data (e.g. the National Crime Agency's UK Missing Persons Unit data
reports, and force-level analyses of missing children) show reports of children rising from
the late afternoon, peaking in the evening and the first hours of the night, and more episodes
starting on Fridays and Saturdays than midweek; hardly any start in school hours on a weekday.
The weights below are a reading of those shapes, not a fitted rate.
"""

from __future__ import annotations

import random

import numpy as np

# relative weight of each hour of the day (0-23) for the start of a missing episode
HOUR_WEIGHTS = (5, 4, 3, 2, 1.5, 1, 1, 1, 1, 1, 1, 1.5,
                2, 2, 2.5, 3.5, 5, 6.5, 7.5, 8.5, 9, 9, 8.5, 7)  # fmt: skip
# relative weight of each weekday (Monday 0 ... Sunday 6)
WEEKDAY_WEIGHTS = (0.85, 0.8, 0.85, 0.9, 1.25, 1.3, 1.05)

_HOURS = np.array(HOUR_WEIGHTS, dtype=float) / sum(HOUR_WEIGHTS)
_DAYS = np.array(WEEKDAY_WEIGHTS, dtype=float) / sum(WEEKDAY_WEIGHTS)
_HOUR_CUM = np.cumsum(_HOURS)
_DAY_CUM = np.cumsum(_DAYS)


def weekday(day: int) -> int:
    """Monday 0 ... Sunday 6 (1970-01-01, day 0, was a Thursday)."""
    return (day + 3) % 7


def missing_minute(rng: random.Random) -> int:
    """A minute of the day for the start of a missing episode."""
    hour = int(np.searchsorted(_HOUR_CUM, rng.random(), side="right"))
    return min(hour, 23) * 60 + rng.randrange(60)


def missing_day(day: int, rng: random.Random) -> int:
    """`day` moved by at most three days to a weekday drawn by `WEEKDAY_WEIGHTS`."""
    target = min(6, int(np.searchsorted(_DAY_CUM, rng.random(), side="right")))
    return day + (target - weekday(day) + 3) % 7 - 3


def missing_days(days: np.ndarray, nprng: np.random.Generator) -> np.ndarray:
    """`missing_day` for an array of days (the vectorised ordinary business)."""
    target = np.minimum(6, np.searchsorted(_DAY_CUM, nprng.random(days.size), side="right"))
    return days + (target - (days + 3) % 7 + 3) % 7 - 3


def missing_minutes(count: int, nprng: np.random.Generator) -> np.ndarray:
    """`missing_minute` for `count` episodes."""
    hours = np.minimum(23, np.searchsorted(_HOUR_CUM, nprng.random(count), side="right"))
    return hours * 60 + nprng.integers(0, 60, count)
