"""UK postcodes: validation, outward and inward codes, sector and district."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Outward code: A9, A99, AA9, AA99, A9A, AA9A; inward code: 9AA (the letters C, I, K, M, O, V never appear there).
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][ABD-HJLNP-UW-Z]{2})$")


@dataclass(frozen=True)
class Postcode:
    outward: str
    inward: str

    @property
    def normalised(self) -> str:
        """The postcode as Royal Mail writes it: "OX1 2AB"."""
        return f"{self.outward} {self.inward}"

    @property
    def sector(self) -> str:
        """Outward code and the first digit of the inward code: "OX1 2"."""
        return f"{self.outward} {self.inward[0]}"

    @property
    def district(self) -> str:
        return self.outward


def parse_postcode(text: str | None) -> Postcode | None:
    """Any spacing or case → a Postcode ("ox12ab" → OX1 2AB); None when it is not a UK postcode."""
    if not text:
        return None
    compact = re.sub(r"[^A-Za-z0-9]", "", text).upper()
    if compact == "GIR0AA":
        return Postcode("GIR", "0AA")
    match = _POSTCODE.match(compact)
    if not match:
        return None
    return Postcode(match.group(1), match.group(2))


def normalise_postcode(text: str | None) -> str | None:
    postcode = parse_postcode(text)
    return postcode.normalised if postcode else None


def postcode_sector(text: str | None) -> str | None:
    postcode = parse_postcode(text)
    return postcode.sector if postcode else None
