"""When the law on age, not the points, sets a child's band.

The score stage gives a child at least the band a legal floor sets (under 13: no consent,
whatever the notes say) and records it as a 0-point reason whose evidence begins
"the law on age sets at least <band>". The page says so beside the score when the points alone
would give a lower band, so "High, score 4" does not read as a mistake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from lantern.app.store_reader import Person, band_rank
from lantern.score.points import FLOOR_EVIDENCE

FLOOR_REASON = re.compile(
    "^" + re.escape(FLOOR_EVIDENCE).replace(re.escape("{band}"), "(high|medium|low)")
)


@dataclass(frozen=True)
class HeldBand:
    band: str  # the band the floor holds the child at
    points_band: str  # the band the points alone give


@cache
def _bands():  # type: ignore[no-untyped-def]
    from lantern.score.weights import load_weights

    return load_weights().child.bands


def held_by_law(person: Person, reasons: list[dict[str, Any]]) -> HeldBand | None:
    """The floor that sets this child's band, if the points alone would give a lower one."""
    if person.band is None or person.score is None:
        return None
    floors = [
        m.group(1)
        for r in reasons
        if not r.get("points") and (m := FLOOR_REASON.match(str(r.get("evidence") or "")))
    ]
    if person.band not in floors:
        return None
    points_band = _bands().band(float(person.score))
    if band_rank(points_band) >= band_rank(person.band):
        return None
    return HeldBand(person.band, points_band)
