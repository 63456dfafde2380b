"""Form fields and refusals on agency records (issue 15, seventh session): a classification
label is not a disclosure, a refused act did not happen, a discussion of the child's own
circumstance is not a plan."""

from __future__ import annotations

import pytest

from lantern.indicators.text.analyse import shared_analyser


def _affirmed(text: str, age: int = 14) -> set[str]:
    analysis = next(shared_analyser().analyse([text], [age]))
    return {h.indicator for h in analysis.hits if h.affirmed}


@pytest.mark.parametrize(
    "text",
    [
        "ICPC held for Jack (10). Category: sexual abuse. Decision: CIN plan.",
        "Review conference. Category of abuse: sexual abuse. Plan continues.",
    ],
)
def test_a_classification_field_is_not_a_disclosure(text: str) -> None:
    assert not {i for i in _affirmed(text) if "sexual" in i or "rape" in i}


def test_the_same_words_as_an_account_are_still_read() -> None:
    assert "sexual_assault_disclosed" in _affirmed(
        "She disclosed sexual abuse by a man she met online."
    ) | _affirmed("She told her teacher a man had been touching her.")


@pytest.mark.parametrize(
    "text",
    [
        "A1 Taxis report Rosie refused to get into the taxi this morning; driver waited 20 mins.",
        "She declined to get into the car with him.",
    ],
)
def test_a_refused_act_did_not_happen(text: str) -> None:
    assert "seen_in_car_with_adult" not in _affirmed(text)


def test_a_refusal_reaches_only_its_own_verb() -> None:
    assert "seen_in_car_with_adult" in _affirmed(
        "Refused to say where she had been. Seen getting into a car with an older male."
    )


def test_her_own_relationship_discussed_is_a_relationship() -> None:
    assert "older_associates" in _affirmed("Discussed her relationship with the 24-year-old.")


@pytest.mark.parametrize(
    "text",
    [
        "Discussed contraception and safe sex.",
        "Discussed the risks of meeting older men online.",
    ],
)
def test_a_topic_talked_through_is_still_hypothetical(text: str) -> None:
    assert not _affirmed(text) & {"sexual_health_attendance", "older_associates"}


def test_a_teaching_verb_in_any_tense_marks_awareness_work() -> None:
    # "covers" as "covered": the awareness rule reads the verb, not one tense of it
    for verb in ("covered", "covers", "is covering"):
        text = f"Session 3 {verb} what grooming can look like so he can spot it."
        assert "cse_concern_named" not in _affirmed(text), verb


@pytest.mark.parametrize(
    ("text", "affirmed"),
    [
        ("Attended for contraception advice. CSE screening tool completed: low.", False),
        ("CSE screening tool: nil. Discharged.", False),
        ("CSE screening tool: low/medium. Referred to MASH.", True),
        ("CSE screening tool completed: high. Referred to MASH.", True),
    ],
)
def test_a_low_screening_result_is_no_concern(text: str, affirmed: bool) -> None:
    assert ("cse_concern_named" in _affirmed(text)) is affirmed


@pytest.mark.parametrize(
    ("text", "exchange"),
    [
        ("Arrest: Martin Reid (23) for drink driving. Released under investigation.", False),
        ("Arrested for drugs at the station.", False),
        ("She said she has sex with them for drugs and somewhere to stay.", True),
    ],
)
def test_an_offence_after_for_is_not_an_exchange(text: str, exchange: bool) -> None:
    analysis = next(shared_analyser().analyse([text], [14]))
    assert ("sex_exchange" in {h.indicator for h in analysis.hits}) is exchange
