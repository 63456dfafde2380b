"""Structured and coded rules over events and their people, on hand-built contract tables."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from indicators_support import Store, hits
from lantern.errors import StoreError
from lantern.indicators.stage import run
from lantern.store.connection import connect

CHILD_DOB = date(2000, 5, 1)


def run_store(store: Store, **options):
    con = connect(":memory:")
    store.write(con)
    summary = run(con, **options)
    return con, summary


def test_hits_carry_the_contract_columns():
    store = Store()
    child = store.person("C1", dob=CHILD_DOB)
    store.event("missing_report", "2013-01-01T21:00", subject=child, recorded_at="2013-01-02T09:00")
    con, _ = run_store(store)
    columns = [r[0] for r in con.execute("DESCRIBE indicator_hits").fetchall()]
    for name in (
        "hit_id", "indicator", "category", "weight", "agency", "event_id", "record_id",
        "occurred_at", "recorded_at", "source", "evidence", "span_start", "span_end",
        "span_text", "legal_floor",
    ):  # fmt: skip
        assert name in columns
    (hit,) = hits(con, "missing_episode")
    assert hit["agency"] == "police" and hit["record_id"] == "police:C1"
    assert hit["recorded_at"] == datetime(2013, 1, 2, 9, 0)
    assert hit["category"] == "missing" and hit["weight"] == 1
    assert "missing report" in hit["evidence"]


def test_repeat_missing_counts_across_agencies_once_linked():
    store = Store()
    police = store.person("C1", dob=CHILD_DOB, person_id="P0000000001")
    care = store.person("S1", agency="social_care", dob=CHILD_DOB, person_id="P0000000001")
    store.event("missing_report", "2013-01-01T21:00", subject=police)
    store.event("missing_from_care", "2013-02-01T21:00", subject=care, recorded_at="2013-02-20")
    store.event("missing_report", "2013-03-01T21:00", subject=police)
    # The same episode recorded by care an hour later is not a fourth episode.
    store.event("missing_from_care", "2013-03-01T22:00", subject=care)
    con, _ = run_store(store)
    (repeat,) = hits(con, "missing_repeat")
    assert repeat["occurred_at"] == datetime(2013, 3, 1, 21, 0)
    assert repeat["recorded_at"] == datetime(2013, 3, 1, 21, 0)
    assert "number 3" in repeat["evidence"] and "social_care" in repeat["evidence"]


def test_repeat_missing_is_dated_when_the_last_counted_episode_was_recorded():
    store = Store()
    child = store.person("C1", dob=CHILD_DOB)
    store.event("missing_report", "2013-01-01T21:00", subject=child)
    store.event("missing_report", "2013-01-10T21:00", subject=child, recorded_at="2013-04-01")
    store.event("missing_report", "2013-01-20T21:00", subject=child)
    con, _ = run_store(store)
    (repeat,) = hits(con, "missing_repeat")
    assert repeat["recorded_at"] == datetime(2013, 4, 1)


def test_no_repeat_when_episodes_are_spread_out():
    store = Store()
    child = store.person("C1", dob=CHILD_DOB)
    for day in ("2013-01-01", "2013-05-01", "2013-09-01"):
        store.event("missing_report", f"{day}T21:00", subject=child)
    con, _ = run_store(store)
    assert hits(con, "missing_repeat") == []


def test_escalating_frequency_and_duration():
    store = Store()
    child = store.person("C1", dob=CHILD_DOB)
    store.event("missing_report", "2013-01-05T21:00", subject=child, ended_at="2013-01-05T23:00")
    for day in ("2013-04-20", "2013-05-01", "2013-05-10"):
        store.event("missing_report", f"{day}T21:00", subject=child, ended_at=f"{day}T23:00")
    store.event("missing_report", "2013-05-20T21:00", subject=child, ended_at="2013-05-23T09:00")
    con, _ = run_store(store)
    escalating = hits(con, "missing_escalating")
    assert escalating, "four episodes in 90 days after one in the 90 before is escalation"
    longest = [h for h in escalating if h["occurred_at"] == datetime(2013, 5, 20, 21, 0)]
    assert longest and "lasted 60 hours" in longest[0]["evidence"]


def test_return_interview_missed_and_refused():
    store = Store()
    child = store.person("C1", dob=CHILD_DOB)
    care = store.person("S1", agency="social_care", dob=CHILD_DOB)
    store.persons[child] = store.persons[care] = "P00000000AA"
    store.event("missing_report", "2013-01-01T21:00", subject=child, ended_at="2013-01-02T08:00")
    store.event("missing_report", "2013-02-01T21:00", subject=child)
    store.event("found_report", "2013-02-02T10:00", subject=child)
    store.event("return_home_interview", "2013-02-03T10:00", subject=care, outcome="Declined by YP")
    store.event("note", "2013-03-01T10:00", subject=child)  # moves the data horizon on
    con, _ = run_store(store)
    missed = hits(con, "return_interview_missed")
    assert [h["occurred_at"] for h in missed] == [datetime(2013, 1, 2, 8, 0)]
    assert missed[0]["recorded_at"] == datetime(2013, 1, 5, 8, 0)
    (refused,) = hits(con, "return_interview_refused")
    assert refused["agency"] == "social_care" and "Declined" in refused["evidence"]


def test_return_interview_not_yet_missed_before_72_hours_have_passed():
    store = Store()
    child = store.person("C1", dob=CHILD_DOB)
    store.event("missing_report", "2013-01-01T21:00", subject=child, ended_at="2013-01-02T08:00")
    con, _ = run_store(store)
    assert hits(con, "return_interview_missed") == []
    con, _ = run_store(store, as_of=date(2013, 1, 10))
    assert len(hits(con, "return_interview_missed")) == 1


def test_found_with_adult_uses_age_at_the_event():
    store = Store()
    child = store.person("C1", dob=CHILD_DOB)
    adult = store.person("A1", dob=date(1990, 1, 1), sex="M")
    youth = store.person("A2", dob=date(1996, 1, 1), sex="M")  # 17 at the event
    parent = store.person("M1", dob=date(1970, 1, 1))
    store.event(
        "found_report", "2013-06-01T02:00", subject=child,
        others={adult: "associate", youth: "associate", parent: "parent"},
    )  # fmt: skip
    store.event("crime_report", "2013-07-01T02:00", subject=child, others={adult: "suspect"})
    con, _ = run_store(store)
    (found,) = hits(con, "found_with_adult")
    assert found["related_record_id"] == "police:A1"
    assert "aged 23" in found["evidence"]
    (suspect,) = hits(con, "adult_suspect_linked")
    assert suspect["event_id"].startswith("police:")


def test_vehicle_phone_and_intelligence():
    store = Store()
    child = store.person("C1", dob=CHILD_DOB)
    store.event(
        "vehicle_stop", "2013-06-01T23:00", subject=child,
        things=[("vehicle", "AB12 CDE", "seen_with_subject"), ("phone", "07700 900123", "used_by_suspect")],
    )  # fmt: skip
    store.event("intelligence", "2013-06-05T12:00", others={child: "associate"})
    con, _ = run_store(store)
    (vehicle,) = hits(con, "vehicle_sighting")
    assert "AB12 CDE" in vehicle["evidence"]
    assert len(hits(con, "suspect_phone_or_handle")) == 1
    (intel,) = hits(con, "police_intelligence_named")
    assert intel["record_id"] == "police:C1"


def test_health_education_and_codes():
    store = Store()
    child = store.person("C1", agency="health", dob=date(1996, 5, 1))  # 17: no legal rules
    for event_type in (
        "sti_diagnosis",
        "termination",
        "self_harm",
        "injury",
        "substance_misuse_service",
    ):
        store.event(event_type, "2013-06-01T10:00", subject=child)
    store.event("sti_diagnosis", "2013-09-01T10:00", subject=child)
    school = store.person("U1", agency="education", dob=date(1996, 5, 1))
    for event_type in ("absence", "exclusion", "children_missing_education"):
        store.event(event_type, "2013-06-01T10:00", subject=school)
    store.event(
        "assessment", "2013-07-01T10:00", subject=child, agency="social_care",
        codes="cin:11A;cin:10A; hocr:22B;snomed:716565009;local:CSE_CONCERN;cin:6A",
    )  # fmt: skip
    store.event(
        "ed_attendance",
        "2013-08-01T03:00",
        subject=child,
        narrative="Brought in very drunk by friends.",
    )
    store.event(
        "ed_attendance",
        "2013-08-02T03:00",
        subject=child,
        narrative="Not intoxicated; fell off bike.",
    )
    con, _ = run_store(store)
    indicators = {h["indicator"] for h in hits(con)}
    for expected in (
        "sti", "sti_repeat", "termination", "self_harm", "injury", "substance_misuse",
        "school_absence", "school_exclusion", "missing_education", "cse_code", "missing_episode",
        "child_sexual_offence_crime", "cse_risk_code", "local_cse_flag", "intoxicated_at_ed",
    ):  # fmt: skip
        assert expected in indicators, expected
    (ed,) = hits(con, "intoxicated_at_ed")
    assert ed["span_text"] == "very drunk"
    codes = {h["indicator"]: h for h in hits(con) if h["source"] == "code"}
    assert "CIN:6A" not in str(codes)  # physical disability is not a CSE code


def test_one_hit_per_indicator_per_event_the_record_before_the_text():
    store = Store()
    child = store.person("C1", agency="health", dob=date(1996, 5, 1))
    store.event("sti_diagnosis", "2013-06-01T10:00", subject=child, narrative="Chlamydia positive.")
    con, _ = run_store(store)
    (sti,) = hits(con, "sti")
    assert sti["source"] == "structured"
    assert con.execute("SELECT count(*) FROM text_findings WHERE indicator = 'sti'").fetchall() == [
        (1,)
    ]


def test_text_hits_only_for_affirmed_findings_about_the_child():
    store = Store()
    child = store.person("C1", dob=CHILD_DOB)
    store.event(
        "concern_for_welfare", "2013-06-01T10:00", subject=child,
        narrative="No concerns of CSE. Her sister was pregnant at 15. She was advised of the risks of "
        "going missing. She was seen getting into a car with an older man, reg AB12 CDE, a man known as "
        "Tommo; she is putting herself at risk.",
    )  # fmt: skip
    con, summary = run_store(store)
    text_hits = {h["indicator"] for h in hits(con) if h["source"] == "text"}
    # the car, and the older man in it (an older associate); not the negated CSE, the
    # sister's pregnancy or the advice about going missing
    assert text_hits == {"seen_in_car_with_adult", "older_associates"}
    flags = dict(
        con.execute(
            "SELECT indicator, [negated, hypothetical, experiencer = 'other'] FROM text_findings"
        ).fetchall()
    )
    assert flags["cse_concern_named"] == [True, False, False]
    assert flags["pregnancy"] == [False, False, True]
    assert flags["missing_episode"] == [False, True, False]
    mentions = con.execute("SELECT kind, value_norm FROM text_mentions ORDER BY kind").fetchall()
    assert mentions == [("nickname", "nickname:tommo"), ("vehicle", "vehicle:AB12CDE")]
    (language,) = con.execute(
        "SELECT phrase, child_age_years, record_id FROM language_findings"
    ).fetchall()
    assert language == ("putting herself at risk", 13, "police:C1")
    assert summary.narratives == 1


def test_stage_is_repeatable():
    store = Store()
    child = store.person("C1", dob=CHILD_DOB)
    store.event(
        "missing_report", "2013-01-01T21:00", subject=child, narrative="Went missing again."
    )
    con, first = run_store(store)
    again = run(con)
    assert again.hits == first.hits
    ids = con.execute("SELECT hit_id FROM indicator_hits ORDER BY hit_id").fetchall()
    assert len(ids) == len(set(ids))


def test_missing_store_tables_are_a_user_error():
    con = connect(":memory:")
    with pytest.raises(StoreError, match="lantern ingest"):
        run(con)


def test_works_without_resolve_tables():
    store = Store()
    child = store.person("C1", dob=CHILD_DOB)
    for day in ("2013-01-01", "2013-01-10", "2013-01-20"):
        store.event("missing_report", f"{day}T21:00", subject=child)
    con = connect(":memory:")
    store.write(con, resolve=False)
    run(con)
    assert len(hits(con, "missing_repeat")) == 1
