"""A vehicle that carries many children is a service; an adult who shares the child's family
name is family. Neither is a sign, each judged on the records as they stood."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from indicators_support import Store, hits
from lantern.indicators.stage import run
from lantern.store.connection import connect

DAY = datetime(2014, 3, 3, 15)


def _with_things(store: Store, mentions: list[tuple[str, str, str]]):  # type: ignore[no-untyped-def]
    con = connect(":memory:")
    store.write(con)
    con.execute(
        "CREATE TABLE thing_mentions (thing_id VARCHAR, event_id VARCHAR, record_id VARCHAR, "
        "agency VARCHAR, source VARCHAR, role VARCHAR, description VARCHAR, "
        "occurred_at TIMESTAMP, recorded_at TIMESTAMP)"
    )
    for thing_id, event_id, role in mentions:
        con.execute(
            "INSERT INTO thing_mentions (thing_id, event_id, agency, source, role) "
            "VALUES (?, ?, 'education', 'event_things', ?)",
            [thing_id, event_id, role],
        )
    run(con)
    return con


def test_the_school_taxi_stops_being_a_sign_once_it_has_carried_six_children():
    store = Store()
    mentions = []
    for i in range(8):
        child = store.person(f"C{i}", agency="education", dob=date(2000, 1, 1))
        event = store.event(
            "school_concern", DAY + timedelta(days=i), subject=child,
            narrative="Collected at lunchtime for a contact session.",
            things=[("vehicle", "SN14 SSX" if i % 2 else "sn14ssx", "other")],
        )  # fmt: skip
        mentions.append(("vehicle:SN14SSX", event, "other"))
    # a car seen twice with one child on missing episodes, and once with another
    for i, child in enumerate(("education:C0", "education:C0", "education:C1")):
        event = store.event(
            "missing_report", DAY + timedelta(days=20 + i), subject=child, agency="police",
            things=[("vehicle", "AB12 CDE", "seen_with_subject")],
        )  # fmt: skip
        mentions.append(("vehicle:AB12CDE", event, "seen_with_subject"))
    con = _with_things(store, mentions)
    found = hits(con, "vehicle_sighting")
    taxi = sorted(h["record_id"] for h in found if "SSX" in h["evidence"].upper())
    # the first five children were all the taxi had carried by their record: still a sign;
    # from the sixth child on it is a service
    assert taxi == [f"education:C{i}" for i in range(5)]
    assert sum(1 for h in found if "AB12 CDE" in h["evidence"]) == 3


def test_a_taxi_named_as_used_by_a_suspect_is_still_a_sign():
    store = Store()
    mentions = []
    for i in range(7):
        child = store.person(f"C{i}", agency="education", dob=date(2000, 1, 1))
        role = "used_by_suspect" if i == 6 else "other"
        event = store.event("school_concern", DAY + timedelta(days=i), subject=child,
                            things=[("vehicle", "SN14 SSX", role)])  # fmt: skip
        mentions.append(("vehicle:SN14SSX", event, role))
    con = _with_things(store, mentions)
    assert "education:C6" in {h["record_id"] for h in hits(con, "vehicle_sighting")}


def _found_with(family_name: str) -> list[dict]:
    store = Store()
    child = store.person("C1", dob=date(2002, 5, 5))
    nan = store.person("A1", dob=date(1966, 5, 5))
    store.event("found_report", DAY, subject=child, others={nan: "other"},
                narrative="Located safe and well.")  # fmt: skip
    con = connect(":memory:")
    store.write(con)
    con.execute("ALTER TABLE person_records ADD COLUMN family_name_norm VARCHAR")
    con.execute("UPDATE person_records SET family_name_norm = 'webster' WHERE record_id = ?",
                [child])  # fmt: skip
    con.execute("UPDATE person_records SET family_name_norm = ? WHERE record_id = ?",
                [family_name, nan])  # fmt: skip
    run(con)
    return hits(con, "found_with_adult")


def test_a_missing_child_found_with_an_adult_of_her_family_name_is_with_family():
    assert _found_with("webster") == []
    assert len(_found_with("khan")) == 1


def _offence_with_suspect(
    suspect_name: str, codes: str | None = None, suspect_postcode: str | None = None
) -> dict[str, str]:
    store = Store()
    child = store.person("C1", dob=date(2008, 5, 5), postcode="MR5 1AB")
    suspect = store.person("S1", dob=date(1975, 5, 5), sex="M", postcode=suspect_postcode)
    store.event("sexual_offence_report", DAY, subject=child, others={suspect: "suspect"},
                codes=codes, narrative="Report of sexual assault.")  # fmt: skip
    con = connect(":memory:")
    store.write(con)
    con.execute("ALTER TABLE person_records ADD COLUMN family_name_norm VARCHAR")
    con.execute("UPDATE person_records SET family_name_norm = 'webster' WHERE record_id = ?",
                [child])  # fmt: skip
    con.execute("UPDATE person_records SET family_name_norm = ? WHERE record_id = ?",
                [suspect_name, suspect])  # fmt: skip
    run(con)
    return {h["indicator"]: h["concern"] for h in hits(con) if h["record_id"] == child}


def test_a_sexual_offence_whose_suspect_is_the_childs_family_is_child_sexual_abuse():
    family = _offence_with_suspect("webster")
    assert family["sexual_offence_reported"] == "child_sexual_abuse"
    assert family["legal_under13_sexual_activity"] == "child_sexual_abuse"  # still found
    stranger = _offence_with_suspect("khan")
    assert stranger["sexual_offence_reported"] == "sexual_exploitation"
    # a CSE code on the record keeps it CSE whoever the suspect is
    coded = _offence_with_suspect("webster", codes="hocr:71")
    assert coded["sexual_offence_reported"] == "sexual_exploitation"


def test_a_suspect_at_the_childs_own_home_is_family_whatever_the_spelling_of_his_name():
    # "Darren KAR" on the police record, the child "Kaur": the same flat on the day
    home = _offence_with_suspect("kar", suspect_postcode="MR5 1AB")
    assert home["sexual_offence_reported"] == "child_sexual_abuse"
    elsewhere = _offence_with_suspect("kar", suspect_postcode="MR9 9ZZ")
    assert elsewhere["sexual_offence_reported"] == "sexual_exploitation"
