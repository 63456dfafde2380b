"""The law on age from a note's words, end to end through `lantern assess` (issue 15).

A record that shows a child under 16 pregnant and names an adult as the father is an adult
with a child under 16, whatever the note says about consent: the legal rule fires and its
floor (medium) holds, so the child can never end at band none.
"""

from __future__ import annotations

import csv

from lantern.cli import main
from lantern.store.connection import connect

PEOPLE = ["agency", "person_ref", "given_name", "family_name", "other_names", "date_of_birth",
          "birth_year", "sex", "nhs_number", "upn", "postcode", "address", "phone", "email",
          "ethnicity"]  # fmt: skip
EVENTS = ["agency", "event_ref", "event_type", "occurred_at", "recorded_at", "ended_at",
          "postcode", "place_name", "latitude", "longitude", "narrative", "outcome", "codes"]  # fmt: skip


def _write(path, header, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _dataset(directory, narrative):
    _write(directory / "people.csv", PEOPLE, [
        ["health", "H1", "Amy", "Testcase", "", "2010-03-01", "", "F", "", "", "TT1 1AA", "", "", "", ""],
        ["health", "H2", "Ben", "Other", "", "2009-06-01", "", "M", "", "", "TT1 2AA", "", "", "", ""],
    ])  # fmt: skip
    _write(directory / "events" / "health.csv", EVENTS, [
        ["health", "E1", "gp_consultation", "2024-05-02T10:00:00", "2024-05-02T12:00:00", "",
         "TT1 1AA", "", "", "", narrative, "", ""],
        ["health", "E2", "gp_consultation", "2024-05-03T10:00:00", "2024-05-03T12:00:00", "",
         "TT1 2AA", "", "", "", "Asthma review. Inhaler technique good.", "", ""],
    ])  # fmt: skip
    _write(
        directory / "event_people.csv",
        ["agency", "event_ref", "person_ref", "role"],
        [["health", "E1", "H1", "subject"], ["health", "E2", "H2", "subject"]],
    )
    _write(
        directory / "event_things.csv",
        ["agency", "event_ref", "kind", "value", "role", "description"],
        [],
    )
    (directory / "manifest.yaml").write_text(
        "lantern_interchange: 1\nname: law-on-age\nextracted_at: 2024-06-01T00:00:00+00:00\n",
        encoding="utf-8",
    )


def _band_of(out, record):
    with (out / "persons.csv").open(newline="", encoding="utf-8") as handle:
        person = next(r["person_id"] for r in csv.DictReader(handle) if record in r["records"])
    with (out / "children.csv").open(newline="", encoding="utf-8") as handle:
        return next(r for r in csv.DictReader(handle) if r["person_id"] == person)


def test_pregnant_at_14_by_an_adult_is_flagged_at_medium_or_above(tmp_path):
    _dataset(
        tmp_path / "data", "Pregnant at 14, says her boyfriend (24) is the father, consensual."
    )
    store = tmp_path / "store.duckdb"
    assert main(["assess", str(tmp_path / "data"), "--out", str(tmp_path / "out"),
                 "--store", str(store)]) == 0  # fmt: skip
    child = _band_of(tmp_path / "out", "health:H1")
    assert child["band"] in ("medium", "high"), child
    con = connect(store, read_only=True)
    fired = con.execute(
        "SELECT legal_floor FROM indicator_hits WHERE indicator = 'legal_adult_with_child_under16'"
        " AND event_id = 'health:E1'"
    ).fetchall()
    con.close()
    assert fired == [("medium",)]
    ordinary = _band_of(tmp_path / "out", "health:H2")
    assert ordinary["band"] == "none"


def test_an_adult_father_named_by_decade_is_the_same_offence(tmp_path):
    _dataset(tmp_path / "data", "14F, UPT positive. Says the father is a man in his thirties.")
    assert main(["assess", str(tmp_path / "data"), "--out", str(tmp_path / "out")]) == 0
    assert _band_of(tmp_path / "out", "health:H1")["band"] in ("medium", "high")
