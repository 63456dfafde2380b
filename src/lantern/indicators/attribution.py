"""Who the record says sexually harmed the child: `ind_sexual_attribution`.

A record whose own words attribute sexual harm to the child's family, to a peer of the
child's age, or to a stranger's non-contact offence, and hold no sign of exploitation by an
adult outside the family, shows its sexual-harm hits under the concern of child sexual
abuse: found and shown (the legal rules too), not scored for CSE. The words, the signs that
override them and the hits they apply to are data (`attribution.yaml`).
"""

# ruff: noqa: S608  -- SQL here is assembled from the validated attribution file, never from input data

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from lantern.config_files import load_model
from lantern.indicators.catalogue import Concern
from lantern.indicators.text.layers import SCORED_BY_DEFAULT
from lantern.sql import sql_list
from lantern.store.steps import Steps

ATTRIBUTION_PATH = Path(__file__).with_name("attribution.yaml")
# A sign of exploitation overrides an attribution only when read by a layer the shipped
# weights score: a concept-layer reading is shown, not scored, and is no sign anywhere else
# either (docs/scoring.md). On the hard tuning county (seed 12) "Suspect drives a white Audi"
# in a report of abuse by the mother's partner, read by the concept layer as a child seen in
# a car with an adult, kept two brothers' report CSE at the law's floor.
_SCORED_LAYER = f"(v.layer IS NULL OR v.layer IN {sql_list(list(SCORED_BY_DEFAULT))})"
# One enquiry across agencies: a strategy discussion follows a report within days, and the
# initial child protection conference within 15 working days (Working Together 2018).
SAME_ENQUIRY_DAYS = 30


class Attribution(BaseModel):
    model_config = ConfigDict(extra="forbid")

    concern: Concern
    attributions: dict[str, str] = Field(min_length=1)  # indicator -> rationale, by precedence
    peer_needs_no_adult: bool = True
    exploitation_signs: list[str]
    exploitation_codes: list[str]
    reattributed: list[str] = Field(min_length=1)
    implies: dict[str, str] = {}  # disclosure indicator -> regular expression on the words
    shown_only_with_harm: list[str] = []


@cache
def default_attribution() -> Attribution:
    return load_model(ATTRIBUTION_PATH, Attribution, "sexual-harm attribution rules")


def attribute(steps: Steps, rules: Attribution | None = None) -> None:
    """`ind_sexual_attribution`: one row per attributed event (event_id, concern, attribution,
    said: the record's words)."""
    rules = rules or default_attribution()
    names = list(rules.attributions)
    precedence = " ".join(f"WHEN '{name}' THEN {rank}" for rank, name in enumerate(names))
    codes = " OR ".join(
        f"c.code LIKE '{code.upper().replace('*', '%')}'" for code in rules.exploitation_codes
    )
    peer_adult = (
        """AND NOT (f.indicator = 'harmful_sexual_behaviour_peer' AND EXISTS (
                SELECT 1 FROM ind_event_people p
                WHERE p.event_id = f.event_id AND p.age_min >= 18
                  AND p.role IN ('suspect', 'offender')))"""
        if rules.peer_needs_no_adult
        else ""
    )
    steps.table(
        "ind_sexual_attribution_words",
        f"""
        SELECT DISTINCT ON (f.event_id)
               f.event_id, '{rules.concern}' AS concern,
               CASE WHEN f.indicator IN {sql_list(names)} THEN f.indicator
                    ELSE '{names[0]}' END AS attribution,
               f.span_text AS said
        FROM text_findings f JOIN events e USING (event_id)
        -- who harmed the child, on this record about the child: negation and hypothesis
        -- count, whose experience does not ("she disclosed to mum that an older cousin ...")
        WHERE NOT f.negated AND NOT f.hypothetical
          AND (f.indicator IN {sql_list(names)}
               -- or a disclosure whose words name the one who harmed the child as family
               -- (the text layer's kinship: "sexual assault of K by father Luke", "her
               -- mum's partner, Paul Watts, has sexually assaulted her"): the family's
               OR (f.affirmed AND f.relation = 'family'
                   AND f.indicator IN {sql_list(rules.reattributed)}))
          -- "by her brother's friend", "her cousin's boyfriend": someone else's relation
          AND NOT regexp_matches(substr(e.narrative, f.span_end + 1, 3), '^\\s*[''’]s\\b')
          AND {_no_sign_of_exploitation("f", rules, codes)}
          {peer_adult}
        ORDER BY f.event_id, CASE f.indicator {precedence} ELSE 0 END, f.span_start
        """,
    )
    family_suspects(steps, rules, codes)


def family_suspects(steps: Steps, rules: Attribution, codes: str) -> None:
    """Add to `ind_sexual_attribution` the records whose suspect or offender is, by the
    record's date, the child's family: carrying the child's own family name
    (`ind_family_names`), or living at the child's own home postcode on that date
    (`ind_home_postcodes`) --
    the father, the stepfather, the uncle, the grandfather a police report names. The
    structured counterpart of "abuse by a family member" in the words, and overridden the
    same way: a code or a sign of exploitation by adults outside the family on the record
    keeps it CSE. A record the words already attribute keeps the words' attribution."""
    if not all(steps.exists(t) for t in ("ind_family_name_pairs", "ind_home_postcodes")):
        steps.table("ind_sexual_attribution_own", "SELECT * FROM ind_sexual_attribution_words")
        same_enquiry(steps, rules, codes)
        return
    family = next(iter(rules.attributions))  # the first: abuse within the family
    steps.table(
        "ind_sexual_attribution_own",
        f"""
        SELECT * FROM ind_sexual_attribution_words
        UNION ALL
        SELECT * FROM (
        SELECT DISTINCT ON (s.event_id)
               s.event_id, '{rules.concern}' AS concern, '{family}' AS attribution,
               'the suspect (' || a.record_id || ') is recorded as the child''s family' AS said
        FROM ind_subject_events s
        JOIN ind_event_people a
          ON a.event_id = s.event_id AND a.record_id <> s.record_id
         AND a.role IN ('suspect', 'offender') AND a.age_min >= 18
        WHERE s.event_id NOT IN (SELECT event_id FROM ind_sexual_attribution_words)
          AND (FALSE
               OR EXISTS (SELECT 1 FROM ind_family_name_pairs fp
                          WHERE fp.child_record = s.record_id AND fp.adult_record = a.record_id)
               -- the child's own home on the record's date (the father at the same flat)
               OR EXISTS (SELECT 1 FROM ind_home_postcodes hc
                          JOIN ind_home_postcodes ha USING (postcode)
                          WHERE hc.record_id = s.record_id AND ha.record_id = a.record_id
                            AND s.recorded_at >= coalesce(hc.valid_from, s.recorded_at)
                            AND s.recorded_at < coalesce(hc.valid_to, s.recorded_at + INTERVAL 1 DAY)
                            AND s.recorded_at >= coalesce(ha.valid_from, s.recorded_at)
                            AND s.recorded_at < coalesce(ha.valid_to, s.recorded_at + INTERVAL 1 DAY)))
          AND {_no_sign_of_exploitation("s", rules, codes)}
        ORDER BY s.event_id, a.record_id
        )
        """,
    )
    same_enquiry(steps, rules, codes)


def same_enquiry(steps: Steps, rules: Attribution, codes: str) -> None:
    """`ind_sexual_attribution`: the records attributed on their own (`_own`), and the records
    of the same enquiry by another agency that take their attribution.

    One disclosure is recorded by several agencies within days: the police crime report
    names the father; the health safeguarding referral (ICD-10 T74.2) and the section 47
    record (CIN 19C) carry only a code, and no one on them. Read alone, the coded records
    put the child at the law's floor as CSE while the report of the same abuse is child
    sexual abuse (make_county tuning county 1: two of six false rows). A record with one of
    the `reattributed` hits takes the attribution of a record about the same child (the
    person as known when it was recorded) that occurred within `SAME_ENQUIRY_DAYS` of it and
    was recorded by then -- a later record never changes an earlier one's concern -- when it
    names no adult suspect or offender of its own and holds no sign or code of exploitation.
    """
    window = SAME_ENQUIRY_DAYS
    steps.table(
        "ind_sexual_attribution",
        f"""
        SELECT * FROM ind_sexual_attribution_own
        UNION ALL
        SELECT * FROM (
        SELECT DISTINCT ON (s.event_id)
               s.event_id, a.concern, a.attribution,
               'the same enquiry as the ' || o.agency || ' record of '
               || strftime(o.occurred_at, '%Y-%m-%d') || ': ' || a.said AS said
        FROM ind_subject_events s
        JOIN ind_person_spans ps ON ps.record_id = s.record_id
         AND coalesce(ps.valid_from <= s.recorded_at, TRUE)
         AND coalesce(s.recorded_at < ps.valid_to, TRUE)
        JOIN ind_person_spans po ON po.component = ps.component
         AND po.person_label = ps.person_label
         AND coalesce(po.valid_from <= s.recorded_at, TRUE)
         AND coalesce(s.recorded_at < po.valid_to, TRUE)
        JOIN ind_subject_events o ON o.record_id = po.record_id AND o.event_id <> s.event_id
         AND o.recorded_at <= s.recorded_at
         AND abs(date_diff('day', o.occurred_at::DATE, s.occurred_at::DATE)) <= {window}
        JOIN ind_sexual_attribution_own a ON a.event_id = o.event_id
        WHERE s.event_id NOT IN (SELECT event_id FROM ind_sexual_attribution_own)
          AND EXISTS (SELECT 1 FROM ind_all_hits h
                      WHERE h.event_id = s.event_id AND h.record_id = s.record_id
                        AND h.indicator IN {sql_list(rules.reattributed)})
          AND NOT EXISTS (SELECT 1 FROM ind_event_people p
                          WHERE p.event_id = s.event_id AND p.role IN ('suspect', 'offender')
                            AND coalesce(p.age_max, 18) >= 18)
          AND {_no_sign_of_exploitation("s", rules, codes)}
        ORDER BY s.event_id, o.recorded_at, o.event_id
        )
        """,
    )


def implied_hits(steps: Steps, rules: Attribution | None = None) -> None:
    """`ind_hits_attribution_harm`: the disclosure an attribution's own words name ("raped by
    her uncle" is a disclosure of rape as well as of who). The attribution's longer match
    takes the place of the shorter disclosure in the text, so the disclosure is restored here,
    before the law on age reads it; its concern is decided with the rest of the record's."""
    rules = rules or default_attribution()
    implies = rules.implies or {"": "^$"}
    values = ", ".join(
        "('" + name + "', '" + rx.replace("'", "''") + "')" for name, rx in implies.items()
    )
    steps.table(
        "ind_hits_attribution_harm",
        f"""
        SELECT DISTINCT ON (m.indicator, s.event_id, s.record_id)
               m.indicator, 'text' AS source, s.agency, s.event_id, s.record_id,
               s.occurred_at, s.recorded_at, f.sentence AS evidence,
               f.span_start, f.span_end, f.span_text, NULL::VARCHAR AS related_record_id
        FROM text_findings f
        JOIN ind_subject_events s USING (event_id)
        JOIN (VALUES {values}) AS m(indicator, rx) ON regexp_matches(lower(f.span_text), m.rx)
        WHERE f.affirmed AND f.indicator IN {sql_list(list(rules.attributions))}
        ORDER BY m.indicator, s.event_id, s.record_id, f.span_start
        """,
    )


def _no_sign_of_exploitation(event: str, rules: Attribution, codes: str) -> str:
    """The SQL condition that event `event` (a table alias) holds no affirmed sign of
    exploitation read by a scored text layer and no code of exploitation: what every
    attribution to the family, a peer or a stranger requires."""
    return f"""NOT EXISTS (SELECT 1 FROM text_findings v
                          WHERE v.event_id = {event}.event_id AND v.affirmed
                            AND v.indicator IN {sql_list(rules.exploitation_signs or [""])}
                            AND {_SCORED_LAYER})
          AND NOT EXISTS (SELECT 1 FROM ind_event_codes c
                          WHERE c.event_id = {event}.event_id AND ({codes or "false"}))"""
