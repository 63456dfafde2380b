"""The law on age for one narrative with a known age (used by `lantern text`).

The stage applies the same rules in SQL (`legal.py`) over structured records
too; this is the narrative-only form, for a single text whose child's age the
caller gives. A test keeps the two in step.
"""

from __future__ import annotations

from datetime import date

from lantern.indicators.catalogue import Catalogue

PREGNANCY = frozenset({"pregnancy", "termination"})
INFECTION = frozenset({"sti", "sti_repeat"})
SEXUAL_HEALTH = frozenset({"sexual_health_attendance", "emergency_contraception"})


def age_on(dob: date, day: date) -> int:
    """Whole years; a 29 February birthday falls on 1 March in a common year."""
    before_birthday = (day.month, day.day) < (dob.month, dob.day)
    return day.year - dob.year - (1 if before_birthday else 0)


# Affirmed findings that name an adult as the child's sexual partner (legal.py's
# `adult_in_evidence`): "her boyfriend (24) is the father", "sex with a man in his thirties".
ADULT_PARTNER = frozenset({"older_boyfriend", "sexual_activity_adult"})


def legal_indicators(
    indicator: str, age: int, catalogue: Catalogue, *, adult_in_evidence: bool = False
) -> list[str]:
    """Legal rules an affirmed finding of `indicator` fires for a child aged `age`.

    `adult_in_evidence`: the same record names an adult as the child's partner (an
    affirmed `ADULT_PARTNER` finding), as in legal.py."""
    entry = catalogue.by_id().get(indicator)
    if entry is None:
        return []
    fired: list[str] = []
    if entry.sexual_activity:
        kind = (
            "pregnancy"
            if indicator in PREGNANCY
            else "infection"
            if indicator in INFECTION
            else "other"
        )
        if age < 13:
            fired.append(
                {
                    "pregnancy": "legal_pregnancy_under13",
                    "infection": "legal_sti_under13",
                    "other": "legal_under13_sexual_activity",
                }[kind]
            )
        elif age < 16:
            if kind == "pregnancy":
                fired.append("legal_pregnancy_under16")
            elif kind == "infection":
                fired.append("legal_sti_under16")
            if indicator == "sexual_activity_adult" or adult_in_evidence:
                fired.append("legal_adult_with_child_under16")
    elif indicator in SEXUAL_HEALTH and age < 13:
        fired.append("legal_under13_sexual_health")
    return fired
