"""Kinship carried into `indicator_hits.relation` (issue 16): a hit whose words name the adult
as the child's family, or on a record that attributes its sexual harm to the family, says so;
an adult outside the family, or someone else's relation, leaves it empty."""

from __future__ import annotations

from datetime import date

import pytest

from indicators_support import Store, hits
from lantern.indicators.stage import run
from lantern.store.connection import connect

# case: (event type, age, narrative)
CASES = {
    "uncle_car": ("welfare_check", 14,
                  "Collected from school by her uncle Dean (32) in his car."),
    "uncle_friend": ("welfare_check", 14,
                     "Seen with her uncle's friend (40) at the flat."),
    "older_males": ("welfare_check", 14, "Seen with older males in a silver car near the park."),
    "stepfather_abuse": ("sexual_offence_report", 11,
                         "Disclosure at school that she was touched by her stepfather."),
    "cousin_report": ("sexual_offence_report", 12,
                      "Sexual assault of Zan (12) by cousin Lee Hamilton at 55 Northgate."),
    "men_abuse": ("sexual_offence_report", 12,
                  "She disclosed she was given drink and made to have sex with men at a flat."),
}  # fmt: skip


@pytest.fixture(scope="module")
def found() -> dict[str, dict[str, dict]]:
    store = Store()
    for case, (event_type, age, narrative) in CASES.items():
        child = store.person(case, dob=date(2014 - age, 1, 2))
        codes = "hocr:20B" if case == "cousin_report" else None
        store.event(event_type, "2014-06-10T12:00", subject=child, narrative=narrative, codes=codes)
    con = connect(":memory:")
    store.write(con)
    run(con)
    by_case: dict[str, dict[str, dict]] = {}
    for hit in hits(con):
        by_case.setdefault(hit["record_id"].split(":", 1)[1], {})[hit["indicator"]] = hit
    con.close()
    return by_case


def test_an_adult_the_words_name_as_kin_is_family_on_the_hit(found) -> None:
    assert found["uncle_car"]["older_associates"]["relation"] == "family"


@pytest.mark.parametrize("case", ["uncle_friend", "older_males"])
def test_someone_elses_relation_or_a_stranger_carries_no_relation(found, case) -> None:
    assert found[case]["older_associates"]["relation"] is None


def test_harm_the_record_attributes_to_the_family_is_family_on_every_reattributed_hit(found):
    mine = found["stepfather_abuse"]
    assert mine["sexual_abuse_intrafamilial"]["relation"] == "family"
    assert mine["sexual_offence_reported"]["relation"] == "family"
    assert mine["legal_under13_sexual_activity"]["relation"] == "family"
    assert mine["legal_under13_sexual_activity"]["concern"] == "child_sexual_abuse"


def test_harm_by_men_outside_the_family_carries_no_relation(found) -> None:
    mine = found["men_abuse"]
    assert mine["sexual_offence_reported"]["relation"] is None
    assert mine["legal_under13_sexual_activity"]["relation"] is None


def test_a_disclosure_whose_words_name_the_abuser_as_kin_attributes_the_record(found) -> None:
    # the text layer's kinship on the disclosure ("by cousin Lee Hamilton") attributes the
    # whole record to the family: the crime code and the law on age too, not scored as CSE
    mine = found["cousin_report"]
    for indicator in ("sexual_offence_reported", "legal_under13_sexual_activity"):
        assert mine[indicator]["relation"] == "family", indicator
        assert mine[indicator]["concern"] == "child_sexual_abuse", indicator
