"""Children affected, in tiers of evidence: recognised, probable, possible.

Every date is a date something was *recorded* (known), except formal actions,
which are dated when they happened. Nothing recorded after the period end is read.
"""

from __future__ import annotations

from lantern.review.steps import Step

CHILD_RECORDS = Step(
    "review_child_records",
    """
    SELECT a.person_id, p.record_id,
           coalesce(pe.agency, split_part(p.record_id, ':', 1)) AS agency,
           pe.sex, pe.date_of_birth, pe.birth_year
    FROM assessments a
    JOIN review_source_persons p ON p.person_id = a.person_id
    LEFT JOIN people pe ON pe.record_id = p.record_id
    WHERE a.kind = 'child'
    """,
    "each resolved child's records",
)

CHILD_EVENTS = Step(
    "review_child_events",
    """
    SELECT DISTINCT r.person_id, e.event_id, e.agency, e.event_type, e.occurred_at, e.recorded_at,
           CAST(e.occurred_at AS DATE) AS occurred_on, CAST(e.recorded_at AS DATE) AS recorded_on,
           e.outcome, e.narrative,
           list_transform(string_split(coalesce(e.codes, ''), ';'), lambda c: lower(split_part(trim(c), ':', 1)) || ':' || upper(substr(trim(c), strpos(trim(c), ':') + 1))) AS codes
    FROM review_child_records r
    JOIN event_people ep ON ep.record_id = r.record_id
    JOIN events e ON e.event_id = ep.event_id
    CROSS JOIN review_terms t
    CROSS JOIN review_period pd
    WHERE list_contains(t.child_roles, ep.role) AND CAST(e.recorded_at AS DATE) <= pd.period_to
    """,
    "events about each child (as subject or victim) recorded by the period end",
)

SIGNALS = Step(
    "review_signals",
    """
    SELECT r.person_id, h.agency, h.category, h.indicator, h.source, h.legal_floor, h.event_id,
           CAST(h.occurred_at AS DATE) AS occurred_on, CAST(h.recorded_at AS DATE) AS recorded_on
    FROM review_source_hits h
    JOIN review_child_records r ON r.record_id = h.record_id
    CROSS JOIN review_period pd
    CROSS JOIN review_terms t
    WHERE CAST(h.recorded_at AS DATE) <= pd.period_to
      AND (h.review_text_layer IS NULL
           OR list_contains(t.scored_text_layers, h.review_text_layer))
    """,
    "every indicator hit about a child recorded by the period end (a 'signal'), less the text "
    "findings of a layer the score does not read (shown, not scored)",
)

RECOGNITION = Step(
    "review_recognition",
    """
    SELECT e.person_id, e.event_id, e.agency, e.event_type, e.recorded_on AS recognised_on,
           CASE WHEN len(list_intersect(e.codes, t.recognised_codes)) > 0
                    THEN 'code ' || array_to_string(list_sort(list_intersect(e.codes, t.recognised_codes)), ', ')
                WHEN list_contains(t.offence_event_types, e.event_type)
                    THEN replace(e.event_type, '_', ' ')
                ELSE replace(e.event_type, '_', ' ') || ' naming CSE' END AS reason
    FROM review_child_events e, review_terms t
    WHERE len(list_intersect(e.codes, t.recognised_codes)) > 0
       OR list_contains(t.offence_event_types, e.event_type)
       OR (list_contains(t.meeting_event_types, e.event_type)
           AND regexp_matches(coalesce(e.narrative, ''), t.cse_named, 'i')
           AND NOT regexp_matches(coalesce(e.narrative, ''), t.cse_ruled_out, 'i'))
    """,
    "each record that formally identified a child as a victim",
)

ACTIONS = Step(
    "review_actions",
    """
    SELECT e.person_id, e.event_id, e.agency, e.event_type, e.occurred_on, e.recorded_on
    FROM review_child_events e, review_terms t
    WHERE list_contains(t.formal_action_event_types, e.event_type)
    """,
    "formal actions about a child (strategy discussion, section 47, conference, plan, charge)",
)

PEAK_BAND = Step(
    "review_peak_band",
    """
    WITH ranks AS (
        SELECT h.person_id, review_band_rank(h.band) AS rank
        FROM review_source_score_history h, review_period pd WHERE h."at" <= pd.period_to
        UNION ALL
        SELECT a.person_id, review_band_rank(a.band)
        FROM assessments a, review_period pd
        WHERE a.kind = 'child' AND (a.as_of IS NULL OR a.as_of <= pd.period_to)
        UNION ALL
        SELECT a.person_id, 2
        FROM assessments a, review_period pd
        WHERE a.kind = 'child' AND a.first_flagged_at <= pd.period_to
    )
    SELECT person_id, max(rank) AS peak_rank,
           CASE max(rank) WHEN 3 THEN 'high' WHEN 2 THEN 'medium' WHEN 1 THEN 'low'
                ELSE 'none' END AS peak_band
    FROM ranks GROUP BY person_id
    """,
    "the highest band each child reached by the period end",
)

CHILDREN = Step(
    "review_children",
    """
    WITH sexes AS (
        -- As most of the child's records give it; a tie goes to the first in order, never to
        -- whichever `mode()` meets first (that differed from run to run).
        SELECT person_id, arg_min(sex, (-n, sex)) AS sex
        FROM (SELECT person_id, sex, count(*) AS n FROM review_child_records
              WHERE sex IN ('F', 'M', 'X') GROUP BY person_id, sex)
        GROUP BY person_id
    ),
    recs AS (
        SELECT r.person_id, string_agg(r.record_id, ';' ORDER BY r.record_id) AS records,
               count(*) AS n_records, count(DISTINCT r.agency) AS agencies_with_records,
               any_value(s.sex) AS sex,
               min(r.date_of_birth) AS date_of_birth, min(r.birth_year) AS birth_year
        FROM review_child_records r LEFT JOIN sexes s USING (person_id)
        GROUP BY r.person_id
    ),
    sig AS (
        SELECT person_id, min(recorded_on) AS first_signal_at, count(*) AS signals,
               count(DISTINCT agency) AS agencies_with_signals,
               bool_or(category = 'sexual_abuse_disclosed') AS has_disclosure,
               bool_or(legal_floor IS NOT NULL OR source = 'legal') AS has_legal_rule,
               bool_or(recorded_on >= pd.period_from) AS signal_in_period
        FROM review_signals, review_period pd GROUP BY person_id
    ),
    ev AS (
        SELECT person_id, min(recorded_on) AS first_event_at,
               bool_or(recorded_on >= pd.period_from) AS event_in_period
        FROM review_child_events, review_period pd GROUP BY person_id
    ),
    rec AS (
        SELECT person_id, min(recognised_on) AS recognised_at,
               arg_min(reason, recognised_on) AS recognised_by
        FROM review_recognition GROUP BY person_id
    ),
    act AS (
        SELECT person_id, min(occurred_on) AS first_action_at,
               arg_min(event_type, occurred_on) AS first_action_type
        FROM review_actions GROUP BY person_id
    ),
    net AS (
        SELECT node_id AS person_id, string_agg(DISTINCT network_id, ';') AS networks
        FROM review_network_members m, review_period pd
        WHERE m.node_kind = 'person' AND m.first_visible_at <= pd.period_to
        GROUP BY node_id
    ),
    base AS (
        SELECT a.person_id, recs.records, recs.n_records, recs.agencies_with_records,
               coalesce(recs.sex, 'unknown') AS sex, recs.date_of_birth, recs.birth_year,
               sig.first_signal_at, coalesce(sig.signals, 0) AS signals,
               coalesce(sig.agencies_with_signals, 0) AS agencies_with_signals,
               coalesce(sig.has_disclosure, false) AS has_disclosure,
               coalesce(sig.has_legal_rule, false) AS has_legal_rule,
               coalesce(sig.signal_in_period, false) OR coalesce(ev.event_in_period, false)
                   AS active_in_period,
               coalesce(sig.first_signal_at, ev.first_event_at) AS first_seen_at,
               CASE WHEN a.first_flagged_at <= pd.period_to THEN a.first_flagged_at END
                   AS first_flagged_at,
               coalesce(pb.peak_band, 'none') AS peak_band, coalesce(pb.peak_rank, 0) AS peak_rank,
               net.networks,
               net.person_id IS NOT NULL
                   OR (pd.period_to >= coalesce(a.as_of, pd.period_to)
                       AND length(regexp_replace(coalesce(CAST(a.network_ids AS VARCHAR), ''),
                                                 '[\\[\\]\\s;,'']', '', 'g')) > 0)
                   AS in_network,
               rec.recognised_at, rec.recognised_by, act.first_action_at, act.first_action_type
        FROM assessments a
        CROSS JOIN review_period pd
        JOIN recs ON recs.person_id = a.person_id
        LEFT JOIN sig ON sig.person_id = a.person_id
        LEFT JOIN ev ON ev.person_id = a.person_id
        LEFT JOIN rec ON rec.person_id = a.person_id
        LEFT JOIN act ON act.person_id = a.person_id
        LEFT JOIN net ON net.person_id = a.person_id
        LEFT JOIN review_peak_band pb ON pb.person_id = a.person_id
        WHERE a.kind = 'child'
    ),
    aged AS (
        SELECT *,
               CASE WHEN date_of_birth IS NOT NULL AND first_seen_at IS NOT NULL
                        THEN year(first_seen_at) - year(date_of_birth)
                             - CASE WHEN strftime(first_seen_at, '%m%d') < strftime(date_of_birth, '%m%d')
                                    THEN 1 ELSE 0 END
                    WHEN birth_year IS NOT NULL AND first_seen_at IS NOT NULL
                        THEN year(first_seen_at) - birth_year END AS age_at_first_signal
        FROM base
    )
    SELECT *,
           CASE WHEN recognised_at IS NOT NULL THEN 'recognised'
                WHEN peak_rank >= 3 AND (has_disclosure OR has_legal_rule) THEN 'probable'
                WHEN peak_rank >= 2 OR in_network THEN 'possible' END AS tier,
           CASE WHEN recognised_at IS NOT NULL THEN 'formally identified: ' || recognised_by
                WHEN peak_rank >= 3 AND has_disclosure AND has_legal_rule
                    THEN 'high band, disclosure and legal-age rule'
                WHEN peak_rank >= 3 AND has_disclosure THEN 'high band with a disclosure'
                WHEN peak_rank >= 3 AND has_legal_rule THEN 'high band with a legal-age rule'
                WHEN peak_rank >= 2 AND in_network THEN peak_band || ' band, in a network'
                WHEN peak_rank >= 2 THEN peak_band || ' band'
                WHEN in_network THEN 'linked to a network' END AS tier_reason,
           year(first_seen_at) AS first_signal_year,
           CASE WHEN age_at_first_signal IS NULL THEN 'unknown'
                WHEN age_at_first_signal < 13 THEN 'under 13'
                WHEN age_at_first_signal >= 18 THEN '18 or over'
                ELSE CAST(age_at_first_signal AS VARCHAR) END AS age_group
    FROM aged
    """,
    "one row per child with the evidence that places them in a tier",
)

TIERED = Step(
    "review_tiers",
    """
    SELECT person_id, records, n_records, tier, tier_reason, sex, age_at_first_signal, age_group,
           first_signal_year, first_signal_at, first_flagged_at, first_action_at, first_action_type,
           recognised_at, peak_band, in_network, networks, signals, agencies_with_signals,
           agencies_with_records
    FROM review_children
    WHERE tier IS NOT NULL AND active_in_period
    ORDER BY CASE tier WHEN 'recognised' THEN 1 WHEN 'probable' THEN 2 ELSE 3 END,
             first_signal_at, person_id
    """,
    "the children in a tier whose records were active in the period",
)

BREAKDOWN = Step(
    "review_tier_breakdown",
    """
    WITH long AS (
        SELECT tier, 'year' AS dimension,
               coalesce(CAST(first_signal_year AS VARCHAR), 'unknown') AS value,
               1 AS dim_order, coalesce(first_signal_year, 9999) AS value_order
        FROM review_tiers
        UNION ALL
        SELECT tier, 'sex',
               CASE sex WHEN 'F' THEN 'female' WHEN 'M' THEN 'male' WHEN 'X' THEN 'other'
                        ELSE 'unknown' END,
               2, CASE sex WHEN 'F' THEN 1 WHEN 'M' THEN 2 WHEN 'X' THEN 3 ELSE 4 END
        FROM review_tiers
        UNION ALL
        SELECT tier, 'age at first signal', age_group, 3,
               CASE age_group WHEN 'under 13' THEN 0 WHEN '18 or over' THEN 90
                              WHEN 'unknown' THEN 99 ELSE TRY_CAST(age_group AS INTEGER) END
        FROM review_tiers
        UNION ALL
        SELECT tier, 'agencies holding signals',
               CASE WHEN agencies_with_signals >= 4 THEN '4 or more'
                    ELSE CAST(agencies_with_signals AS VARCHAR) END,
               4, least(agencies_with_signals, 4)
        FROM review_tiers
    )
    SELECT dimension, value,
           count(*) FILTER (WHERE tier = 'recognised') AS recognised,
           count(*) FILTER (WHERE tier = 'probable') AS probable,
           count(*) FILTER (WHERE tier = 'possible') AS possible,
           count(*) AS total, dim_order, value_order
    FROM long
    GROUP BY dimension, value, dim_order, value_order
    ORDER BY dim_order, value_order
    """,
    "tier counts by year of first signal, sex, age at first signal and agencies holding signals",
)

STEPS = (
    CHILD_RECORDS,
    CHILD_EVENTS,
    SIGNALS,
    RECOGNITION,
    ACTIONS,
    PEAK_BAND,
    CHILDREN,
    TIERED,
    BREAKDOWN,
)
