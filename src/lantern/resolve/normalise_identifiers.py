"""NHS numbers and Unique Pupil Numbers.

NHS number: ten digits, the tenth a modulus-11 check digit (NHS Digital
"NHS Number" data dictionary): weights 10..2 on the first nine digits;
check = 11 - (sum mod 11); 11 becomes 0 and 10 means the number is invalid.

UPN: 13 characters, a check letter then 12 characters (DfE "Unique Pupil
Numbers (UPN): a guide for schools and local authorities"): weights 2..13
on characters 2–13 (digits as their value, a final letter by its place in
the 23-letter alphabet without I, O and S), sum mod 23 indexes that alphabet.
"""

from __future__ import annotations

import re

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # no I, O, S
_UPN = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")


def nhs_check_digit(first_nine: str) -> int | None:
    """The check digit for nine digits, or None when no check digit exists (remainder gives 10)."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(first_nine))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def normalise_nhs_number(text: str | None) -> str | None:
    """ "943 476 5919" → "9434765919" when the check digit is right; None otherwise."""
    if not text:
        return None
    digits = re.sub(r"[\s\-]", "", text)
    if len(digits) != 10 or not digits.isdigit():
        return None
    if len(set(digits)) == 1:  # 0000000000 and friends pass the check but are placeholders
        return None
    return digits if nhs_check_digit(digits[:9]) == int(digits[9]) else None


def upn_check_letter(last_twelve: str) -> str:
    total = 0
    for weight, char in enumerate(last_twelve, start=2):
        total += weight * (int(char) if char.isdigit() else UPN_LETTERS.index(char))
    return UPN_LETTERS[total % 23]


def normalise_upn(text: str | None) -> str | None:
    """Upper-case, no spaces, 13 characters of the UPN shape; None otherwise (the check letter is not required)."""
    if not text:
        return None
    upn = re.sub(r"\s", "", text).upper()
    if not _UPN.match(upn) or (upn[-1].isalpha() and upn[-1] not in UPN_LETTERS):
        return None
    return upn


def upn_is_valid(text: str | None) -> bool:
    """True when `text` is a UPN whose check letter is right."""
    upn = normalise_upn(text)
    return upn is not None and upn_check_letter(upn[1:]) == upn[0]
