"""The law on age at its boundaries: 12y364d, 13y0d, 15y364d, 16y0d, 17y364d, 18y0d, leap days.

One store holds a child per case; the stage runs once (module fixture) and
each test reads the hits for its own child.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from indicators_support import Store, hits
from lantern.indicators.age_law import age_on, legal_indicators
from lantern.indicators.catalogue import default_catalogue
from lantern.indicators.stage import run
from lantern.store.connection import connect

EVENT_DAY = date(2014, 6, 10)


def born_before(years: int, days_short: int = 0) -> date:
    """A date of birth such that on EVENT_DAY the child is `years` old minus `days_short` days."""
    anniversary = EVENT_DAY.replace(year=EVENT_DAY.year - years)
    return anniversary + timedelta(days=days_short)


# (case, event type, date of birth, adult role on the event or None, narrative)
CASES = {
    "preg_12y364d": ("pregnancy", born_before(13, 1), None, None),
    "preg_13y0d": ("pregnancy", born_before(13), None, None),
    "preg_15y364d": ("pregnancy", born_before(16, 1), None, None),
    "preg_16y0d": ("pregnancy", born_before(16), None, None),
    "sti_12y364d": ("sti_diagnosis", born_before(13, 1), None, None),
    "sti_13y0d": ("sti_diagnosis", born_before(13), None, None),
    "sti_15y364d": ("sti_diagnosis", born_before(16, 1), None, None),
    "sti_16y0d": ("sti_diagnosis", born_before(16), None, None),
    "sex_12y364d": ("sexual_offence_report", born_before(13, 1), None, None),
    "sex_13y0d": ("sexual_offence_report", born_before(13), None, None),
    "adult_15y364d": ("sexual_offence_report", born_before(16, 1), "suspect", None),
    "adult_16y0d": ("sexual_offence_report", born_before(16), "suspect", None),
    # `trusted suspect`: the suspect was recorded earlier in a professional role (a teacher,
    # a residential worker); a professional merely on the record is the one who wrote it.
    "trust_15y364d": ("sexual_offence_report", born_before(16, 1), "trusted suspect", None),
    "trust_16y0d": ("sexual_offence_report", born_before(16), "trusted suspect", None),
    "trust_17y364d": ("sexual_offence_report", born_before(18, 1), "trusted suspect", None),
    "trust_18y0d": ("sexual_offence_report", born_before(18), "trusted suspect", None),
    "worker_on_record_17": ("sexual_offence_report", born_before(17), "professional", None),
    "carer_at_clinic_17": ("termination", born_before(17), "carer", None),
    "trusted_later_17": ("sexual_offence_report", born_before(17), "suspect trusted later", None),
    "consensual_14": (
        "note",
        born_before(14),
        None,
        "She says she has been having sex with a man aged 24 and that it is consensual; "
        "he is her boyfriend.",
    ),
    "negated_14": ("note", born_before(14), None, "She denies having sex with any adult."),
    "clinic_12": ("sexual_health_attendance", born_before(12), None, None),
    "clinic_14": ("sexual_health_attendance", born_before(14), None, None),
}


@pytest.fixture(scope="module")
def legal_hits():
    store = Store()
    for case, (event_type, dob, adult_role, narrative) in CASES.items():
        child = store.person(case, agency="health", dob=dob)
        others = {}
        noon = datetime.combine(EVENT_DAY, datetime.min.time()).replace(hour=12)
        if adult_role:
            adult = store.person(f"{case}-adult", agency="health", dob=date(1980, 1, 1), sex="M")
            role = "suspect" if "suspect" in adult_role else adult_role
            others[adult] = role
            if role != adult_role:  # the same record in a professional role, before or after
                when = noon + timedelta(days=30 if adult_role.endswith("later") else -30)
                store.event("note", when, subject=child, others={adult: "professional"})
        store.event(event_type, noon, subject=child, narrative=narrative, others=others)
    con = connect(":memory:")
    store.write(con)
    run(con)
    found: dict[str, set[str]] = {}
    for hit in hits(con):
        if hit["source"] == "legal":
            found.setdefault(hit["record_id"].split(":", 1)[1], set()).add(hit["indicator"])
    floors = dict(
        con.execute(
            "SELECT DISTINCT indicator, legal_floor FROM indicator_hits WHERE source = 'legal'"
        ).fetchall()
    )
    con.close()
    return found, floors


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("preg_12y364d", {"legal_pregnancy_under13"}),
        ("preg_13y0d", {"legal_pregnancy_under16"}),
        ("preg_15y364d", {"legal_pregnancy_under16"}),
        ("preg_16y0d", set()),
        ("sti_12y364d", {"legal_sti_under13"}),
        ("sti_13y0d", {"legal_sti_under16"}),
        ("sti_15y364d", {"legal_sti_under16"}),
        ("sti_16y0d", set()),
        ("sex_12y364d", {"legal_under13_sexual_activity"}),
        ("sex_13y0d", set()),
        ("adult_15y364d", {"legal_adult_with_child_under16"}),
        ("adult_16y0d", set()),
        ("trust_15y364d", {"legal_adult_with_child_under16"}),  # a suspect adult, under 16
        ("trust_16y0d", {"legal_position_of_trust"}),
        ("trust_17y364d", {"legal_position_of_trust"}),
        ("trust_18y0d", set()),
        ("worker_on_record_17", set()),
        ("carer_at_clinic_17", set()),
        ("trusted_later_17", set()),
        ("consensual_14", {"legal_adult_with_child_under16"}),
        ("negated_14", set()),
        ("clinic_12", {"legal_under13_sexual_health"}),
        ("clinic_14", set()),
    ],
)
def test_legal_rules_fire_exactly_at_their_ages(legal_hits, case, expected):
    found, _ = legal_hits
    assert found.get(case, set()) == expected


def test_legal_floors_come_from_the_catalogue(legal_hits):
    _, floors = legal_hits
    assert floors["legal_pregnancy_under13"] == "high"
    assert floors["legal_under13_sexual_activity"] == "high"
    assert floors["legal_pregnancy_under16"] == "medium"
    assert floors["legal_position_of_trust"] == "medium"


@pytest.mark.parametrize(
    ("dob", "day", "age"),
    [
        (date(2000, 2, 29), date(2013, 2, 28), 12),  # a leap-day child is not 13 on 28 February
        (date(2000, 2, 29), date(2013, 3, 1), 13),  # ... but is on 1 March of a common year
        (date(2000, 2, 29), date(2016, 2, 29), 16),  # and on 29 February of a leap year
        (date(2000, 2, 29), date(2016, 2, 28), 15),
        (date(2001, 3, 1), date(2014, 2, 28), 12),
        (date(2001, 3, 1), date(2014, 3, 1), 13),
    ],
)
def test_age_in_whole_years_with_leap_day_births(dob, day, age):
    assert age_on(dob, day) == age


def test_sql_ages_agree_with_python_for_leap_day_births():
    con = connect(":memory:")
    from lantern.indicators.inputs import AGE_MACRO

    con.execute(AGE_MACRO)
    dobs = [date(2000, 2, 29), date(2004, 2, 29), date(2001, 3, 1), date(2001, 2, 28)]
    start = date(2012, 1, 1)
    days = [start + timedelta(days=n) for n in range(0, 365 * 6, 13)]
    for dob in dobs:
        rows = con.execute(
            "SELECT d, ind_age(?::DATE, d) FROM unnest(?::DATE[]) t(d)", [dob, days]
        ).fetchall()
        for day, sql_age in rows:
            assert sql_age == age_on(dob, day), (dob, day)
    con.close()


def test_leap_day_birth_under13_rule_in_the_stage():
    store = Store()
    child = store.person("L1", agency="health", dob=date(2000, 2, 29))
    store.event("pregnancy", "2013-02-28T10:00", subject=child)  # still 12
    other = store.person("L2", agency="health", dob=date(2000, 2, 29))
    store.event("pregnancy", "2013-03-01T10:00", subject=other)  # 13
    con = connect(":memory:")
    store.write(con)
    run(con)
    legal = {(h["record_id"], h["indicator"]) for h in hits(con) if h["source"] == "legal"}
    assert legal == {
        ("health:L1", "legal_pregnancy_under13"),
        ("health:L2", "legal_pregnancy_under16"),
    }
    con.close()


def test_birth_year_only_fires_under13_only_when_certain():
    store = Store()
    maybe = store.person("Y1", agency="health", birth_year=2001, sex="F")  # 12 or 13 in 2014
    store.event("pregnancy", "2014-06-01T10:00", subject=maybe)
    certain = store.person("Y2", agency="health", birth_year=2002, sex="F")  # 11 or 12
    store.event("pregnancy", "2014-06-01T10:00", subject=certain)
    con = connect(":memory:")
    store.write(con)
    run(con)
    legal = {(h["record_id"], h["indicator"]) for h in hits(con) if h["source"] == "legal"}
    assert ("health:Y2", "legal_pregnancy_under13") in legal
    assert ("health:Y1", "legal_pregnancy_under13") not in legal
    assert ("health:Y1", "legal_pregnancy_under16") in legal
    con.close()


@pytest.mark.parametrize(
    ("indicator", "age", "expected"),
    [
        ("pregnancy", 12, ["legal_pregnancy_under13"]),
        ("pregnancy", 13, ["legal_pregnancy_under16"]),
        ("pregnancy", 16, []),
        ("sti", 12, ["legal_sti_under13"]),
        ("sti", 15, ["legal_sti_under16"]),
        ("rape_disclosed", 12, ["legal_under13_sexual_activity"]),
        ("rape_disclosed", 13, []),
        ("sexual_activity_adult", 15, ["legal_adult_with_child_under16"]),
        ("sexual_activity_adult", 16, []),
        ("sexual_health_attendance", 12, ["legal_under13_sexual_health"]),
        ("sexual_health_attendance", 13, []),
        ("missing_episode", 10, []),
    ],
)
def test_narrative_law_matches_the_stage_rules(indicator, age, expected):
    assert legal_indicators(indicator, age, default_catalogue()) == expected
