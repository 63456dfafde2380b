"""A person's name as the pages show it: the best-supported spelling across their records.

Agencies type names differently: "STEPHEN" in one system, "ian" in another, "Kayleigh",
"Kayleigh" and "Kaleigh" for one girl. A page shows one name — the one most of the person's
records give, compared without case or spacing — written as a person would write it ("STEPHEN" → "Stephen", "o'brien" → "O'Brien"), with every other
spelling and recorded alias listed beside it, so nothing recorded is hidden.

Two spellings given by as many records each ("Matthew Smimh" in the school's record,
"Matthew Smith" in the GP's) are not settled by which record happens to sort first: the
one whose words more of the person's name fields (given, family, aliases) agree with wins,
then the one whose words are commoner across everyone's records (a slip of the keyboard is
rare; the name it slipped from is not), and only then the first record.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

NO_NAME = "(no name recorded)"
_PIECES = re.compile(r"([\s\-'’]+)")


def proper_case(name: str) -> str:
    """A name typed all in capitals or all in lower case, written as a name ("MCDONALD" →
    "McDonald", "o'brien" → "O'Brien", "ANNE-MARIE" → "Anne-Marie"); a name already in mixed
    case is left as recorded ("de Souza", "MacKenzie")."""
    name = " ".join(name.split())
    if not name or not (name.isupper() or name.islower()):
        return name
    out = []
    for piece in _PIECES.split(name.lower()):
        if not piece or _PIECES.fullmatch(piece):
            out.append(piece)
        elif piece.startswith("mc") and len(piece) > 2:
            out.append("Mc" + piece[2:].capitalize())
        else:
            out.append(piece.capitalize())
    return "".join(out)


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def _full(record: Mapping[str, Any]) -> str:
    given = " ".join(str(record.get("given_name") or "").split())
    family = " ".join(str(record.get("family_name") or "").split())
    return f"{given} {family}".strip()


def _shown(record: Mapping[str, Any]) -> str:
    given = proper_case(str(record.get("given_name") or ""))
    family = proper_case(str(record.get("family_name") or ""))
    return f"{given} {family}".strip()


def name_words(record: Mapping[str, Any]) -> list[str]:
    """The words of a record's given, family and other names, without case."""
    fields = [record.get("given_name"), record.get("family_name")]
    fields += str(record.get("other_names") or "").split(";")
    return [word for field in fields for word in _key(str(field or "")).split()]


def best_name(
    records: Iterable[Mapping[str, Any]], commonness: Mapping[str, int] | None = None
) -> tuple[str, list[str]]:
    """The name to show and the other names recorded (other spellings, then aliases).

    `records` are the person's records in a stable order, each with given_name, family_name
    and other_names (`;`-separated). `commonness`: how many records of the whole store
    carry each name word (casefolded), to settle a tie between two spellings."""
    records = list(records)
    commonness = commonness or {}
    support = Counter(word for record in records for word in name_words(record))
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    forms: dict[str, list[str]] = {}
    for i, record in enumerate(records):
        full = _full(record)
        if not full:
            continue
        key = _key(full)
        counts[key] += 1
        first_seen.setdefault(key, i)
        forms.setdefault(key, []).append(_shown(record))
    if not counts:
        name = NO_NAME
    else:
        key = max(
            counts,
            key=lambda k: (
                counts[k],
                sum(support[word] for word in k.split()),
                sum(commonness.get(word, 0) for word in k.split()),
                -first_seen[k],
            ),
        )
        # A form typed in mixed case is the person's own spelling; prefer the commonest of those.
        shown = Counter(forms[key])
        name = max(shown, key=lambda form: (shown[form], -forms[key].index(form)))
    seen = {_key(name)}
    others = []
    spellings = [_shown(r) for r in records]
    aliases = [proper_case(n) for r in records for n in str(r.get("other_names") or "").split(";")]
    for candidate in spellings + aliases:
        candidate = " ".join(candidate.split())
        if candidate and _key(candidate) not in seen:
            seen.add(_key(candidate))
            others.append(candidate)
    return name, others


def proper_name(full: str) -> str:
    """A whole name written as a name, word group by word group ("STEPHEN Shepherd")."""
    return " ".join(proper_case(part) for part in full.split())


def name_similarity(query: str, name: str) -> float:
    """How closely `query` matches `name` (Jaro-Winkler, as search finds people by): the best
    of the whole name, the given name and the family name, compared without case."""
    import jellyfish

    q = " ".join(query.casefold().split())
    parts = name.casefold().split()
    forms = {" ".join(parts)} | ({parts[0], parts[-1]} if parts else set())
    return max((jellyfish.jaro_winkler_similarity(q, f) for f in forms if f), default=0.0)
