"""A record of the same enquiry by another agency takes the attribution of the record that
names who harmed the child (issue 16, ninth session).

On the make_county tuning county (seed 1) two of six false rows were children whose police
report attributes the abuse to the family (shown as child sexual abuse) while the health
safeguarding referral (ICD-10 T74.2) and the section 47 record (CIN 19C) of the same days,
which carry only a code and no one on them, put the child at the law's floor as CSE.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from indicators_support import Store, hits
from lantern.indicators.stage import run
from lantern.store.connection import connect

REPORT = datetime(2023, 7, 3, 10)
CSA = "child_sexual_abuse"
CSE = "sexual_exploitation"

# case: (health record occurred, recorded, adult suspect on the health record)
CASES = {
    "days_after": (datetime(2023, 7, 4, 9), datetime(2023, 7, 6, 9), False),
    "recorded_before_the_report": (datetime(2023, 7, 1, 9), datetime(2023, 7, 2, 9), False),
    "months_later": (datetime(2023, 10, 20, 9), datetime(2023, 10, 21, 9), False),
    "its_own_suspect": (datetime(2023, 7, 4, 9), datetime(2023, 7, 6, 9), True),
}


@pytest.fixture(scope="module")
def found() -> dict[str, dict[str, dict]]:
    store = Store()
    for case, (occurred, recorded, suspect) in CASES.items():
        police = store.person(f"{case}-p", dob=date(2011, 6, 23), person_id=case)
        health = store.person(f"{case}-h", agency="health", dob=date(2011, 6, 23), person_id=case)
        store.event("sexual_offence_report", REPORT, subject=police, codes="hocr:20B",
                    narrative="She disclosed that she was touched by a family member.")  # fmt: skip
        others = {}
        if suspect:
            others[store.person(f"{case}-m", dob=date(1980, 1, 1), sex="M")] = "suspect"
        store.event("safeguarding_referral", occurred, recorded_at=recorded, subject=health,
                    codes="icd10:T74.2", others=others)  # fmt: skip
    con = connect(":memory:")
    store.write(con)
    run(con)
    by_case: dict[str, dict[str, dict]] = {}
    for hit in hits(con):
        if hit["agency"] == "health":
            case = hit["record_id"].split(":", 1)[1].rsplit("-", 1)[0]
            by_case.setdefault(case, {})[hit["indicator"]] = hit
    con.close()
    return by_case


def test_the_coded_record_of_the_same_enquiry_takes_the_reports_attribution(found):
    mine = found["days_after"]
    for indicator in ("sexual_abuse_code", "legal_under13_sexual_activity"):
        assert mine[indicator]["concern"] == CSA
        assert mine[indicator]["relation"] == "family"
    assert (
        "the same enquiry as the police record of 2023-07-03"
        in (mine["sexual_abuse_code"]["evidence"])
    )


@pytest.mark.parametrize("case", ["recorded_before_the_report", "months_later", "its_own_suspect"])
def test_not_before_the_report_nor_months_apart_nor_with_its_own_suspect(found, case):
    mine = found[case]
    assert mine["sexual_abuse_code"]["concern"] == CSE
    assert mine["legal_under13_sexual_activity"]["concern"] == CSE
