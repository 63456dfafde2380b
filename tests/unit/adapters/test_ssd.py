"""The Standard Safeguarding Dataset adapter on hand-made tables with the classic faults
(tests/datasets/adapters/ssd-faults/README.md)."""

from __future__ import annotations

import pytest

from lantern.adapters.registry import adapt
from lantern.adapters.ssd import _factor_list
from support import DATASETS

FAULTS = DATASETS / "adapters" / "ssd-faults"


@pytest.fixture(scope="module")
def adapted():
    return adapt("ssd", FAULTS)


def _issue(adapted, where: str):
    found = [i for i in adapted.issues if str(i.location) == where]
    assert found, f"no issue at {where}: {[str(i) for i in adapted.issues]}"
    return found


def test_the_good_rows_load_with_the_tables_own_ids(adapted):
    assert sorted(adapted.events) == ["cina:A1", "cine:R1", "cine:R2", "cont:CT1", "miss:M1"]
    assert adapted.events["cina:A1"]["codes"] == "cin:11A;cin:10A"
    assert adapted.events["miss:M1"]["codes"] == "ssd_rhi_offered:Y;ssd_rhi_accepted:N"
    assert adapted.events["miss:M1"]["occurred_at"] == "2012-03-10T22:00:00"
    assert adapted.events["cine:R2"]["outcome"] == "NFA"
    person = adapted.people["P300"]
    assert (person["nhs_number"], person["upn"], person["sex"]) == (
        "943 476 5919", "A931200010126", "F",
    )  # fmt: skip


def test_each_fault_is_reported_where_it_is(adapted):
    assert _issue(adapted, "ssd_contacts.csv, line 3, cont_contact_date")[0].severity == "error"
    assert (
        "'P999' is not in ssd_person"
        in _issue(adapted, "ssd_contacts.csv, line 4, cont_person_id")[0].message
    )
    assert (
        "a second row with cont_contact_id 'CT1'"
        in _issue(adapted, "ssd_contacts.csv, line 5")[0].message
    )
    assert "7 values but the header has 6" in _issue(adapted, "ssd_contacts.csv, line 6")[0].message
    assert _issue(adapted, "person_extract_2013.csv, line 4, pers_dob")[0].severity == "warning"
    assert (
        _issue(adapted, "ssd_cin_episodes.csv, line 3, cine_cin_primary_need_code")[0].value
        == "N77"
    )
    assert (
        _issue(adapted, "ssd_assessment_factors.csv, line 2, cinf_assessment_factors_json")[0].value
        == "ZZ9"
    )
    only = _issue(adapted, "ssd_missing.csv, line 3, miss_missing_episode_type")
    assert len(only) == 1 and "missing or away" in only[0].message


@pytest.mark.parametrize(
    ("text", "factors"),
    [
        ('["11A", "3A"]', ["11A", "3A"]),
        ('{"11A": "Y", "3A": "N", "10A": 1}', ["11A", "10A"]),
        ("11A, 3A", ["11A", "3A"]),
        ("11A;3A", ["11A", "3A"]),
        ("", []),
    ],
)
def test_factors_are_read_in_each_form_the_ssd_writes(text, factors):
    assert _factor_list(text) == factors
