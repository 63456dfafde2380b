"""UK phone numbers to E.164 with the `phonenumbers` package (a port of Google's libphonenumber)."""

from __future__ import annotations

import phonenumbers


def normalise_phone(text: str | None, region: str = "GB") -> str | None:
    """Any UK way of writing a number → E.164 ("07700 900123" → "+447700900123"); None if not a number.

    Numbers `phonenumbers` marks valid are accepted, and so are possible UK
    numbers with a ten-digit national number (Ofcom's ranges reserved for
    drama, such as 07700 900xxx, are not "valid" but are well-formed).
    """
    if not text or not any(c.isdigit() for c in text):
        return None
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
