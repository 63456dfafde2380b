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

from lantern.indicators.text.concepts import FAMILY_WORDS, NOT_NAMES

_OBJECT_PRONOUNS = frozenset({"her", "him", "them"})


def token_lists(doc: Any) -> tuple[list[str], list[str], list[bool]]:
    """The tokens' texts, lower-case texts and sentence starts, as plain lists, once per
    document (made by the concept component; iterating a Doc makes a Token per token)."""
    cached = doc.user_data.get("lantern_tokens")
    if cached is None:
        from spacy.attrs import ORTH, SENT_START

        # from the hashes: iterating the Doc makes a Token object per token
        strings = doc.vocab.strings
        texts = [strings[h] for h in doc.to_array(ORTH).tolist()] if len(doc) else []
        starts = (doc.to_array(SENT_START) == 1).tolist() if len(doc) else []
        if starts:
            starts[0] = True
        cached = (texts, [t.lower() for t in texts], starts)
        doc.user_data["lantern_tokens"] = cached
    return cached  # type: ignore[no-any-return]


def name_flags(doc: Any) -> list[bool]:
    """Per token, whether it reads as a name (`_is_name`), once per document."""
    cached = doc.user_data.get("lantern_names")
    if cached is None:
        cached = doc.user_data["lantern_names"] = [_is_name(t) for t in token_lists(doc)[0]]
    return cached  # type: ignore[no-any-return]


def is_name(text: str) -> bool:
    """Whether a token's text reads as a person's name (capitalised, not a role or a kin
    word)."""
    return _is_name(text)


def _is_name(text: str) -> bool:
    if len(text) < 2 or not text[0].isupper() or not text.isalpha():
        return False
    lower = text.lower()
    if lower in NOT_NAMES or lower in FAMILY_WORDS:
        return False
    return text.istitle()


def subject_name(doc: Any, age: int | None) -> str | None:
    """The note's child's name (lower case), or None; worked out once per document."""
    key = ("lantern_subject", age)
    if key not in doc.user_data:
        doc.user_data[key] = _subject_name(doc, age)
    return doc.user_data[key]  # type: ignore[no-any-return]


def _subject_name(doc: Any, age: int | None) -> str | None:
    texts, lowers, _ = token_lists(doc)
    is_name = name_flags(doc)
    n = len(texts)
    names: Counter[str] = Counter()
    with_age: list[tuple[str, int | None]] = []
    for i in range(n):
        if not is_name[i]:
            continue
        if i + 2 < n + 1 and i + 1 < n and texts[i + 1] == "(" and i + 2 <= n - 1:
            inside = lowers[i + 2 : i + 6]
            closing = inside.index(")") if ")" in inside else len(inside)
            if "subject" in inside[:closing]:
                return lowers[i]
            number = next((int(t) for t in texts[i + 2 : i + 6] if t.isdigit()), None)
            with_age.append((lowers[i], number))
        names[lowers[i]] += 1
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


def _other_children(texts: list[str], lowers: list[str], is_name: list[bool]) -> set[str]:
    """Names the note gives an age under 18 ("Hollie (15)") or calls a friend or sibling
    ("her friend Skye"). An adult's name decides nothing: an adult named beside a sign
    ("'Smudge' (his 20s) picks him up") is the child's associate, and the sign the child's."""
    out = set()
    n = len(texts)
    for i in range(n):
        if not is_name[i]:
            continue
        if i + 2 < n and texts[i + 1] == "(" and texts[i + 2].isdigit() and int(texts[i + 2]) < 18:
            out.add(lowers[i])
        elif (  # "another resident (Kyle, 15)"
            0 < i
            and i + 2 < n
            and texts[i - 1] == "("
            and texts[i + 1] == ","
            and texts[i + 2].isdigit()
            and int(texts[i + 2]) < 18
        ):
            out.add(lowers[i])
        elif i > 0 and lowers[i - 1] in _PEER_WORDS:
            out.add(lowers[i])
    return out


_OBJECT_FOLLOWERS = frozenset(
    (
        "up",
        "off",
        "home",
        "back",
        "to",
        "into",
        "in",
        "out",
        "a",
        "an",
        "some",
        "drinks",
        "money",
        "cash",
        "lifts",
        "a lift",
    )
)


# Verbs whose "her" is the person acted on, whatever word follows ("made her do sexual things").
_ACTS_ON = frozenset(
    "made make makes making let lets letting forced force forces told tells asked asks got gets "
    "want wants wanted take took takes taking gave give gives giving picked picks drove drives "
    "sent sends paid pays bought buys touched touches hit hits hurt hurts kissed grabbed pushed "
    "pressured persuaded encouraged abused abuses abusing assaulted assaults assaulting raped "
    "rapes raping molested molests molesting groped gropes groping touching".split()
)


def name_cues(doc: Any, age: int | None, object_markers: set[str]) -> list[tuple[str, int]]:
    """(label, token index): NAME_SUBJECT for the child's name, NAME_OTHER for another
    child's, in subject position; OBJ_PRON for an object pronoun (also when the note's child
    cannot be named: "Tia's brother gives them lifts")."""
    child = subject_name(doc, age)
    texts, lowers, _ = token_lists(doc)
    is_name = name_flags(doc)
    n = len(texts)
    known = _other_children(texts, lowers, is_name) | {child} if child is not None else set()
    out: list[tuple[str, int]] = []
    for i, lower in enumerate(lowers):
        if lower in _OBJECT_PRONOUNS:
            following = lowers[i + 1] if i + 1 < n else ""
            before = lowers[i - 1] if i > 0 else ""
            if (
                lower != "her"
                or not following.isalpha()
                or following in _OBJECT_FOLLOWERS
                or before in _ACTS_ON  # "made her do", "picked her up": not "her phone"
            ):
                out.append(("OBJ_PRON", i))
            continue
        if lower not in known or not is_name[i]:
            continue
        before = lowers[i - 1] if i > 0 else ""
        after = lowers[i + 1] if i + 1 < n else ""
        if before in object_markers or after in ("'s", "’s"):
            continue
        out.append(("NAME_SUBJECT" if lower == child else "NAME_OTHER", i))
    return out


def other_children_at(doc: Any, age: int | None) -> set[int]:
    """Token indexes of the names of children other than the note's child (any position);
    empty when the note's child cannot be named."""
    child = subject_name(doc, age)
    if child is None:
        return set()
    texts, lowers, _ = token_lists(doc)
    is_name = name_flags(doc)
    others = _other_children(texts, lowers, is_name) - {child}
    if not others:
        return set()
    return {i for i, lower in enumerate(lowers) if lower in others and is_name[i]}
