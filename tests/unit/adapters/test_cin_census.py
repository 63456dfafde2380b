"""The CIN census adapter on a hand-made XML file with the classic faults
(tests/datasets/adapters/cin-faults/README.md)."""

from __future__ import annotations

import pytest

from lantern.adapters.registry import adapt
from support import DATASETS

FAULTS = DATASETS / "adapters" / "cin-faults" / "cin_census_faults.xml"
FILE = "cin_census_faults.xml"


@pytest.fixture(scope="module")
def adapted():
    return adapt("cin", FAULTS)


def _issue(adapted, where: str):
    found = [i for i in adapted.issues if str(i.location) == where]
    assert found, f"no issue at {where}: {[str(i) for i in adapted.issues]}"
    return found[0]


def test_the_good_records_load_with_their_factors(adapted):
    assert sorted(adapted.people) == ["K200", "K201", "K203"]
    events = {(e["event_type"], e["occurred_at"], e["codes"]) for e in adapted.events.values()}
    assert events == {
        ("referral", "2012-05-01", "cin:N1;cin_referral_source:6"),
        ("assessment", "2012-05-03", "cin:11A;cin:10A"),
        ("section47", "2012-06-04", ""),
        ("cp_conference", "2012-06-20", ""),
        ("cp_plan_start", "2012-06-20", "cin_cp_category:SAB"),
        ("referral", "2012-09-10", "cin:N4"),
        ("assessment", "2012-09-12", "cin:24A"),
        ("referral", "2013-01-15", ""),
    }


def test_an_unknown_factor_is_left_out_with_its_line(adapted):
    issue = _issue(adapted, f"{FILE}, line 27, <AssessmentFactors>")
    assert issue.severity == "warning" and issue.value == "99Z"


def test_a_duplicate_episode(adapted):
    issue = _issue(adapted, f"{FILE}, line 40, <CINdetails>")
    assert "a second CIN episode for child 'K200' referred on 2012-05-01" in issue.message
    assert f"the first is at {FILE}, line 16" in issue.message


def test_an_element_out_of_order_is_read_with_a_warning(adapted):
    issue = _issue(adapted, f"{FILE}, line 55, <CINreferralDate>")
    assert issue.severity == "warning"
    assert "comes after <Section47> (line 52)" in issue.message


def test_a_bad_date(adapted):
    issue = _issue(adapted, f"{FILE}, line 53, <S47ActualStartDate>")
    assert issue.severity == "error" and "'2012-09-31' is not a date" in issue.message


def test_a_block_outside_its_episode_is_quarantined(adapted):
    issue = _issue(adapted, f"{FILE}, line 62, <Assessments>")
    assert "belongs inside a <CINdetails> block" in issue.message
    assert not any(e["occurred_at"] == "2012-11-01" for e in adapted.events.values())


def test_a_child_without_an_id(adapted):
    assert "the child has no ID" in _issue(adapted, f"{FILE}, line 67, <LAchildID>").message


def test_a_file_that_breaks_off_keeps_the_children_before(adapted):
    issue = _issue(adapted, f"{FILE}, line 87")
    assert "stops being well-formed XML at line 87" in issue.message
    assert "K204" not in adapted.people and "K203" in adapted.people


def test_conference_dates_repeated_in_the_census_are_one_conference(tmp_path):
    xml = tmp_path / "c.xml"
    xml.write_text(
        "<Message><Children><Child><ChildIdentifiers><LAchildID>X1</LAchildID>"
        "</ChildIdentifiers><CINdetails><CINreferralDate>2012-01-01</CINreferralDate>"
        "<DateOfInitialCPC>2012-02-01</DateOfInitialCPC><Section47><S47ActualStartDate>"
        "2012-01-10</S47ActualStartDate><DateOfInitialCPC>2012-02-01</DateOfInitialCPC>"
        "</Section47></CINdetails></Child></Children></Message>"
    )
    adapted = adapt("cin", xml)
    assert [e["event_type"] for e in adapted.events.values()].count("cp_conference") == 1
    assert not adapted.issues
