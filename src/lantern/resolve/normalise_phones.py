"""UK phone numbers to E.164 with the `phonenumbers` package (a port of Google's libphonenumber)."""

from __future__ import annotations

import phonenumbers

_UK_SHAPES = (("+44", 13), ("0044", 14), ("44", 12), ("0", 11))


def _uk_national(text: str) -> str | None:
    """The ten-digit national number of a UK number written in one of the usual ways, else None."""
    if any(c.isalpha() for c in text):
        return None  # extensions and words go the slow way
    compact = "".join(c for c in text if c.isdigit() or c == "+")
    for prefix, length in _UK_SHAPES:
        if compact.startswith(prefix) and len(compact) == length and "+" not in compact[1:]:
            national = compact[len(prefix) :]
            if national.isdigit() and national[0] != "0":
                return national
    return None


def normalise_phone(text: str | None, region: str = "GB") -> str | None:
    """Any UK way of writing a number → E.164 ("07700 900123" → "+447700900123"); None if not a number.

    Numbers `phonenumbers` marks valid are accepted, and so are possible UK
    numbers with a ten-digit national number (Ofcom's ranges reserved for
    drama, such as 07700 900xxx, are not "valid" but are well-formed).
    """
    if not text or not any(c.isdigit() for c in text):
        return None
    if region == "GB" and (national := _uk_national(text)) is not None:
        # A ten-digit UK national number is always "possible", so the rule below accepts it:
        # skip libphonenumber's (slow) range matching.
        return "+44" + national
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        national = str(number.national_number)
        uk_shaped = number.country_code == 44 and len(national) == 10
        if not (uk_shaped and phonenumbers.is_possible_number(number)):
            return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_phone_list(text: str | None) -> list[str]:
    """A `;`-separated list of numbers → distinct E.164 numbers in first-seen order."""
    seen: dict[str, None] = {}
    for part in (text or "").split(";"):
        if number := normalise_phone(part):
            seen.setdefault(number)
    return list(seen)


def display_phone(e164: str) -> str:
    """How a number is written in the UK: "+447700900123" → "07700 900123"."""
    if e164.startswith("+447") and len(e164) == 13:
        return f"0{e164[3:7]} {e164[7:]}"
    number = phonenumbers.parse(e164)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
