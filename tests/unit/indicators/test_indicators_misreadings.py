"""Indicators that misread their evidence (issue #6, this session's false positives), each
with the true reading that must stay: a screen is not an infection, a corrected claim is
not a sign, a sentence's own named concern explains its older males, a relative in a note
is not an adult the child was found with, a peer of 18 is not an older boyfriend."""

from __future__ import annotations

from datetime import date

import pytest

from indicators_support import Store, hits
from lantern.indicators.stage import run
from lantern.indicators.text.analyse import shared_analyser
from lantern.store.connection import connect


def found(text: str) -> list[tuple[str, str]]:
    """(indicator, context) of every finding: A affirmed, N negated, O someone else's."""
    analysis = next(shared_analyser().analyse([text]))
    return [
        (h.indicator, "N" if h.negated else ("O" if h.experiencer != "subject" else "A"))
        for h in analysis.hits
    ]


def affirmed(text: str) -> set[str]:
    return {indicator for indicator, context in found(text) if context == "A"}


def run_store(store: Store):
    con = connect(":memory:")
    store.write(con)
    run(con)
    return con


# ------------------------------------------------------------------ text


def test_a_gap_in_a_pattern_does_not_run_into_the_next_sentence():
    # "concerns _ _ CSE" joined "no safeguarding concerns identified." to the next sentence
    text = (
        "Contraception advice requested. Fraser competent, no safeguarding concerns "
        "identified. CSE screening tool completed: no risk identified."
    )
    assert "cse_concern_named" not in affirmed(text)
    assert "cse_concern_named" in affirmed("Concerns about CSE raised by school.")


@pytest.mark.parametrize(
    "text",
    [
        "Chlamydia screen via the school drop-in. Negative. Reports one partner, same year.",
        "Attended with Sam for a chlamydia test. Negative. Condoms given.",
    ],
)
def test_a_screen_or_a_test_is_an_attendance_not_an_infection(text):
    assert affirmed(text) == {"sexual_health_attendance"}


@pytest.mark.parametrize(
    "text",
    [
        "Positive chlamydia screen via school nurse. Treatment given.",
        "Chlamydia test came back positive.",
        "Chlamydia positive on routine screen.",
        "Diagnosed with gonorrhoea.",
    ],
)
def test_a_positive_result_is_still_an_infection(text):
    assert "sti" in affirmed(text)


def test_an_older_boyfriend_corrected_in_the_same_sentence_is_not_a_sign():
    # read as a correction to a peer (concepts.yaml, "CORRECTION ~2 PEER"), in any wording,
    # not by the synthetic county's own phrase: the sign is not found at all
    text = "She told a friend she has an 'older boyfriend' - turned out to be a boy in year 11."
    assert "older_boyfriend" not in affirmed(text)
    assert "older_boyfriend" not in affirmed(
        "Rumour of an older boyfriend; he was actually a pupil at her school."
    )
    assert "older_boyfriend" in affirmed("She told a friend she has an older boyfriend.")
    assert "older_boyfriend" in affirmed("Her older boyfriend turned out to be 25.")


def test_an_adult_confirmed_as_close_family_is_not_a_car_sign():
    text = (
        "Staff saw her get into a car with an older male at the gate - confirmed as her "
        "grandmother, Jo Reed, who has permission to collect."
    )
    assert ("seen_in_car_with_adult", "N") in found(text)
    # the child's own claim is not a confirmation, and a cousin is a common cover story
    for claim in (
        "Staff saw her get into a car with an older male at the gate. She says he is her uncle.",
        "Staff saw her get into a car with an older male - confirmed as her cousin.",
        "Staff saw her get into a car with an older male - confirmed as her boyfriend.",
    ):
        assert "seen_in_car_with_adult" in affirmed(claim), claim


def test_not_known_to_have_been_missing_is_a_negation_but_an_unknown_address_is_not():
    assert ("missing_episode", "N") in found("Not known to have been missing before.")
    assert "found_at_unknown_address" in affirmed(
        "Hannah was recovered from an address not known to her parents."
    )


def test_a_grandparents_own_history_is_not_the_childs():
    assert ("missing_episode", "O") in found("Nan was in care as a child and went missing a lot.")
    assert "missing_episode" in affirmed("Nan says she went missing again last night.")


def test_a_house_party_is_a_place_sign_and_more_with_adults():
    # "with friends" was an exception for the synthetic county's own wording (removed):
    # the independent notes' annotators mark a party as a place sign
    text = "Brought in by ambulance intoxicated after a house party with friends."
    assert affirmed(text) == {"intoxicated", "hotels_parties_flats"}
    assert "hotels_parties_flats" in affirmed("Found at a house party with adult males.")
    assert "hotels_parties_flats" in affirmed("She was at a house party where older men were.")


def test_the_missing_persons_coordinator_is_a_role_not_an_episode():
    assert found("Officers attended. Misper coordinator informed.") == []
    assert found("Misper co-ordinator informed.") == []
    assert "missing_episode" in affirmed("Misper. Located at 03:00 in the park.")


@pytest.mark.parametrize(
    "text",
    [
        "FTE 3 days - physical assault on a pupil.",
        "Arrested on suspicion of assault following a fight at a party.",
        "She assaulted a member of staff.",
    ],
)
def test_an_assault_the_child_is_suspected_of_is_not_one_against_the_child(text):
    assert "physical_assault" not in affirmed(text)


@pytest.mark.parametrize(
    "text",
    [
        "Assault: punched by another pupil on the way home.",
        "She was assaulted by a member of staff.",
        "Victim of assault by her boyfriend.",
    ],
)
def test_an_assault_on_the_child_is_still_one(text):
    assert "physical_assault" in affirmed(text)


@pytest.mark.parametrize(
    "text",
    [
        "Intel that he is holding drugs for older males at the precinct.",
        "Mum believes he is 'going country' for older lads from Oxford.",
        "Two phones seized, one linked to the 'Spider' line.",
    ],
)
def test_signs_explained_by_criminal_exploitation_named_in_their_sentence(text):
    assert affirmed(text) == {"criminal_exploitation_named"}


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # another sentence: the older males are not explained by the named concern
        ("Concerns of county lines. She is associating with older males.", "older_associates"),
        # a sexual concern named too: every sign stays
        ("Concerns of county lines and CSE: she is associating with older males.", "older_associates"),
        ("Holding drugs for older males who are also having sex with her.", "older_associates"),
        # no concern named: the sign stays
        # two phones are a gift the child cannot account for (moved from secretive phone use:
        # the phone is usually the groomer's gift; concepts.yaml), and stay without a concern
        ("Located in Coventry, had £400 cash and two phones.", "unexplained_gifts"),
    ],
)  # fmt: skip
def test_shared_signs_stay_without_a_concern_named_in_their_sentence(text, kept):
    assert kept in affirmed(text)


# ------------------------------------------------------------------ structured


def test_a_relative_named_in_a_routine_note_is_not_an_adult_the_child_was_found_with():
    store = Store()
    child = store.person("C1", agency="education", dob=date(2000, 3, 1))
    uncle = store.person("U1", agency="education", dob=date(1975, 1, 1), sex="M")
    stranger = store.person("S1", agency="education", dob=date(1985, 1, 1), sex="M")
    store.event(
        "note", "2013-03-01T15:30", subject=child, others={uncle: "associate"},
        narrative="Collected from school by her uncle in a silver Ford Focus. He is on the contact list.",
    )  # fmt: skip
    store.event(  # a note that itself describes a concern keeps the adult
        "note", "2013-04-01T15:30", subject=child, others={stranger: "associate"},
        narrative="Seen getting into a car with older males at the gate.",
    )  # fmt: skip
    store.event(  # and a missing episode needs no sign in the note: it is the concern
        "missing_report", "2013-05-01T22:00", subject=child, others={uncle: "associate"}
    )
    con = run_store(store)
    got = sorted((h["event_id"], h["related_record_id"]) for h in hits(con, "found_with_adult"))
    assert got == [("education:E2", "education:S1"), ("education:E3", "education:U1")]


def test_a_boyfriend_of_18_is_a_peer_of_a_17_year_old_not_of_a_14_year_old():
    store = Store()
    older_teen = store.person("C1", agency="health", dob=date(1995, 6, 1))  # 17 in 2012
    young = store.person("C2", agency="health", dob=date(1998, 6, 1))  # 14 in 2012
    for child in (older_teen, young):
        store.event(
            "sexual_health_attendance", "2012-09-01T10:00", subject=child,
            narrative="Pill check. Long term boyfriend aged 18. No concerns.",
        )  # fmt: skip
    store.event(  # a partner 4 or more years older is an older boyfriend at 17 too
        "sexual_health_attendance", "2012-10-01T10:00", subject=older_teen,
        narrative="Pill check. Her boyfriend, aged 24, waited outside.",
    )  # fmt: skip
    store.event(  # no age stated: the text rule reads it as it stands
        "sexual_health_attendance", "2012-11-01T10:00", subject=older_teen,
        narrative="Says she has an older boyfriend.",
    )  # fmt: skip
    con = run_store(store)
    got = sorted((h["record_id"], h["event_id"]) for h in hits(con, "older_boyfriend"))
    assert got == [
        ("health:C1", "health:E3"),
        ("health:C1", "health:E4"),
        ("health:C2", "health:E2"),
    ]


def test_a_record_naming_criminal_exploitation_explains_its_adult_car_and_phone():
    store = Store()
    boy = store.person("C1", dob=date(1997, 1, 1), sex="M")
    girl = store.person("C2", dob=date(1997, 1, 1))
    dealer = store.person("A1", dob=date(1985, 1, 1), sex="M")
    stop = (
        "Stop search: he was with older male Sam Jones in a silver VW Golf. Both arrested at "
        "a trap house in Reading."
    )
    store.event(  # the record names county lines and nothing sexual: its signs are CCE's
        "stop_search", "2012-03-01T22:00", subject=boy, others={dealer: "associate"},
        narrative=stop, things=[("vehicle", "KD24 AMH", "seen_with_subject")],
    )  # fmt: skip
    store.event(  # the same stop without the named concern: every sign stays
        "stop_search", "2012-04-01T22:00", subject=boy, others={dealer: "associate"},
        narrative="Stop search: he was with older male Sam Jones in a silver VW Golf.",
        things=[("vehicle", "KD24 AMH", "seen_with_subject")],
    )  # fmt: skip
    store.event(  # county lines and sexual harm in one record: every sign stays
        "stop_search", "2012-05-01T22:00", subject=girl, others={dealer: "associate"},
        narrative=stop + " She disclosed she had been made to have sex with him.",
        things=[("vehicle", "KD24 AMH", "seen_with_subject")],
    )  # fmt: skip
    store.event(  # a sexual word is enough to keep them: "known to the CSE team"
        "stop_search", "2012-06-01T22:00", subject=girl, others={dealer: "associate"},
        narrative=stop + " Known to the CSE team.",
        things=[("vehicle", "KD24 AMH", "seen_with_subject")],
    )  # fmt: skip
    con = run_store(store)
    assert not [
        h
        for h in hits(con)
        if h["event_id"] == "police:E4" and h["category"] == "sexual_abuse_disclosed"
    ]  # (the words alone, no sexual finding)
    for indicator in ("found_with_adult", "vehicle_sighting"):
        got = sorted(h["event_id"] for h in hits(con, indicator))
        assert got == ["police:E2", "police:E3", "police:E4"], indicator
    named = [h["event_id"] for h in hits(con, "criminal_exploitation_named")]
    assert "police:E1" in named  # the named concern is still shown
