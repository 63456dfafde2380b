"""Withdrawn and denied accounts: the words and codes with which agencies record that a child
withdrew, retracted or denied an account, or would not support a prosecution.

A rule set of its own, beside the text analysis (`lantern.indicators.text`) and not part of
`lantern text`'s output: a withdrawal is not an indicator and never lowers a score. The graph
stage (`lantern.graph.adult_evidence`) pairs each withdrawal with the same child's earlier
disclosure, so the two are shown together (docs/graph.md, "The evidence picture").

The patterns are written from how agencies record it (the domain brief; police crime outcomes
14 and 16, "evidential difficulties: the victim does not support further action"; the tuning
half of the independent dev notes), not from `lantern synth`'s wording. They are regular
expressions matched case-insensitively by `find`; `PREFILTER` is a cheap SQL test that keeps
only the narratives that could match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ACCOUNT = r"(statement|allegation|complaint|account|disclosure|evidence|support)"
_PRONOUN = r"(her|his|their|the|this|that|any|an|a)"
_PROCESS = (
    r"(prosecution|complaint|statement|(police |criminal )?investigation|police action|"
    r"(any )?further (police )?action|charges?|court( case| proceedings)?|the case|abe|"
    r"(achieving best evidence|video(-recorded)?) interview)"
)
_WILL_NOT = (
    r"(no longer|does not|doesn'?t|did not|didn'?t|do not|don'?t|will not|won'?t|would not|"
    r"wouldn'?t|is not|isn'?t|was not|wasn'?t|not|unwilling|refused|refuses|refusing|declined|"
    r"declines|declining)"
)

# Withdrawal: an account given earlier is taken back, or the child will not support action.
WITHDRAWAL_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        "withdrew",
        rf"\bwithdr(ew|awn|aws|awing|awal of)\s+({_PRONOUN}\s+)?({_PRONOUN}\s+)?"
        rf"(original |earlier |previous |initial )?{_ACCOUNT}",
    ),  # fmt: skip
    ("retracted", r"\b(retract(ed|s|ing|ion)?|recant(ed|s|ing)?)\b"),
    (
        "will_not_support",
        rf"\b{_WILL_NOT}\s+(to\s+|wish(es|ing)?\s+to\s+|want(s|ing)?\s+to\s+|willing\s+to\s+|"
        rf"prepared\s+to\s+|able\s+to\s+)?(supports?|supporting|supportive of|make|makes|making|pursues?|pursuing|"
        rf"proceed(ing)? with|provide|providing|give|giving|engage with|engaging with|"
        rf"go ahead with|going ahead with)\s+({_PRONOUN}\s+)?{_PROCESS}",
    ),
    (
        "unsupportive_victim",
        r"\b(victim|complainant|ip|injured party|aggrieved)\s+"
        r"(is\s+|was\s+|remains\s+)?(not supportive|unsupportive|"
        r"non-supportive|declined|withdrew|disengaged)",
    ),  # fmt: skip
    # "evidential difficulties" alone is not one: Home Office outcome 15 is evidential
    # difficulties with a victim who supports action; 14 and 16 are the victim not supporting it
    ("outcome_14_16", r"\b(outcome|oc|o/c)\s*(14|16)\b"),
    (
        "nothing_happened",
        r"\b(now|later|since|subsequently|then|has since|later on)\s+(says|said|states|stated|"
        r"claims|claimed|maintains|maintained|insists|insisted|told [a-z]+)\s+(that\s+)?"
        r"nothing\s+(had\s+|has\s+|ever\s+)?happened",
    ),
    (
        "said_it_was_untrue",
        r"\b(says|said|states|stated|claims|claimed|maintains|maintained|insists|insisted|"
        r"told [a-z]+)\s+(that\s+)?((it|this|that)\s+(didn'?t|did not|never)\s+happen|"
        r"(she|he|they)\s+(had\s+)?(made (it|this|that|the whole thing|everything) up|"
        r"(was|were|had been)\s+lying|lied)|it was (all )?(a lie|lies|made up|a misunderstanding))",
    ),
    (
        "made_it_up",
        r"\b(made (it|the whole thing|everything|the allegation|it all) up|"
        r"(it|the allegation) was (all )?(a lie|lies|untrue|not true))\b",
    ),  # fmt: skip
    ("now_denies", r"\bnow\s+(denies|denied|denying|disputes)\b"),
    (
        "denied_earlier",
        r"\b(denies|denied|denying)\s+(her|his|their|the|any)\s+(earlier|previous|original|"
        r"initial|first)\s+(account|disclosure|allegation|statement)",
    ),
)

# Denial: at a later record the child denies what an earlier record says happened. On its own a
# denial is not a withdrawal (a child asked at a return interview who says nothing happened has
# nothing to withdraw); it is one when the same child disclosed earlier (the graph pairs them).
DENIAL_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        "denies_abuse",
        r"\b(denies|denied|denying)\s+(that\s+)?(anything\s+(sexual\s+|inappropriate\s+)?"
        r"(has\s+|had\s+)?happened|any(thing)?\s+(sexual|inappropriate)|being\s+(touched|"
        r"assaulted|raped|abused|hurt|harmed|exploited|made to)|(any\s+)?sexual\s+(contact|"
        r"activity|assault|abuse)|(the|any)\s+(abuse|assault|allegation|rape)|(that\s+)?"
        r"(anyone|anybody|he|they|the man|the men|the males?)\s+(touched|hurt|abused|"
        r"assaulted|raped|did anything))",
    ),
    (
        "says_nothing_happened",
        r"\b(says|said|states|stated|insists|maintains)\s+(that\s+)?"
        r"nothing\s+(sexual\s+|bad\s+)?(has\s+|had\s+)?happened",
    ),  # fmt: skip
)

# Words that turn a match into something else: "has not withdrawn", "if she retracts", "worried
# she may withdraw". Looked for in the few words before the match.
_NOT_BEFORE = re.compile(
    r"\b(not|never|no sign of|if|may|might|could|worried|concerned|fear|fears|risk|"
    r"unlikely to|likely to|in case)\b[\w\s',]{0,25}$",
    re.IGNORECASE,
)

# A narrative that could hold a match has one of these (DuckDB regular expression): read only those.
PREFILTER = (
    r"(?i)(withdr|retract|recant|support|happen|deni|deny|lie|lying|lied|made .{0,20}up|"
    r"evidential|outcome|o/?c ?1[46]|untrue|not true|unsupportive|complain|statement|disput)"
)

# Structured codes for the same: a police crime outcome of evidential difficulties where the
# victim does not support action (Home Office outcomes 14 and 16), however the scheme is named.
CODE_PATTERN = r"(^|;)\s*(hoco|ho_outcome|outcome|crime_outcome|oc)\s*:\s*(14|16)\s*($|;)"


@dataclass(frozen=True)
class Match:
    rule: str
    start: int
    end: int
    text: str
    denial: bool  # a denial (counts only after an earlier disclosure), not a withdrawal


def _compiled(patterns: tuple[tuple[str, str], ...]) -> list[tuple[str, re.Pattern[str]]]:
    return [(name, re.compile(p, re.IGNORECASE)) for name, p in patterns]


_WITHDRAWAL = _compiled(WITHDRAWAL_PATTERNS)
_DENIAL = _compiled(DENIAL_PATTERNS)
# one search tells most notes apart (they hold none of it) before each rule is tried
_ANY = re.compile("|".join(f"(?:{p})" for _, p in WITHDRAWAL_PATTERNS + DENIAL_PATTERNS), re.I)


def find(text: str | None) -> list[Match]:
    """Every withdrawal or denial in `text`, in order, without the negated or hypothetical ones."""
    if not text or not _ANY.search(text):
        return []
    found: list[Match] = []
    for patterns, denial in ((_WITHDRAWAL, False), (_DENIAL, True)):
        for name, pattern in patterns:
            for m in pattern.finditer(text):
                if _NOT_BEFORE.search(text[max(0, m.start() - 40) : m.start()]):
                    continue
                if any(f.start < m.end() and m.start() < f.end for f in found):
                    continue  # one finding per stretch of words
                found.append(Match(name, m.start(), m.end(), m.group(0), denial))
    return sorted(found, key=lambda f: f.start)


def code_matches(codes: str | None) -> bool:
    return bool(codes and re.search(CODE_PATTERN, codes, re.IGNORECASE))
