"""The worked example does what its README ("What the parts of Lantern should see") says.

One pipeline run on examples/riverside, then one assertion per promise. Where the README
promises more than Lantern does today, the gap is named in a comment, not asserted away.
"""

from __future__ import annotations

from datetime import date

import pytest

from lantern.pipeline import run
from lantern.resolve.decisions import record_decision
from lantern.resolve.replay import explain_link
from lantern.resolve.stage import run as resolve
from lantern.store.connection import connect
from lantern.store.ingest import ingest
from support import EXAMPLES

KAYLEIGH = ("police:P1001", "social_care:SC-20417", "health:H-77001", "education:ED-5501")
CHLOE = ("police:P1004", "social_care:SC-30125", "health:H-77003", "education:ED-5505")


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    store = tmp_path_factory.mktemp("riverside") / "riverside.duckdb"
    run(store, EXAMPLES / "riverside")
    con = connect(store, read_only=True)
    yield con
    con.close()


def person_of(con, record_id: str) -> str:
    return con.execute("SELECT person_id FROM persons WHERE record_id = ?", [record_id]).fetchone()[
        0
    ]


def records_of(con, record_id: str) -> set[str]:
    rows = con.execute(
        "SELECT record_id FROM persons WHERE person_id = ?", [person_of(con, record_id)]
    ).fetchall()
    return {r[0] for r in rows}


def test_kayleighs_four_spellings_are_one_person(con):
    assert records_of(con, "police:P1001") == set(KAYLEIGH)
    # Kaleigh (health) and Kayley (social care) share a date of birth and no identifier:
    # two spellings of one name, not twins.
    assert explain_link(con, "health:H-77001", "social_care:SC-20417")["kept_apart_because"] is None
    levels = [
        c["level"] for c in explain_link(con, "police:P1001", "social_care:SC-20417")["comparisons"]
    ]
    assert "given name somewhat similar (0.89)" in levels  # the similarity filled in


def test_chloes_records_are_one_person_despite_the_date_of_birth(con):
    assert records_of(con, "police:P1004") == set(CHLOE)


@pytest.mark.parametrize(
    ("police", "social_care"),
    [("police:P1002", "social_care:SC-20418"), ("police:P1007", "social_care:SC-20590")],
)
def test_mother_and_foster_carer_are_one_person_across_police_and_social_care(
    con, police, social_care
):
    assert person_of(con, police) == person_of(con, social_care)
    # ... and neither is merged with Kayleigh (another generation, same family name).
    assert person_of(con, police) != person_of(con, "police:P1001")


def test_the_car_and_the_phone_are_each_one_thing(con):
    car = con.execute(
        "SELECT count(DISTINCT event_id) FROM thing_mentions WHERE thing_id = 'vehicle:KX09LMN'"
    ).fetchone()[0]
    assert car == 3  # KX09LMN, kx09 lmn, KX09 LMN
    assert con.execute(
        "SELECT count(*) FROM things WHERE kind = 'vehicle' AND value_norm LIKE 'KX09%'"
    ).fetchone() == (1,)
    assert con.execute(
        "SELECT count(*) FROM things WHERE kind = 'phone' AND value_norm = '+447700900461'"
    ).fetchone() == (1,)
    # "silver car, registration not noted" (ED-E-0002) describes a car; it is not a vehicle.
    assert {
        r[0] for r in con.execute("SELECT value_norm FROM things WHERE kind = 'vehicle'").fetchall()
    } == {
        "KX09LMN",
        "KY11ABC",
    }


def indicators_of(con, record_id: str) -> set[str]:
    rows = con.execute(
        """
        SELECT DISTINCT h.indicator FROM indicator_hits h JOIN persons p USING (record_id)
        WHERE p.person_id = ?
        """,
        [person_of(con, record_id)],
    ).fetchall()
    return {r[0] for r in rows}


def test_kayleighs_indicators(con):
    assert {
        "missing_episode",
        "older_associates",
        "vehicle_sighting",
        "intoxicated",
        "sexual_health_attendance",
        "sti",
        "unexplained_gifts",
        "school_absence",
    } <= indicators_of(con, "police:P1001")


def test_missing_episodes_are_counted_across_police_and_care(con):
    # Episodes are worked out at every moment the child's records changed (who was one
    # person then: docs/replay.md); the last moment is what is known today.
    episodes = con.execute(
        """
        WITH child AS (
            SELECT person_label FROM record_person_spans
            WHERE record_id = 'police:P1001' AND valid_to IS NULL
        ), latest AS (
            SELECT max(moment) AS moment FROM ind_missing_episodes
            WHERE snap_key = (SELECT person_label FROM child)
        )
        SELECT count(*), count(*) FILTER (WHERE agencies LIKE '%police%'
                                           AND agencies LIKE '%social_care%')
        FROM ind_missing_episodes
        WHERE snap_key = (SELECT person_label FROM child)
          AND moment = (SELECT moment FROM latest)
        """
    ).fetchone()
    assert episodes == (3, 2)
    # Gap: `missing_repeat` (three episodes in 90 days) does not fire: the three recorded
    # episodes span 2 Feb - 1 Jun 2013 (119 days); "the fifth time" is only in a narrative.


def test_sexual_activity_under_16_with_a_19_year_old_is_a_legal_hit(con):
    hits = con.execute(
        """
        SELECT event_id FROM indicator_hits h JOIN persons p USING (record_id)
        WHERE indicator = 'legal_adult_with_child_under16' AND p.person_id = ?
        """,
        [person_of(con, "police:P1001")],
    ).fetchall()
    assert ("health:H-E-0002",) in hits


def test_victim_blaming_language_is_found(con):
    phrases = {
        r[0].lower()
        for r in con.execute(
            "SELECT phrase FROM language_findings WHERE kind = 'victim_blaming'"
        ).fetchall()
    }
    for phrase in ("consensual", "putting herself at risk", "lifestyle choices", "streetwise"):
        assert any(phrase in found for found in phrases), phrase


def adults_of(con, record_id: str) -> set[str]:
    rows = con.execute(
        """
        SELECT pr.record_id FROM adult_child_links l
        JOIN persons pr ON pr.person_id = l.adult_id
        WHERE l.child_id = ?
        """,
        [person_of(con, record_id)],
    ).fetchall()
    return {r[0] for r in rows}


def test_both_girls_are_linked_to_cole_and_kayleigh_to_doyle(con):
    assert {"police:P1003", "police:P1008"} <= adults_of(con, "police:P1001")
    assert "police:P1003" in adults_of(con, "police:P1004")


def test_the_girls_are_flagged_by_june_2013_and_the_ordinary_children_are_not(con):
    band, first = con.execute(
        "SELECT band, first_flagged_at FROM assessments WHERE person_id = ?",
        [person_of(con, "police:P1001")],
    ).fetchone()
    assert band in {"medium", "high"}
    assert first <= date(2013, 6, 7)
    girls = [person_of(con, "police:P1001"), person_of(con, "police:P1004")]
    chloe = con.execute(
        "SELECT band, first_flagged_at FROM assessments WHERE person_id = ?", [girls[1]]
    ).fetchone()
    # Chloe reaches medium with her second missing episode, found at Mill Street (PE-0012,
    # 1 Jun 2013; her link through Cole's car counts in that); on her own records alone
    # only on 12 Jun (the school's ED-E-0009), the day the network is put forward.
    assert chloe[0] in {"medium", "high"} and chloe[1] <= date(2013, 6, 1)
    others = con.execute(
        "SELECT count(*) FROM assessments WHERE kind = 'child' AND band <> 'none' "
        "AND person_id NOT IN (?, ?)",
        girls,
    ).fetchone()[0]
    assert others == 0


def test_the_foster_carer_and_the_taxi_driver_are_not_a_concern(con):
    """Janet Price is beside Kayleigh again and again; Gary Holt drives a silver car for a
    child's school transport. Neither is linked to a child as a concern nor scored."""
    for adult in ("police:P1007", "police:P1005"):
        person = person_of(con, adult)
        assert con.execute(
            "SELECT count(*) FROM adult_child_links WHERE adult_id = ? AND signal_child", [person]
        ).fetchone() == (0,)
        assert con.execute(
            "SELECT count(*) FROM assessments WHERE person_id = ? AND band <> 'none'", [person]
        ).fetchone() == (0,)


def test_explain_names_the_other_records_that_keep_two_persons_apart(store_path):
    """A reviewer's "different" on Kaleigh/Kayley keeps Kayley out of Kayleigh's person:
    explaining Kayley against the police record names that pair and its reason."""
    con = connect(store_path)
    ingest(con, EXAMPLES / "riverside")
    record_decision(con, "health:H-77001", "social_care:SC-20417", "different", "reviewer1", "test")
    resolve(con)
    explained = explain_link(con, "social_care:SC-20417", "police:P1001")
    con.close()
    assert explained["match_probability"] > 0.9
    assert not explained["same_person"]
    assert explained["kept_apart_because"] is None
    assert {
        "record_id_l": "health:H-77001",
        "record_id_r": "social_care:SC-20417",
        "reason": "reviewer",
    } in explained["kept_apart_through"]
