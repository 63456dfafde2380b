"""Police and health exports by mapping: the example mappings on hand-made exports."""

from __future__ import annotations

import pytest

from lantern.adapters import mapping
from lantern.adapters.registry import adapt
from lantern.errors import UserError
from support import DATASETS, EXAMPLES

POLICE = EXAMPLES / "mappings" / "police-occurrences.yaml"
FAULTS = DATASETS / "adapters" / "police-faults" / "export.csv"


def _issue(adapted, where: str):
    found = [i for i in adapted.issues if str(i.location) == where]
    assert found, f"no issue at {where}: {[str(i) for i in adapted.issues]}"
    return found[0]


def test_the_example_police_export_maps_events_people_roles_and_things():
    adapted = adapt(str(POLICE), EXAMPLES / "mappings" / "police-occurrences.csv")
    assert adapted.agency == "police"
    intelligence = adapted.events["OC/2012/0002"]
    assert intelligence["event_type"] == "intelligence"
    assert intelligence["occurred_at"] == "2012-03-20T14:00:00"
    assert intelligence["recorded_at"] == "2012-03-20T16:45:00"
    roles = {(p["event_ref"], p["person_ref"], p["role"]) for p in adapted.event_people}
    assert ("OC/2012/0002", "NOM1001", "subject") in roles
    assert ("OC/2012/0002", "NOM2040", "associate") in roles
    assert ("OC/2012/0003", "NOM2040", "suspect") in roles
    assert adapted.events["OC/2012/0003"]["codes"] == "hocr:8N"
    assert {(t["kind"], t["value"]) for t in adapted.things} == {
        ("vehicle", "AB12 CDE"), ("phone", "07700 900456"),
    }  # fmt: skip
    assert adapted.people["NOM2040"]["other_names"] == "Mo"
    assert adapted.people["NOM1001"]["date_of_birth"] == "1997-05-02"


def test_the_example_ed_export_maps_attendances():
    adapted = adapt(str(EXAMPLES / "mappings" / "ed-attendances.yaml"),
                    EXAMPLES / "mappings" / "ed-attendances.csv")  # fmt: skip
    assert adapted.agency == "health" and len(adapted.events) == 3
    assert {e["event_type"] for e in adapted.events.values()} == {"ed_attendance"}
    assert adapted.people["RTH881203"]["nhs_number"] == "943 476 5919"
    assert "Columns no field reads: Triage Category" in adapted.notes


def test_faults_in_a_police_export():
    adapted = adapt(str(POLICE), FAULTS)
    assert sorted(adapted.events) == ["OC/2013/0101", "OC/2013/0103"]
    bad = _issue(adapted, "export.csv, line 3, Occurred Date/Time")
    assert bad.severity == "error" and "'32/03/2013 21:00' is not a date and time" in bad.message
    outside = _issue(adapted, "export.csv, line 4, Occurrence Type")
    assert outside.severity == "warning" and "loaded as 'other'" in outside.message
    assert adapted.events["OC/2013/0103"]["event_type"] == "other"
    assert "no event reference" in _issue(adapted, "export.csv, line 5, Occurrence Ref").message
    assert "24 values but the header has 23" in _issue(adapted, "export.csv, line 6").message
    assert "Columns no field reads: Officer" in adapted.notes
    assert any("role, Involvement: 'Aggrieved' × 1" in n for n in adapted.notes)


def test_a_mapping_with_problems_lists_them_all(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "event:\n  ref: A\n  when: B\nperson:\n  given_name: C\n"
        "values:\n  event_type: {Crime: burglary}\nthings:\n  - {kind: boat}\n"
    )
    with pytest.raises(UserError) as error:
        mapping.load(bad)
    text = str(error.value)
    for expected in ("agency: missing", "event.when: not an event field",
                     "event.event_type: missing", "event.occurred_at: missing",
                     "person.ref: missing", "'crime' maps to 'burglary'",
                     "things[1].kind", "things[1].column"):  # fmt: skip
        assert expected in text
