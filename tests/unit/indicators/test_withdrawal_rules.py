"""The withdrawal and denial rule set (lantern.indicators.withdrawal): how agencies record that a
child withdrew an account or would not support a prosecution, and what is not a withdrawal."""

from __future__ import annotations

import pytest

from lantern.indicators import withdrawal

WITHDRAWALS = [
    "She withdrew her statement on 3/4 and the case was filed.",
    "Now says nothing happened and that she was at a friend's.",
    "Victim does not support a prosecution. NFA.",
    "IP no longer wishes to make a complaint.",
    "Child has retracted the allegation.",
    "Outcome 16 - evidential difficulties, victim does not support further action.",
    "She said she had made it up because she was angry with her mum.",
    "Complainant declined to provide a statement.",
    "YP refused to engage with an ABE interview.",
    "She now denies that the men touched her.",
    "Has since said that nothing happened.",
    "Victim unsupportive, no further action.",
    "Shannon no longer supports a prosecution of the suspect.",
]

NOT_WITHDRAWALS = [
    "She has not withdrawn her statement and is supported by ISVA.",
    "Worried she may withdraw her statement if the men contact her.",
    "Withdrawn and tearful at school; self-harm noted.",  # withdrawn: a sign, not a withdrawal
    "Statement taken. Suspect arrested.",
    "Mum says she has been supportive of the police investigation.",
    "Denies drinking or taking anything.",  # a denial of something else
    "NFA - evidential difficulties.",  # outcome 15 too: the victim may support action
]

DENIALS = [
    "Kirsty denies anything happened with them.",
    "Denies being touched.",
    "Josh says nothing happened and he just wanted a day out.",
    "Pt denies any sexual contact or assault.",
]


@pytest.mark.parametrize("text", WITHDRAWALS)
def test_a_withdrawal_as_agencies_write_it_is_found(text: str) -> None:
    found = withdrawal.find(text)
    assert found and not found[0].denial, text


@pytest.mark.parametrize("text", NOT_WITHDRAWALS)
def test_what_is_not_a_withdrawal_is_not_found(text: str) -> None:
    assert withdrawal.find(text) == [], text


@pytest.mark.parametrize("text", DENIALS)
def test_a_denial_is_found_as_a_denial(text: str) -> None:
    found = withdrawal.find(text)
    assert found and all(f.denial for f in found), text


def test_a_finding_carries_its_words_and_place() -> None:
    text = "Seen at school. Later she withdrew her account."
    (found,) = withdrawal.find(text)
    assert text[found.start : found.end] == found.text == "withdrew her account"
    assert found.rule == "withdrew"


@pytest.mark.parametrize(
    ("codes", "expected"),
    [("hoco:16", True), ("hocr:22B;outcome:14", True), ("hoco:1", False), ("cin:16A", False),
     (None, False)],
)  # fmt: skip
def test_the_police_outcome_codes_for_an_unsupportive_victim(codes, expected) -> None:
    assert withdrawal.code_matches(codes) is expected
