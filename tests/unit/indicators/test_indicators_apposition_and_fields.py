"""Misreadings found on records written by another author's generator (make_county and the
hard profile's intra-familial confounder, tuning seeds) and in review, fixed by the kind of
wording (issue 15, eighth session). The sentences here are written for the tests, not copied
from a generator: kin named in brackets or apposition beside a name, a plan's category written
without its colon, a search that found nothing, the acts in every tense."""

from __future__ import annotations

import pytest

from lantern.indicators.text.analyse import Finding, shared_analyser


def _hits(text: str, age: int = 14) -> list[Finding]:
    return next(shared_analyser().analyse([text], [age])).hits


def _affirmed(text: str, category: str) -> list[Finding]:
    return [h for h in _hits(text) if h.category == category and h.affirmed]


def _one(text: str, category: str) -> Finding:
    found = [h for h in _hits(text) if h.category == category]
    assert found, _hits(text)
    return found[0]


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Seen getting into a car with Gary Lowe (mum's partner) outside school.", "vehicle"),
        ("Disclosed sexual abuse by Tony Marsh (uncle) at his flat.", "sexual_abuse_disclosed"),
        (
            "Told her teacher that her mum's boyfriend, Craig Bell, had sexually abused her.",
            "sexual_abuse_disclosed",
        ),
        (
            "Reported that Craig Bell, her stepdad, had sexually assaulted her.",
            "sexual_abuse_disclosed",
        ),
        ("Picked up from the park by Lee Grant, her cousin, in a red Astra.", "vehicle"),
    ],
)
def test_kin_in_brackets_or_apposition_is_family(text: str, category: str) -> None:
    assert _one(text, category).relation == "family"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Seen getting into a car with Dean Smith (her boyfriend, 24).", "vehicle"),
        ("Seen getting into a car with Dean Smith, her uncle's friend, at 2300.", "vehicle"),
        # the one told is not the one who did it
        ("Disclosed to her mum, Sarah, that an older male had raped her.", "older_associate"),
    ],
)
def test_a_name_beside_no_kin_or_someone_elses_kin_is_not_family(text: str, category: str) -> None:
    assert _one(text, category).relation == ""


def test_the_childs_pronoun_after_the_act_makes_it_hers() -> None:
    hit = _one(
        "She disclosed that her mum's partner, Paul Watts, had sexually abused her.",
        "sexual_abuse_disclosed",
    )
    assert hit.experiencer == "subject" and hit.affirmed


@pytest.mark.parametrize(
    "text",
    [
        "Conference decision: CP plan, category sexual abuse. Review in 3 months.",
        "Made subject of a child protection plan under the category of sexual abuse.",
        "Strategy outcome: recommend ICPC under sexual abuse.",
        "Registered under sexual abuse at the RCPC.",
    ],
)
def test_a_plans_category_without_its_colon_is_not_a_disclosure(text: str) -> None:
    assert not _affirmed(text, "sexual_abuse_disclosed")


@pytest.mark.parametrize(
    "text",
    [
        "She disclosed sexual abuse by a man she met online.",
        "She was under the impression the sexual abuse was her fault.",
    ],
)
def test_sexual_abuse_outside_a_plan_is_still_read(text: str) -> None:
    assert _affirmed(text, "sexual_abuse_disclosed")


@pytest.mark.parametrize(
    "text",
    [
        "Searched for drugs - nil found.",
        "Stop search for cannabis, nothing found. Words of advice.",
        "Officers searched her room for drugs: nothing found.",
    ],
)
def test_what_a_search_did_not_find_is_negated(text: str) -> None:
    assert not _affirmed(text, "substances")


def test_a_search_negates_only_what_it_looked_for() -> None:
    hits = _hits("Searched for drugs, nothing found, but she admits smoking cannabis daily.")
    assert [h for h in hits if h.category == "substances" and h.affirmed]


@pytest.mark.parametrize(
    "text",
    [
        "Her stepdad has been sexually abusing her since she was 11.",
        "She says he sexually assaults her when mum is at work.",
        "A man in the park was molesting younger girls, she said it happened to her.",
    ],
)
def test_the_act_is_read_in_every_tense(text: str) -> None:
    assert _affirmed(text, "sexual_abuse_disclosed")


@pytest.mark.parametrize(
    "text",
    [
        "Complaint of indecent assault against her step-grandad Ray, investigation ongoing.",
        "Police report: indecent assault alleged by Mia (12) against her grandad, Ron Price.",
        "Allegation of sexual assault made against Mark Price (grandad).",
    ],
)
def test_the_one_an_allegation_is_against_is_its_agent(text: str) -> None:
    assert _one(text, "sexual_abuse_disclosed").relation == "family"


def test_an_allegation_against_a_stranger_is_not_family() -> None:
    text = "Allegation of sexual assault against a man she met online."
    assert _one(text, "sexual_abuse_disclosed").relation == ""


@pytest.mark.parametrize(
    "text",
    [
        "Searching online for drugs on her phone.",
        "She was looking for drugs in town with friends.",
    ],
)
def test_what_a_child_looks_for_is_no_exchange(text: str) -> None:
    assert "sex_exchange" not in {h.indicator for h in _hits(text)}


def test_sex_for_drugs_is_still_an_exchange() -> None:
    assert "sex_exchange" in {h.indicator for h in _hits("She has sex with older men for drugs.")}
