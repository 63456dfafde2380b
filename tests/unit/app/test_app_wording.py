"""Pages say what the records show, never what a person is: an agency's role for someone in a
record reads "recorded as …", and a link reads as what the records hold."""

from __future__ import annotations

import re

import pytest

from app_harness import make_app, signed_in
from lantern.app.templating import LINK_KINDS, _link_kind, _recorded_as


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    app, county = make_app(tmp_path_factory.mktemp("wording"))
    return county, signed_in(app, "ana")


def test_a_records_role_is_shown_as_the_records_word() -> None:
    assert _recorded_as("victim") == "recorded as victim"
    assert _recorded_as("suspect/victim") == "recorded as suspect / victim"
    assert _recorded_as("used_by_suspect/-") == "recorded as used by suspect"
    assert _recorded_as("subject, victim") == "recorded as subject / victim"
    assert _recorded_as("on_record") == "on their record"
    assert _recorded_as("") == "" and _recorded_as("-/-") == ""


def test_no_link_kind_reads_as_a_finding_about_a_person() -> None:
    assert _link_kind("suspect_of") == "named as suspect in a record about the child"
    assert _link_kind("some_new_kind") == "some new kind"
    for text in LINK_KINDS.values():
        assert not re.search(r"\b(victim|offender|perpetrator|abuser)\b", text)
        assert not text.startswith("suspect")


def test_child_and_adult_pages_word_roles_and_links_as_records(site) -> None:  # type: ignore[no-untyped-def]
    county, analyst = site
    child = analyst.get(f"/children/{county.kayleigh}").text
    assert "· recorded as subject</p>" in child
    assert "in the same record: 2 records" in child
    adult = analyst.get(f"/adults/{county.darren}").text
    # the records' dates in order, then when the link was first known
    assert re.search(
        r"in the same record; (on \d\d \w{3} \d{4}|\d\d \w{3} \d{4} to \d\d \w{3} \d{4}); first known",
        adult,
    )
    assert "(recorded as subject)" in adult
    assert "co event" not in child + adult


def test_identifiers_read_with_their_acronyms() -> None:
    from lantern.app.templating import _label, _sentence

    assert _sentence(_label("ed_attendance")) == "ED attendance"
    assert _sentence(_label("gp_consultation")) == "GP consultation"
    assert _label("legal_sti_under16") == "legal STI under16"
    assert _sentence(_label("cp_plan_start")) == "CP plan start"
    assert _label("missing_from_care") == "missing from care"
    assert _label("") == "" and _sentence("") == ""
