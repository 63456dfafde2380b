"""The law on age (Sexual Offences Act 2003), as named SQL steps.

Evidence of sexual activity (any affirmed hit whose catalogue entry says
`sexual_activity: true`: a sexual offence report, an STI, a pregnancy, a
code, a disclosure in the notes) is read against the child's age at the
event. The rules never read the notes' wording about consent: they fire
whatever the narrative says ("consensual", "boyfriend").

The date of birth is the person's best-supported one as known when the event was recorded, or
a supervisor's decided date from the decision's own date on (`inputs.dates_of_birth`,
docs/replay.md "Age"). An age is certain when the date of birth is known. With only a birth year,
the child's age is one of two values; a rule about "under N" fires only when
the older of the two is under N, and "adult" means the younger is 18 or over.
"""

# ruff: noqa: S608  -- SQL here is assembled from this module's constants and table names, never from input data

from __future__ import annotations

from lantern.indicators.structured import HIT_COLUMNS
from lantern.store.steps import Steps

# Which evidence is pregnancy and which an infection; everything else with
# `sexual_activity: true` is "other" sexual activity.
PREGNANCY = "('pregnancy', 'termination')"
INFECTION = "('sti', 'sti_repeat')"
SEXUAL_HEALTH = "('sexual_health_attendance', 'emergency_contraception')"
ADULT_ROLES = "('suspect', 'offender', 'associate', 'other')"
TRUST_ROLES = "('professional', 'carer')"
SUSPECT_ROLES = "('suspect', 'offender')"

LAW = {
    "under13": "A child under 13 cannot consent to any sexual activity (Sexual Offences Act 2003 ss.5-8).",
    "under16": "Sexual activity with a child under 16 is an offence (Sexual Offences Act 2003 s.9 and following).",
    "trust": "Sexual activity between an adult in a position of trust and a 16- or 17-year-old is an offence (Sexual Offences Act 2003 ss.16-19).",
    "health13": "A child under 13 seeking sexual health care is a trigger under local guidance; a child under 13 cannot consent.",
}


def legal_rules(steps: Steps, evidence_tables: list[str]) -> None:
    union = " UNION ALL ".join(f"SELECT {HIT_COLUMNS} FROM {t}" for t in evidence_tables)
    steps.table(
        "ind_sexual_evidence",
        f"""
        SELECT h.*, c.sexual_activity,
               CASE WHEN h.indicator IN {PREGNANCY} THEN 'pregnancy'
                    WHEN h.indicator IN {INFECTION} THEN 'infection'
                    WHEN h.indicator IN {SEXUAL_HEALTH} AND NOT c.sexual_activity THEN 'sexual_health'
                    ELSE 'other' END AS kind,
               s.age_min, s.age_max, s.dob, s.dob_note,
               c.description AS what
        FROM ({union}) h
        JOIN ind_catalogue c USING (indicator)
        JOIN ind_subject_events s ON s.event_id = h.event_id AND s.record_id = h.record_id
        WHERE (c.sexual_activity OR h.indicator IN {SEXUAL_HEALTH}) AND s.age_max IS NOT NULL
        """,
    )
    # Adults on the same event, by kind of role. A person in a position of trust is one the
    # event names as suspect or offender and whose same record is recorded, by then, in a
    # professional or carer role for a child: the offence (ss.16-19) is the carer's or the
    # teacher's own sexual activity with the child. The social worker who writes the record,
    # or the carer who takes a 17-year-old to a clinic, is on the record to protect her; read
    # as "a person in a position of trust" they put every 16-17-year-old's sexual health
    # record with a practitioner on it at medium.
    steps.table(
        "ind_trust_records",
        f"""
        SELECT record_id, min(recorded_at) AS trusted_from
        FROM ind_event_people WHERE role IN {TRUST_ROLES} AND age_min >= 18
        GROUP BY record_id
        """,
    )
    steps.table(
        "ind_event_adults",
        f"""
        SELECT p.event_id,
               bool_or(p.role IN {ADULT_ROLES}) AS any_adult,
               bool_or(p.role IN {SUSPECT_ROLES} AND t.record_id IS NOT NULL
                       AND t.trusted_from <= p.recorded_at) AS trust_adult,
               string_agg(p.record_id || ' (' || p.role || ', aged ' || p.age_min || ')', '; '
                          ORDER BY p.record_id, p.role, p.age_min) AS adults
        FROM ind_event_people p LEFT JOIN ind_trust_records t USING (record_id)
        WHERE p.age_min >= 18 AND p.role IN {ADULT_ROLES}
        GROUP BY p.event_id
        """,
    )
    steps.table(
        "ind_legal_candidates",
        """
        SELECT e.*, coalesce(a.any_adult, false) AS any_adult,
               coalesce(a.trust_adult, false) AS trust_adult, a.adults,
               e.indicator = 'sexual_activity_adult'
                 OR EXISTS (SELECT 1 FROM text_findings f
                            WHERE f.event_id = e.event_id AND f.affirmed
                              AND f.indicator IN ('older_boyfriend', 'sexual_activity_adult'))
                 OR EXISTS (SELECT 1 FROM ind_event_codes c
                            WHERE c.event_id = e.event_id AND c.code = 'CIN:19C') AS adult_in_evidence,
               EXISTS (SELECT 1 FROM ind_event_codes c
                       WHERE c.event_id = e.event_id AND c.code = 'HOCR:73') AS trust_code,
               CASE WHEN e.age_min = e.age_max
                    THEN 'Aged ' || e.age_max || coalesce(' (born ' || strftime(e.dob, '%Y-%m-%d') || coalesce(', ' || e.dob_note, '') || ')', '')
                    ELSE 'Aged ' || e.age_min || ' or ' || e.age_max || ' (birth year only)' END
                 || ' on ' || strftime(e.occurred_at, '%Y-%m-%d') || ': ' || e.what
                 || ' [' || e.indicator || ', ' || e.agency || ' ' || e.event_id || ']' AS age_evidence
        FROM ind_sexual_evidence e LEFT JOIN ind_event_adults a USING (event_id)
        """,
    )
    rules = {
        "legal_under13_sexual_activity": ("kind = 'other' AND age_max < 13", "under13"),
        "legal_pregnancy_under13": ("kind = 'pregnancy' AND age_max < 13", "under13"),
        "legal_sti_under13": ("kind = 'infection' AND age_max < 13", "under13"),
        "legal_pregnancy_under16": (
            "kind = 'pregnancy' AND age_max < 16 AND age_max >= 13",
            "under16",
        ),
        "legal_sti_under16": ("kind = 'infection' AND age_max < 16 AND age_max >= 13", "under16"),
        "legal_adult_with_child_under16": (
            "kind <> 'sexual_health' AND age_max < 16 AND age_max >= 13 AND (any_adult OR adult_in_evidence)",
            "under16",
        ),
        "legal_position_of_trust": (
            "kind <> 'sexual_health' AND age_min >= 16 AND age_max < 18 AND (trust_adult OR trust_code)",
            "trust",
        ),
        "legal_under13_sexual_health": ("kind = 'sexual_health' AND age_max < 13", "health13"),
    }
    # One hit per event and child; where several records show it, the first by the
    # evidence's source and indicator (named through `e.`: the bare names are this hit's).
    for indicator, (condition, law) in rules.items():
        steps.table(
            f"ind_hits_{indicator}",
            f"""
            SELECT DISTINCT ON (event_id, record_id)
                   $indicator AS indicator, 'legal' AS source, agency, event_id, record_id,
                   occurred_at, recorded_at,
                   age_evidence || coalesce('; adults on the record: ' || adults, '') || '. '
                       || $law AS evidence,
                   span_start, span_end, span_text, related_record_id
            FROM ind_legal_candidates e
            WHERE {condition}
            ORDER BY event_id, record_id, e.source, e.indicator, e.age_evidence
            """,
            {"indicator": indicator, "law": LAW[law]},
        )
