"""Rules that keep ordinary care out of the signs: family in a missing episode, the school
taxi, and criminal exploitation named as what it is (the false positives of issue #6)."""

from __future__ import annotations

from datetime import date, datetime

from indicators_support import Store, hits
from lantern.indicators.catalogue import default_catalogue
from lantern.indicators.stage import run
from lantern.indicators.text.analyse import shared_analyser
from lantern.store.connection import connect

CHILD_DOB = date(1998, 5, 1)


def run_store(store: Store):
    con = connect(":memory:")
    store.write(con)
    run(con)
    return con


def test_missing_to_a_parent_already_on_the_childs_records_is_not_found_with_an_adult():
    store = Store()
    child = store.person("C1", agency="social_care", dob=CHILD_DOB)
    dad = store.person("D1", agency="social_care", dob=date(1966, 1, 15), sex="M")
    stranger = store.person("S1", agency="social_care", dob=date(1980, 1, 1), sex="M")
    store.event("care_episode_start", "2012-01-10T10:00", subject=child, others={dad: "parent"})
    # the old false positive: "went to see his dad", the father recorded as an associate
    store.event(
        "away_from_placement", "2012-03-01T20:00", subject=child, others={dad: "associate"},
        narrative="Away from placement without authorisation, went to see his dad.",
    )  # fmt: skip
    # the true sign: an adult nobody knows, in the same kind of record
    store.event(
        "missing_from_care", "2012-04-01T20:00", subject=child, others={stranger: "associate"}
    )
    con = run_store(store)
    (found,) = hits(con, "found_with_adult")
    assert found["related_record_id"] == "social_care:S1"
    assert len(hits(con, "away_from_placement")) == 1  # still a missing episode


def test_a_parent_recorded_only_later_does_not_remove_an_earlier_sign():
    # What was known on the day: the adult was first recorded as a parent afterwards.
    store = Store()
    child = store.person("C1", agency="social_care", dob=CHILD_DOB)
    adult = store.person("A1", agency="social_care", dob=date(1970, 1, 1), sex="M")
    store.event("missing_from_care", "2012-03-01T20:00", subject=child, others={adult: "associate"})
    store.event("assessment", "2012-06-01T10:00", subject=child, others={adult: "parent"})
    con = run_store(store)
    assert [h["related_record_id"] for h in hits(con, "found_with_adult")] == ["social_care:A1"]


def _parent_known_through_a_later_link(*, linked: str, truncate_at: str | None = None):
    """A parent named by social care; the same man on a police found report, his two
    records linked only through a third record (recorded on `linked`)."""
    store = Store()
    child_sc = store.person("C1", agency="social_care", dob=CHILD_DOB, person_id="PCHILD")
    child_pol = store.person("C1", agency="police", dob=CHILD_DOB, person_id="PCHILD")
    dad = "PDAD" if truncate_at is None else None
    dad_sc = store.person("D1", agency="social_care", dob=date(1966, 1, 15), person_id=dad)
    dad_pol = store.person("D1", agency="police", birth_year=1966, person_id=dad)
    store.event(
        "care_episode_start", "2012-01-10T10:00", subject=child_sc, others={dad_sc: "parent"}
    )
    store.event(
        "found_report", "2012-03-01T20:00", subject=child_pol, others={dad_pol: "associate"}
    )
    links = [(child_pol, child_sc, "2012-03-01T20:00")]
    if truncate_at is None:
        dad_health = store.person("D1", agency="health", dob=date(1966, 1, 15), person_id=dad)
        store.event("gp_visit", linked, subject=dad_health)
        links += [(dad_health, dad_pol, linked), (dad_health, dad_sc, linked)]
    con = connect(":memory:")
    store.write(con)
    con.execute(
        "CREATE TABLE record_links (record_id_l VARCHAR, record_id_r VARCHAR, available_at TIMESTAMP)"
    )
    con.executemany("INSERT INTO record_links VALUES (?, ?, ?)", links)
    run(con)
    return con


def test_family_known_only_through_a_later_link_does_not_remove_an_earlier_sign():
    # The police record of the man is tied to the social care record naming him as the
    # child's father only through a health record of August 2012: on 1 March the report
    # showed the child with an adult nobody had linked to her family.
    full = _parent_known_through_a_later_link(linked="2012-08-01T09:00")
    truncated = _parent_known_through_a_later_link(
        linked="2012-08-01T09:00", truncate_at="2012-06-01"
    )
    by_june = [
        (h["event_id"], h["related_record_id"])
        for h in hits(full, "found_with_adult")
        if h["recorded_at"] < datetime(2012, 6, 2)
    ]
    assert by_june == [("police:E2", "police:D1")]
    assert by_june == [
        (h["event_id"], h["related_record_id"]) for h in hits(truncated, "found_with_adult")
    ]


def test_family_linked_before_the_report_is_family():
    con = _parent_known_through_a_later_link(linked="2012-02-01T09:00")
    assert hits(con, "found_with_adult") == []


def test_missing_to_the_childs_own_home_postcode_is_missing_to_family():
    store = Store()
    child = store.person("C1", agency="social_care", dob=CHILD_DOB, postcode="OX28 1QN")
    nan = store.person("N1", agency="social_care", dob=date(1950, 1, 1), postcode="ox281qn")
    other = store.person("O1", agency="social_care", dob=date(1985, 1, 1), postcode="OX4 6AA")
    store.event("missing_from_care", "2012-03-01T20:00", subject=child, others={nan: "associate"})
    store.event("missing_from_care", "2012-05-01T20:00", subject=child, others={other: "associate"})
    # outside a missing episode a shared postcode proves nothing: the sign stays
    store.event("incident", "2012-06-01T23:00", subject=child, others={nan: "other"})
    con = run_store(store)
    found = sorted((h["related_record_id"], h["event_id"]) for h in hits(con, "found_with_adult"))
    assert [r for r, _ in found] == ["social_care:N1", "social_care:O1"]
    assert ("social_care:N1", "social_care:E3") in found


def test_a_later_extract_that_moves_the_child_changes_no_earlier_missing_episode():
    # June 2012's extract has the child at her nan's postcode; June 2013's at a new
    # address. The 2012 episode at her nan's stays missing to family; one in 2013 is not.
    store = Store()
    child = store.person("C1", agency="social_care", dob=CHILD_DOB, postcode="OX4 6AA")
    nan = store.person("N1", agency="social_care", dob=date(1950, 1, 1), postcode="OX28 1QN")
    store.event("missing_from_care", "2012-03-01T20:00", subject=child, others={nan: "associate"})
    store.event("missing_from_care", "2013-09-01T20:00", subject=child, others={nan: "associate"})
    con = connect(":memory:")
    store.write(con)
    con.execute(
        "CREATE TABLE loads AS SELECT * FROM (VALUES ('L1', TIMESTAMP '2012-06-30 23:00', "
        "TIMESTAMP '2012-07-01 09:00'), ('L2', TIMESTAMP '2013-06-30 23:00', "
        "TIMESTAMP '2013-07-01 09:00')) AS t(load_id, extracted_at, started_at)"
    )
    con.execute(
        "CREATE TABLE people_history AS SELECT * FROM (VALUES "
        "('social_care:C1', 'ox28 1qn', 'L1', TIMESTAMP '2012-07-01 09:00', 'L2'), "
        "('social_care:C1', 'OX4 6AA', 'L2', TIMESTAMP '2013-07-01 09:00', NULL), "
        "('social_care:N1', 'OX28 1QN', 'L1', TIMESTAMP '2012-07-01 09:00', NULL)) "
        "AS t(record_id, postcode, load_id, loaded_at, superseded_by)"
    )
    run(con)
    assert [h["occurred_at"].year for h in hits(con, "found_with_adult")] == [2013]


def test_the_school_taxi_in_a_note_is_not_a_vehicle_sign_but_a_stop_is():
    store = Store()
    child = store.person("C1", agency="education", dob=CHILD_DOB)
    police = store.person("C1", agency="police", dob=CHILD_DOB)
    store.event(
        "note", "2012-03-01T08:00", subject=child,
        narrative="Escort and taxi (SE24 YLG) in place for school run.",
        things=[("vehicle", "SE24 YLG", "seen_with_subject")],
    )  # fmt: skip
    store.event(
        "vehicle_stop", "2012-04-01T23:00", subject=police,
        things=[("vehicle", "AB12 CDE", "seen_with_subject")],
    )  # fmt: skip
    store.event(  # a suspect's car counts wherever it is recorded
        "note",
        "2012-05-01T12:00",
        subject=child,
        things=[("vehicle", "XY99 ZZZ", "used_by_suspect")],
    )
    con = run_store(store)
    evidence = sorted(h["evidence"] for h in hits(con, "vehicle_sighting"))
    assert len(evidence) == 2
    assert "AB12 CDE" in evidence[0] and "XY99 ZZZ" in evidence[1]


def _indicators(text: str) -> list[tuple[str, bool]]:
    analysis = shared_analyser().analyse([text])
    return [(h.indicator, h.negated) for h in next(iter(analysis)).hits]


def test_criminal_exploitation_named_is_not_a_cse_concern():
    found = _indicators("Referral: concerns of criminal exploitation (county lines).")
    assert ("criminal_exploitation_named", False) in found
    assert all(indicator != "cse_concern_named" for indicator, _ in found)
    assert ("criminal_exploitation_named", False) in _indicators(
        "Intel that he is holding drugs for older males."
    )


def test_a_cse_concern_is_still_named():
    assert ("cse_concern_named", False) in _indicators(
        "Concerns of sexual exploitation raised by school."
    )
    assert ("cse_concern_named", False) in _indicators("Worried about exploitation by older men.")
    # both named: the sexual exploitation concern is not lost
    assert ("cse_concern_named", False) in _indicators(
        "Concerns of criminal and sexual exploitation."
    )


def test_criminal_exploitation_indicators_carry_their_concern():
    by_id = default_catalogue().by_id()
    assert by_id["criminal_exploitation_named"].concern == "criminal_exploitation"
    assert by_id["criminal_exploitation_code"].concern == "criminal_exploitation"
    assert by_id["cse_concern_named"].concern == "sexual_exploitation"
    assert by_id["criminal_exploitation_named"].category == "older_associate"  # one of the twelve


def test_a_peer_aged_partner_of_a_17_year_old_is_not_an_older_associate():
    store = Store()
    child = store.person("C1", dob=date(1995, 6, 1))  # 17 in 2012
    partner = store.person("B1", dob=date(1993, 1, 1), sex="M")  # 19
    older = store.person("B2", dob=date(1985, 1, 1), sex="M")  # 27
    store.event("incident", "2012-09-01T23:00", subject=child, others={partner: "associate"})
    store.event("incident", "2012-10-01T23:00", subject=child, others={older: "associate"})
    young = store.person("C2", dob=date(1997, 6, 1))  # 15 in 2012: any adult counts
    store.event("incident", "2012-11-01T23:00", subject=young, others={partner: "associate"})
    con = run_store(store)
    found = sorted((h["record_id"], h["related_record_id"]) for h in hits(con, "found_with_adult"))
    assert found == [("police:C1", "police:B2"), ("police:C2", "police:B1")]
