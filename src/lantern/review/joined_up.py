"""Information not joined up, counted by pair of agencies.

Two measures (docs/review.md defines both):

* **held apart** (always available) — a child the joint view flagged on day F,
  before any formal action, while two agencies each held a signal about the
  child recorded by F. The pair's information was on file, apart.
* **raised earlier together** (needs replays of the pipeline with subsets of
  agencies, see `lantern.review.siloed`) — a child whom agencies A and B
  together would have flagged strictly earlier than either alone.
"""

from __future__ import annotations

from lantern.review.steps import Step

SILOED_INPUTS = {
    "review_siloed_runs": "agencies VARCHAR",
    "review_siloed_flags": "agencies VARCHAR, record_id VARCHAR, first_flagged_at DATE",
}

HELD_APART = Step(
    "review_held_apart",
    """
    WITH by_flag AS (
        SELECT s.person_id, s.agency, s.first_flagged_at, s.first_action_at
        FROM review_agency_signals s
        WHERE s.first_flagged_at IS NOT NULL AND s.first_signal_at <= s.first_flagged_at
          AND (s.first_action_at IS NULL OR s.first_flagged_at < s.first_action_at)
    )
    SELECT a.person_id, a.agency AS agency_a, b.agency AS agency_b, a.first_flagged_at,
           a.first_action_at, coalesce(a.first_action_at, pd.period_to) - a.first_flagged_at
               AS days_before_action
    FROM by_flag a
    JOIN by_flag b ON b.person_id = a.person_id AND a.agency < b.agency
    CROSS JOIN review_period pd
    """,
    "children flagged before formal action while two agencies each held signals",
)

SILOED_CHILD_FLAGS = Step(
    "review_siloed_child_flags",
    """
    SELECT r.person_id, f.agencies, min(f.first_flagged_at) AS flagged_at
    FROM review_siloed_flags f
    JOIN review_child_records r ON r.record_id = f.record_id
    CROSS JOIN review_period pd
    WHERE f.first_flagged_at <= pd.period_to
    GROUP BY r.person_id, f.agencies
    """,
    "the earliest flag of each child's records in each replay with a subset of agencies",
)

PAIR_GAINS = Step(
    "review_pair_gains",
    """
    WITH pairs AS (
        SELECT agencies, split_part(agencies, ';', 1) AS a, split_part(agencies, ';', 2) AS b
        FROM review_siloed_runs WHERE len(string_split(agencies, ';')) = 2
    ),
    singles AS (SELECT agencies FROM review_siloed_runs WHERE strpos(agencies, ';') = 0)
    SELECT t.person_id, p.a AS agency_a, p.b AS agency_b, pf.flagged_at AS together_at,
           fa.flagged_at AS a_alone_at, fb.flagged_at AS b_alone_at, t.first_flagged_at,
           least(coalesce(fa.flagged_at, pd.period_to), coalesce(fb.flagged_at, pd.period_to))
               - pf.flagged_at AS days_earlier,
           fa.flagged_at IS NULL AND fb.flagged_at IS NULL AS neither_alone
    FROM review_tiers t
    CROSS JOIN pairs p
    CROSS JOIN review_period pd
    JOIN review_siloed_child_flags pf ON pf.person_id = t.person_id AND pf.agencies = p.agencies
    LEFT JOIN review_siloed_child_flags fa ON fa.person_id = t.person_id AND fa.agencies = p.a
    LEFT JOIN review_siloed_child_flags fb ON fb.person_id = t.person_id AND fb.agencies = p.b
    WHERE p.a IN (SELECT agencies FROM singles) AND p.b IN (SELECT agencies FROM singles)
      AND pf.flagged_at < coalesce(fa.flagged_at, DATE '9999-12-31')
      AND pf.flagged_at < coalesce(fb.flagged_at, DATE '9999-12-31')
    """,
    "children two agencies together would have flagged earlier than either alone",
)

BY_PAIR = Step(
    "review_pairs_not_joined",
    """
    WITH apart AS (
        SELECT agency_a, agency_b, count(DISTINCT person_id) AS children_held_apart,
               median(days_before_action) AS median_days_held_apart
        FROM review_held_apart GROUP BY ALL
    ),
    gains AS (
        SELECT agency_a, agency_b, count(DISTINCT person_id) AS children_raised_earlier,
               count(DISTINCT person_id) FILTER (WHERE neither_alone) AS children_neither_alone,
               median(days_earlier) AS median_days_earlier
        FROM review_pair_gains GROUP BY ALL
    ),
    replayed AS (SELECT count(*) > 0 AS done FROM review_siloed_runs)
    SELECT coalesce(a.agency_a, g.agency_a) AS agency_a, coalesce(a.agency_b, g.agency_b) AS agency_b,
           coalesce(a.children_held_apart, 0) AS children_held_apart, a.median_days_held_apart,
           CASE WHEN r.done THEN coalesce(g.children_raised_earlier, 0) END AS children_raised_earlier,
           CASE WHEN r.done THEN coalesce(g.children_neither_alone, 0) END AS children_neither_alone,
           g.median_days_earlier
    FROM apart a
    FULL JOIN gains g ON g.agency_a = a.agency_a AND g.agency_b = a.agency_b
    CROSS JOIN replayed r
    ORDER BY children_held_apart DESC, agency_a, agency_b
    """,
    "information not joined up, counted by pair of agencies",
)

STEPS = (HELD_APART, SILOED_CHILD_FLAGS, PAIR_GAINS, BY_PAIR)
