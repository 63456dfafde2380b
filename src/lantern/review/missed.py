"""Missed opportunities: who held what, when the joint view would have flagged
the child, when formal action came, and records closed while the child was flaggable."""

from __future__ import annotations

from lantern.review.steps import Step

AGENCY_SIGNALS = Step(
    "review_agency_signals",
    """
    SELECT t.person_id, t.tier, s.agency,
           min(s.recorded_on) AS first_signal_at,
           count(*) AS signals,
           count(*) FILTER (WHERE s.recorded_on <= t.first_flagged_at) AS signals_by_flag,
           any_value(t.first_flagged_at) AS first_flagged_at,
           any_value(t.first_action_at) AS first_action_at,
           any_value(t.first_flagged_at) - min(s.recorded_on) AS days_to_joint_flag
    FROM review_tiers t
    JOIN review_signals s ON s.person_id = t.person_id
    GROUP BY t.person_id, t.tier, s.agency
    """,
    "for each child in a tier and each agency: the first date that agency held a signal",
)

NFA_CLOSURES = Step(
    "review_nfa_closures",
    """
    WITH closed AS (
        SELECT t.person_id, t.tier, t.first_flagged_at, e.event_id, e.agency, e.event_type,
               e.occurred_on, e.recorded_on, e.outcome
        FROM review_tiers t
        JOIN review_child_events e ON e.person_id = t.person_id
        CROSS JOIN review_terms tm
        CROSS JOIN review_period pd
        WHERE t.first_flagged_at IS NOT NULL AND e.recorded_on >= t.first_flagged_at
          AND e.recorded_on >= pd.period_from
          AND regexp_matches(coalesce(e.outcome, ''), tm.no_further_action, 'i')
    )
    SELECT c.person_id, c.tier, c.event_id, c.agency, c.event_type, c.occurred_on, c.recorded_on,
           c.outcome, coalesce(h.band, 'medium') AS band_when_closed,
           c.recorded_on - c.first_flagged_at AS days_since_flaggable
    FROM closed c
    ASOF LEFT JOIN review_source_score_history h ON h.person_id = c.person_id AND c.recorded_on >= h."at"
    WHERE h.band IS NULL OR review_band_rank(h.band) >= 2
    """,
    "records about a flaggable child closed with no further action",
)

MISSED = Step(
    "review_missed",
    """
    WITH first_agency AS (
        SELECT person_id, arg_min(agency, first_signal_at) AS first_agency
        FROM review_agency_signals GROUP BY person_id
    ),
    held AS (
        SELECT person_id, count(*) FILTER (WHERE first_signal_at <= first_flagged_at)
                   AS agencies_by_flag
        FROM review_agency_signals GROUP BY person_id
    ),
    nfa AS (SELECT person_id, count(*) AS closures FROM review_nfa_closures GROUP BY person_id)
    SELECT t.person_id, t.tier, t.first_signal_at, fa.first_agency, t.agencies_with_signals,
           coalesce(held.agencies_by_flag, 0) AS agencies_by_flag,
           t.first_flagged_at, t.first_action_at, t.first_action_type,
           t.first_flagged_at - t.first_signal_at AS days_signal_to_flag,
           CASE WHEN t.first_flagged_at IS NOT NULL
                THEN coalesce(t.first_action_at, pd.period_to) - t.first_flagged_at END AS gap_days,
           CASE WHEN t.first_flagged_at IS NULL THEN NULL
                WHEN t.first_action_at IS NULL THEN 'no action by period end'
                -- a negative gap is no gap: the action came first (it read as a gap of -598)
                WHEN t.first_action_at < t.first_flagged_at THEN 'formal action before the flag'
                ELSE 'formal action' END AS gap_ends,
           coalesce(nfa.closures, 0) AS closed_nfa_while_flaggable
    FROM review_tiers t
    CROSS JOIN review_period pd
    LEFT JOIN first_agency fa ON fa.person_id = t.person_id
    LEFT JOIN held ON held.person_id = t.person_id
    LEFT JOIN nfa ON nfa.person_id = t.person_id
    ORDER BY gap_days DESC NULLS LAST, t.person_id
    """,
    "for each child in a tier: first signal, joint flag, formal action and the gap",
)

BY_AGENCY = Step(
    "review_missed_by_agency",
    """
    WITH held AS (
        SELECT agency,
               count(*) AS children_with_signal,
               count(*) FILTER (WHERE first_signal_at < first_flagged_at)
                   AS children_signal_before_joint_flag,
               median(days_to_joint_flag) FILTER (WHERE days_to_joint_flag > 0)
                   AS median_days_signal_to_joint_flag,
               count(*) FILTER (WHERE first_action_at IS NULL OR first_signal_at < first_action_at)
                   AS children_signal_before_action
        FROM review_agency_signals GROUP BY agency
    ),
    closed AS (
        SELECT agency, count(*) AS nfa_closures_while_flaggable,
               count(DISTINCT person_id) AS children_closed_nfa
        FROM review_nfa_closures GROUP BY agency
    )
    SELECT coalesce(h.agency, c.agency) AS agency,
           coalesce(h.children_with_signal, 0) AS children_with_signal,
           coalesce(h.children_signal_before_joint_flag, 0) AS children_signal_before_joint_flag,
           h.median_days_signal_to_joint_flag,
           coalesce(h.children_signal_before_action, 0) AS children_signal_before_action,
           coalesce(c.nfa_closures_while_flaggable, 0) AS nfa_closures_while_flaggable,
           coalesce(c.children_closed_nfa, 0) AS children_closed_nfa
    FROM held h FULL JOIN closed c ON c.agency = h.agency
    ORDER BY agency
    """,
    "missed opportunities per agency",
)

BY_YEAR = Step(
    "review_missed_by_year",
    """
    WITH flagged AS (
        SELECT year(first_flagged_at) AS year, count(*) AS children_flagged,
               count(*) FILTER (WHERE first_action_at IS NOT NULL) AS with_formal_action,
               count(*) FILTER (WHERE first_action_at > first_flagged_at) AS action_after_flag,
               count(*) FILTER (WHERE first_action_at IS NULL) AS no_formal_action,
               median(gap_days) FILTER (WHERE gap_ends = 'formal action' AND gap_days > 0)
                   AS median_days_flag_to_action
        FROM review_missed WHERE first_flagged_at IS NOT NULL GROUP BY year
    ),
    closed AS (
        SELECT year(recorded_on) AS year, count(*) AS nfa_closures_while_flaggable
        FROM review_nfa_closures GROUP BY year
    )
    SELECT coalesce(f.year, c.year) AS year,
           coalesce(f.children_flagged, 0) AS children_flagged,
           coalesce(f.with_formal_action, 0) AS with_formal_action,
           coalesce(f.action_after_flag, 0) AS action_after_flag,
           coalesce(f.no_formal_action, 0) AS no_formal_action,
           f.median_days_flag_to_action,
           coalesce(c.nfa_closures_while_flaggable, 0) AS nfa_closures_while_flaggable
    FROM flagged f FULL JOIN closed c ON c.year = f.year
    ORDER BY year
    """,
    "missed opportunities per year (year the joint view flagged the child; year of closure)",
)

STEPS = (AGENCY_SIGNALS, NFA_CLOSURES, MISSED, BY_AGENCY, BY_YEAR)
