"""Nicknames and diminutives: the root forms a given name may stand for.

Source: the `nicknames` package (Carlton Northern and Nick Crews, Apache-2.0,
https://github.com/carltonnorthern/nicknames), a hand-curated list of about
2,700 English given-name/nickname pairs. Informal British forms not in that list
("Tommo", "Gazza", "Jonno", "Macca") are handled by stripping a diminutive
ending and a doubled consonant and looking the stem up again ("tommo" → "tom").

`name_roots("tommy")` is the set of canonical names the name can stand for plus
the name itself; two given names are nickname-related when their root sets meet.
`name_root` picks one representative root (the canonical name with the most
nicknames, then alphabetical) for blocking and display.
"""

from __future__ import annotations

from functools import cache

from lantern.resolve.normalise_names import first_part

# Endings of informal diminutives, longest first ("tommo", "jonno", "gazza", "debs").
DIMINUTIVE_ENDINGS = ("ers", "zza", "za", "sy", "ie", "o", "y", "s", "a")


@cache
def _tables() -> tuple[dict[str, frozenset[str]], dict[str, int]]:
    from nicknames import NickNamer

    namer = NickNamer()
    canonical = {k: frozenset(v) for k, v in namer.canonical_lookup.items()}
    nickname_counts = {k: len(v) for k, v in namer.nickname_lookup.items()}
    return canonical, nickname_counts


def _known(name: str) -> bool:
    canonical, counts = _tables()
    return name in canonical or name in counts


def _stem(name: str) -> str | None:
    """The known name an informal diminutive comes from, if any ("tommo" → "tom")."""
    for ending in DIMINUTIVE_ENDINGS:
        if len(name) - len(ending) < 2 or not name.endswith(ending):
            continue
        stem = name[: -len(ending)]
        candidates = [stem]
        if len(stem) >= 3 and stem[-1] == stem[-2]:
            candidates.append(stem[:-1])  # tomm → tom, jonn → jon
        for candidate in candidates:
            if _known(candidate):
                return candidate
    return None


def name_roots(given_name: str | None) -> frozenset[str]:
    """The name itself and every canonical name it may be a nickname of ("tommy" → {tommy, tom, thomas, thom})."""
    name = first_part(given_name)
    if not name:
        return frozenset()
    canonical, _ = _tables()
    lookup = name if _known(name) else (_stem(name) or name)
    return frozenset({name, lookup} | canonical.get(lookup, frozenset()))


def name_root(given_name: str | None) -> str | None:
    """One representative root: the candidate with the most recorded nicknames, then alphabetical."""
    roots = name_roots(given_name)
    if not roots:
        return None
    _, counts = _tables()
    return min(roots, key=lambda r: (-counts.get(r, 0), r))
