"""When the law on age, not the points, sets a child's band.

The score stage gives a child at least the band a legal floor sets (under 13: no consent,
whatever the notes say) and writes both facts on the child's assessment: `legal_floor` (the
band the law sets at least) and `points_band` (the band the points alone give, with the weights
that run used). The page says so beside the score when the points alone would give a lower
band, so "High, score 4" does not read as a mistake. Nothing here re-bands or reads wording.
"""

from __future__ import annotations

from dataclasses import dataclass

from lantern.app.store_reader import Person, band_rank


@dataclass(frozen=True)
class HeldBand:
    band: str  # the band the floor holds the child at
    points_band: str  # the band the points alone give


def held_by_law(person: Person) -> HeldBand | None:
    """The floor that sets this child's band, if the points alone would give a lower one."""
    if person.band is None or person.legal_floor != person.band or person.points_band is None:
        return None
    if band_rank(person.points_band) >= band_rank(person.band):
        return None
    return HeldBand(person.band, person.points_band)
