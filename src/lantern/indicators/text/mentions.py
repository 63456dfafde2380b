"""Things named in narratives: adults' nicknames, vehicle registrations, phone numbers.

The normalised value of a vehicle or phone is a `thing_id` (`vehicle:AB12CDE`,
`phone:+447700900123`) so the graph stage can join text mentions to the
things resolve found in `event_things` and `people`.

Values are normalised with resolve's own normalisers, so a registration or
number in the notes is the same thing as one in `event_things`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lantern.resolve.normalise_phones import normalise_phone as resolve_normalise_phone
from lantern.resolve.normalise_vehicles import normalise_registration

# Current GB format (two letters, two digits, three letters) in any case; the
# older prefix and suffix formats only in capitals, to keep ordinary words out.
_VRM = re.compile(
    r"\b(?:(?i:[A-Z]{2}[0-9]{2}\s?[A-Z]{3})|[A-Z][0-9]{1,3}\s?[A-Z]{3}|[A-Z]{3}\s?[0-9]{1,3}[A-Z])\b"
)
_VRM_CURRENT = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z]{3}$")
_PHONE = re.compile(
    r"(?<![\d+])(?:\+44\s?\(?0?\)?\s?|0)(?:7\d{3}|1\d{3}|2\d|3\d{2}|8\d{2})[\s-]?\d{3}[\s-]?\d{3,4}(?!\d)"
)
_NICKNAME_CUE = re.compile(
    r"\b(?:known as|calls? (?:him|her)self|nicknamed|goes by(?: the name(?: of)?)?|a\.?k\.?a\.?|called|named)\s+"
    r"[\"'“‘]?(?P<name>[A-Z][\w-]*(?:\s[A-Z][\w-]*)?)[\"'”’]?"
)
_ADULT_NEARBY = re.compile(
    r"\b(?:man|men|male|males|adult|adults|guy|lad|driver|boyfriend|girlfriend|associate|older|someone|person|he)\b",
    re.IGNORECASE,
)
_NOT_NICKNAMES = {
    "Mum", "Mom", "Dad", "Police", "Ambulance", "Childline", "Social", "Her", "His", "She", "He",
    "The", "A", "An", "Nan", "Gran", "Staff", "Carers", "Parents", "School", "Mother", "Father",
}  # fmt: skip


@dataclass(frozen=True)
class Mention:
    kind: str  # nickname, vehicle, phone
    value: str
    value_norm: str
    start: int
    end: int


def normalise_vrm(value: str) -> str | None:
    """`ab12 cde` → `vehicle:AB12CDE` (resolve's normaliser); None if not a registration."""
    compact = normalise_registration(value)
    return f"vehicle:{compact}" if compact and re.search(r"\d", compact) else None


def normalise_phone(value: str) -> str | None:
    """Any UK format → `phone:+447700900123` (resolve's normaliser); None if not a number."""
    number = resolve_normalise_phone(value)
    return f"phone:{number}" if number else None


def find_mentions(text: str) -> list[Mention]:
    """Every nickname, registration and phone number named in `text`."""
    found: list[Mention] = []
    for match in _PHONE.finditer(text):
        norm = normalise_phone(match.group(0))
        if norm:
            found.append(Mention("phone", match.group(0), norm, match.start(), match.end()))
    phone_spans = [(m.start, m.end) for m in found]
    for match in _VRM.finditer(text):
        if any(s <= match.start() < e for s, e in phone_spans):
            continue
        norm = normalise_vrm(match.group(0))
        if norm and (_VRM_CURRENT.match(norm[8:]) or match.group(0).isupper()):
            found.append(Mention("vehicle", match.group(0), norm, match.start(), match.end()))
    for match in _NICKNAME_CUE.finditer(text):
        name = match.group("name")
        if name.split()[0] in _NOT_NICKNAMES:
            continue
        window = text[max(0, match.start() - 60) : match.start()]
        if not _ADULT_NEARBY.search(window):
            continue
        found.append(
            Mention(
                "nickname", name, f"nickname:{name.lower()}", match.start("name"), match.end("name")
            )
        )
    return sorted(found, key=lambda m: m.start)
