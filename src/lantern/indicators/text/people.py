"""Who a note is about, by name: the child's name and other people's in subject position.

A note often names several children and adults ("Courtney (14) returned in a car
... Jade (14, subject) walked back"). A finding after another person's name, in
subject position, is that person's; after the child's own name, the child's. The
child's name is the one the note marks as the subject ("(14, subject)"), else the
first name given with the child's age, else the first name given with an age
under 18, else the name the note uses most (at least twice). Without one, names
decide nothing (an adult named in a note about the child is usually an associate).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from lantern.indicators.text.concepts import NOT_NAMES, FAMILY_WORDS

_OBJECT_PRONOUNS = frozenset({"her", "him", "them"})


def _is_name(token: Any) -> bool:
    text = token.text
    if not text.isalpha() or len(text) < 2:
        return False
    lower = text.lower()
    if lower in NOT_NAMES or lower in FAMILY_WORDS:
        return False
    return text.istitle()


def _name_words(doc: Any) -> set[str]:
    """Capitalised words used as names: seen capitalised inside a sentence, or given an
    age or a possessive ("Dean (24)", "Skye's")."""
    out = set()
    for token in doc:
        if not _is_name(token):
            continue
        after = doc[token.i + 1].text if token.i + 1 < len(doc) else ""
        if not token.is_sent_start or after in ("(", "'s", "’s", ","):
            out.add(token.lower_)
    return out


def subject_name(doc: Any, age: int | None) -> str | None:
    names: Counter[str] = Counter()
    with_age: list[tuple[str, int | None]] = []
    for token in doc:
        if not _is_name(token):
            continue
        i = token.i
        after = doc[i + 1 : i + 6]
        if len(after) >= 2 and after[0].text == "(":
            inside = [t.lower_ for t in after[1:]]
            closing = inside.index(")") if ")" in inside else len(inside)
            if "subject" in inside[:closing]:
                return token.lower_
            number = next((int(t.text) for t in after[1:] if t.text.isdigit()), None)
            with_age.append((token.lower_, number))
        if not token.is_sent_start or (i + 1 < len(doc) and doc[i + 1].text in ("(", "'s")):
            names[token.lower_] += 1
        elif token.is_sent_start:
            names[token.lower_] += 1
    if age is not None:
        for name, number in with_age:
            if number == age:
                return name
    for name, number in with_age:
        if number is not None and number < 18:
            return name
    if names:
        name, count = names.most_common(1)[0]
        if count >= 2:
            return name
    return None


_PEER_WORDS = frozenset(
    "friend friends mate mates sister brother cousin girlfriend peer classmate".split()
)


def _other_children(doc: Any) -> set[str]:
    """Names the note gives an age under 18 ("Hollie (15)") or calls a friend or sibling
    ("her friend Skye"). An adult's name decides nothing: an adult named beside a sign
    ("'Smudge' (his 20s) picks him up") is the child's associate, and the sign the child's."""
    out = set()
    for token in doc:
        if not _is_name(token):
            continue
        i = token.i
        after = doc[i + 1 : i + 4]
        if len(after) >= 2 and after[0].text == "(" and after[1].text.isdigit() and int(after[1].text) < 18:
            out.add(token.lower_)
        elif i > 0 and doc[i - 1].lower_ in _PEER_WORDS:
            out.add(token.lower_)
    return out


def name_cues(doc: Any, age: int | None, object_markers: set[str]) -> list[tuple[str, int]]:
    """(label, token index): NAME_SUBJECT for the child's name, NAME_OTHER for another
    child's, in subject position; OBJ_PRON for an object pronoun. Nothing when the note's
    child cannot be named."""
    child = subject_name(doc, age)
    if child is None:
        return []
    known = _other_children(doc) | {child}
    out: list[tuple[str, int]] = []
    for token in doc:
        i = token.i
        if token.lower_ in _OBJECT_PRONOUNS:
            following = doc[i + 1].lower_ if i + 1 < len(doc) else ""
            if token.lower_ != "her" or not following.isalpha() or following in ("up", "off", "home", "back", "to", "into", "in", "out", "a", "an", "some", "drinks", "money", "cash", "lifts", "a lift"):
                out.append(("OBJ_PRON", i))
            continue
        if not _is_name(token) or token.lower_ not in known:
            continue
        before = doc[i - 1].lower_ if i > 0 else ""
        after = doc[i + 1].lower_ if i + 1 < len(doc) else ""
        if before in object_markers or after in ("'s", "’s"):
            continue
        out.append(("NAME_SUBJECT" if token.lower_ == child else "NAME_OTHER", i))
    return out
