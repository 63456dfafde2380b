"""UK vehicle registration marks (VRMs).

Formats (DVLA): current since 2001 `AB12 CDE`; prefix 1983–2001 `A123 BCD`;
suffix 1963–1983 `ABC 123D`; dateless (before 1963, and cherished marks)
`ABC 123` or `123 ABC`. Spaces and case are ignored. Letters and digits are
never swapped to fit a format (an `O` written for a `0` stays an `O`): a
guess would invent a link between people. Every mark has a digit: a value
without one ("silver car", "not noted") describes a car, it does not name
one, and two such descriptions must not become one vehicle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FORMATS = (
    ("current", re.compile(r"^([A-Z]{2}[0-9]{2})([A-Z]{3})$")),
    ("prefix", re.compile(r"^([A-Z][0-9]{1,3})([A-Z]{3})$")),
    ("suffix", re.compile(r"^([A-Z]{3})([0-9]{1,3}[A-Z])$")),
    ("dateless", re.compile(r"^([A-Z]{1,3})([0-9]{1,4})$")),
    ("dateless", re.compile(r"^([0-9]{1,4})([A-Z]{1,3})$")),
)


@dataclass(frozen=True)
class Registration:
    value: str  # compact upper case: "AB12CDE"
    display: str  # as on the plate: "AB12 CDE"
    format: str  # current, prefix, suffix, dateless or other


def parse_registration(text: str | None) -> Registration | None:
    """ "ab12 cde" → Registration("AB12CDE", "AB12 CDE", "current"); None when no letters or digits.

    Marks that fit no known format (foreign plates, partial sightings) keep their compact form with format "other".
    A value without a digit is a description ("silver car"), not a mark: None.
    """
    if not text:
        return None
    compact = re.sub(r"[^A-Za-z0-9]", "", text).upper()
    if not compact or len(compact) > 10 or not re.search(r"[0-9]", compact):
        return None
    for name, pattern in FORMATS:
        if match := pattern.match(compact):
            return Registration(compact, f"{match.group(1)} {match.group(2)}", name)
    return Registration(compact, compact, "other")


def normalise_registration(text: str | None) -> str | None:
    registration = parse_registration(text)
    return registration.value if registration else None
