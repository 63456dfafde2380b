"""How identifiers and names are written down, correctly and incorrectly.

Every function takes a `random.Random` so the county is reproducible from its seed. The
*canonical* forms (used in the ground truth) are: phones as E.164 (`+447700900123`), VRMs
upper-case without spaces (`AB12CDE`), postcodes upper-case with one space (`OX4 1AB`).
"""

from __future__ import annotations

import random

UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
VRM_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXYZ"  # no I, Q in the current format
POSTCODE_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters a postcode's unit may use
AGE_IDENTIFIERS = [f"{y:02d}" for y in range(2, 26)] + [f"{y:02d}" for y in range(51, 76)]


# ------------------------------------------------------------------ health and education numbers


def nhs_check_digit(nine: str) -> int | None:
    """The NHS number mod-11 check digit for nine digits; None when no valid digit exists."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(nine))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def nhs_numbers(count: int, rng: random.Random) -> list[str]:
    """`count` distinct valid NHS numbers in the 999 test range (never issued to a real person)."""
    out: list[str] = []
    for body in rng.sample(range(1_000_000), min(count * 2, 1_000_000)):
        nine = f"999{body:06d}"
        check = nhs_check_digit(nine)
        if check is not None:
            out.append(nine + str(check))
            if len(out) == count:
                return out
    raise ValueError(f"cannot issue {count} distinct test NHS numbers")


def upn_check_letter(twelve: str) -> str:
    """The Unique Pupil Number check letter for the twelve characters after it (DfE algorithm)."""
    total = sum(int(c) * (i + 2) for i, c in enumerate(twelve))
    return UPN_CHECK_LETTERS[total % 23]


def upn(serial: int, la_code: str = "931", school: int = 2000, year: int = 10) -> str:
    """A UPN for the local authority `la_code` (931 is Oxfordshire); unique per `serial`."""
    body = f"{la_code}{school % 10000:04d}{year % 100:02d}{serial % 1000:03d}"
    return upn_check_letter(body) + body


# ------------------------------------------------------------------ phones, vehicles, postcodes


def mobile_e164(rng: random.Random) -> str:
    """A random UK mobile number in canonical form."""
    return f"+447{rng.choice('4589')}{rng.randrange(10**8):08d}"


def phone_as_written(e164: str, rng: random.Random) -> str:
    """A UK number the way a person types it: `07700 900123`, `+44 7700 900123`, `07700900123`..."""
    national = "0" + e164[3:]
    style = rng.random()
    if style < 0.35:
        return f"{national[:5]} {national[5:]}"
    if style < 0.6:
        return national
    if style < 0.72:
        return f"+44 {national[1:5]} {national[5:]}"
    if style < 0.82:
        return f"{national[:5]} {national[5:8]} {national[8:]}"
    if style < 0.9:
        return f"({national[:5]}) {national[5:]}"
    if style < 0.95:
        return f"0044{national[1:]}"
    return f"{national[:5]}-{national[5:]}"


def vrm(rng: random.Random) -> str:
    """A current-format registration mark, canonical (`AB12CDE`)."""
    letters = "".join(rng.choice(VRM_LETTERS) for _ in range(5))
    return f"{letters[:2]}{rng.choice(AGE_IDENTIFIERS)}{letters[2:]}"


def vrm_as_written(canonical: str, rng: random.Random) -> str:
    """A registration as someone wrote it down: spacing, case, the odd O/0 slip."""
    text = canonical
    style = rng.random()
    if style < 0.45:
        text = f"{text[:4]} {text[4:]}"
    elif style < 0.55:
        text = text.lower()
    elif style < 0.65:
        text = f"{text[:4]} {text[4:]}".lower()
    elif style < 0.7:
        text = f"{text[:2]} {text[2:4]} {text[4:]}"
    elif style < 0.74:
        text = f"{text[:4]}-{text[4:]}"
    if rng.random() < 0.03:
        text = text.replace("O", "0", 1) if "O" in text else text.replace("0", "O", 1)
    return text


def postcode(district: str, rng: random.Random) -> str:
    """A canonical postcode in `district` (the sector and unit need not exist)."""
    unit = rng.choice(POSTCODE_UNIT_LETTERS) + rng.choice(POSTCODE_UNIT_LETTERS)
    return f"{district} {rng.randrange(1, 10)}{unit}"


def postcode_as_written(canonical: str, rng: random.Random) -> str:
    """A postcode in any case and spacing."""
    style = rng.random()
    if style < 0.6:
        return canonical
    if style < 0.75:
        return canonical.replace(" ", "")
    if style < 0.88:
        return canonical.lower()
    if style < 0.95:
        return canonical.lower().replace(" ", "")
    return canonical.replace(" ", "  ")


# ------------------------------------------------------------------ names and dates


def typo(word: str, rng: random.Random) -> str:
    """One slip of the keyboard or the ear: a dropped, doubled, swapped or wrong letter."""
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.3:
        return word[:i] + word[i + 1 :]
    if kind < 0.5:
        return word[:i] + word[i] + word[i:]
    if kind < 0.75:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    vowels = "aeiou"
    if word[i].lower() in vowels:
        return word[:i] + rng.choice(vowels.replace(word[i].lower(), "")) + word[i + 1 :]
    return word[:i] + rng.choice("bcdfghklmnprstvwy") + word[i + 1 :]


def name_case(name: str, rng: random.Random) -> str:
    """Most systems keep the case typed; some shout."""
    r = rng.random()
    if r < 0.12:
        return name.upper()
    if r < 0.15:
        return name.lower()
    return name
