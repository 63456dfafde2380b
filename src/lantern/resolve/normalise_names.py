"""Names: case, accents, titles, apostrophes, hyphens and double-barrelled surnames.

Every function is pure and total: any string (or None) in, a normalised value
or None out. Normalised names are lower-case ASCII letters; the parts of a
name are kept separately so that "Smith-Jones", "Smith Jones" and "Smithjones"
compare equal, and "Smith" still matches a part of "Smith-Jones".
"""

from __future__ import annotations

import re
import unicodedata

TITLES = frozenset(
    "mr mrs ms miss mx master dr doctor prof professor rev revd sir dame lady lord".split()
)
SUFFIXES = frozenset("jr jnr junior sr snr senior ii iii iv".split())

_APOSTROPHES = re.compile(r"[’'`´ʼ]")
_SEPARATORS = re.compile(r"[^a-z]+")
# Letters NFKD does not decompose into a base letter and an accent.
_LETTERS = {
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "ı": "i",
}


def fold(text: str | None) -> str:
    """Lower-case ASCII with accents removed, apostrophes dropped ("O'Brien" → "obrien")."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    for letter, spelled in _LETTERS.items():
        folded = folded.replace(letter, spelled)
    return _APOSTROPHES.sub("", folded.lower())


def name_parts(text: str | None) -> list[str]:
    """The words of a name, folded, without titles or generational suffixes.

    Hyphens, dots and spaces separate parts: "Dr Chelsea-Marie O'Neil" → ["chelsea", "marie", "oneil"].
    """
    words = [w for w in _SEPARATORS.split(fold(text)) if w]
    # a title or suffix goes only when a name is left ("Mr" alone stays, so normalising is idempotent)
    while len(words) > 1 and words[0] in TITLES:
        words = words[1:]
    while len(words) > 1 and words[-1] in SUFFIXES:
        words = words[:-1]
    return words


def normalise_name(text: str | None) -> str | None:
    """A name as one comparable token: its parts joined ("Smith-Jones" → "smithjones")."""
    joined = "".join(name_parts(text))
    return joined or None


def first_part(text: str | None) -> str | None:
    """The first word of a given name ("Chelsea-Marie" → "chelsea")."""
    parts = name_parts(text)
    return parts[0] if parts else None


_SOUNDEX_CODES = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


def soundex(text: str | None) -> str | None:
    """American Soundex of a normalised name, a coarse phonetic key for blocking ("smyth" → "s530")."""
    letters = normalise_name(text)
    if not letters:
        return None
    first, codes, previous = letters[0], [], _SOUNDEX_CODES.get(letters[0], "")
    for char in letters[1:]:
        code = _SOUNDEX_CODES.get(char, "")
        if code and code != previous:
            codes.append(code)
        if char not in "hw":
            previous = code
    return (first + "".join(codes) + "000")[:4]
