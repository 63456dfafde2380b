"""Values the pages would otherwise show raw: outcome codes, what a network member is, pairs of
dates (never backwards)."""

from __future__ import annotations

from datetime import date, datetime

from lantern.app.wording import date_range, member_role, outcome


def test_outcome_codes_read_as_words() -> None:
    assert outcome("M", "absence") == "Authorised: medical or dental appointment (register code M)"
    assert outcome("O", "absence").startswith("Unauthorised: other")
    assert outcome("NFA", "referral") == "No further action"
    assert outcome("ICPC", "section47") == "Initial child protection conference"
    assert outcome("self-located", "missing_report") == "Self-located"
    assert outcome("XQ", "contact") == "recorded as code XQ"
    assert outcome(None) == "" and outcome("") == ""


def test_a_network_member_that_is_not_a_person_is_named_for_what_it_is() -> None:
    assert member_role("vehicle:GS75ZPH", "connector_thing") == (
        "vehicle; linked to children of several households"
    )
    assert member_role("phone:+447700900123", "thing") == "phone"
    assert member_role("email:a@b.com", "thing") == "email address"
    assert member_role("place:OX3 8", "place") == "place"
    assert member_role("P123", "connector") == "adult; linked to children of several households"
    for role in ("thing", "connector_thing", "place", "connector", "child", "linked_child", None):
        assert "thing)" not in member_role("X1", role) and "None" not in member_role("X1", role)


def test_two_dates_are_always_in_order() -> None:
    assert date_range(date(2011, 10, 25), date(2011, 10, 22)) == "22 Oct 2011 to 25 Oct 2011"
    assert date_range(datetime(2013, 5, 3, 9), "2013-05-02T10:00:00") == (
        "02 May 2013 to 03 May 2013"
    )
    assert date_range(date(2013, 5, 2), date(2013, 5, 2)) == "on 02 May 2013"
    assert date_range(None, date(2013, 5, 2)) == "on 02 May 2013"
    assert date_range(None, None) == "date not recorded"


def test_the_scores_reasons_read_their_dates_in_words() -> None:
    from types import SimpleNamespace

    from lantern.app.disclosure import dates_in_words, top_reasons
    from lantern.app.policy import default_policy

    stored = "flagged on 2026-10-15: older associate (police, 2026-10-03); see 2026-13-40"
    assert dates_in_words(stored) == (
        "flagged on 15 Oct 2026: older associate (police, 03 Oct 2026); see 2026-13-40"
    )
    analyst = SimpleNamespace(role="analyst", agency="police")
    person = SimpleNamespace(person_id="P1", top_reasons=stored)
    policy = default_policy()
    assert policy.narratives.get("analyst") == "all agencies"
    shown = top_reasons(analyst, policy, person, lambda _: [])
    assert "2026-10-15" not in shown and "15 Oct 2026" in shown
