"""The Ofsted Annex A adapter on a hand-made workbook with the classic faults
(tests/datasets/adapters/annex-a-faults/README.md)."""

from __future__ import annotations

import pytest

from lantern.adapters.registry import adapt
from support import DATASETS

FAULTS = DATASETS / "adapters" / "annex-a-faults" / "annex_a_faults.xlsx"
BOOK = "annex_a_faults.xlsx"


@pytest.fixture(scope="module")
def adapted():
    return adapt("annex-a", FAULTS)


def _issue(adapted, where: str):
    found = [i for i in adapted.issues if str(i.location) == where]
    assert found, f"no issue at {where}: {[str(i) for i in adapted.issues]}"
    return found[0]


def test_the_good_rows_load(adapted):
    events = sorted(
        (e["event_type"], e["occurred_at"], e["outcome"]) for e in adapted.events.values()
    )
    assert events == [
        ("contact", "2012-03-01", ""),
        ("cp_plan_start", "2012-06-20", ""),
        ("referral", "2012-03-02", ""),
        ("referral", "2012-04-02", "NFA"),
    ]
    assert adapted.people["A400"]["sex"] == "F" and adapted.people["A401"]["sex"] == "M"
    assert adapted.people["A400"]["date_of_birth"] == "2000-06-21"


def test_each_fault_is_reported_with_sheet_row_and_column(adapted):
    sheet = f"{BOOK}, sheet 'List 1 - Contacts'"
    assert (
        "'31/02/2013' is not a date" in _issue(adapted, f"{sheet}, row 3, Date of Contact").message
    )
    assert f"the first is at {sheet}, row 2" in _issue(adapted, f"{sheet}, row 4").message
    assert "values beyond the last heading" in _issue(adapted, f"{sheet}, row 5").message
    renamed = _issue(adapted, f"{BOOK}, sheet 'Referrals'")
    assert renamed.severity == "warning" and "read as list 3 (referrals)" in renamed.message
    unknown = _issue(adapted, f"{BOOK}, sheet 'List 7 - Child Protection', row 2, "
                     "Latest Category of Abuse")  # fmt: skip
    assert unknown.value == "XYZ" and unknown.severity == "warning"
    assert (
        "not one of the Annex A lists"
        in _issue(adapted, f"{BOOK}, sheet 'Notes for inspectors'").message
    )


def test_a_file_that_is_not_a_workbook(tmp_path):
    fake = tmp_path / "annex.xlsx"
    fake.write_text("not a workbook")
    adapted = adapt("annex-a", fake)
    assert "cannot be opened as an Excel workbook" in str(adapted.issues[0])
