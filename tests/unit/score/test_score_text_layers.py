"""Text hits score only from the layers the weights list (`child.scored_text_layers`).

The concept layer's findings are shown (indicator_hits keeps them, marked) but give no
points and no floor until a partnership scores that layer; the fixed patterns score."""

from __future__ import annotations

from datetime import date

import duckdb

from lantern.score import facts
from lantern.score.points import ChildModel
from lantern.score.weights import load_weights


def _store() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        """
        CREATE TABLE indicator_hits AS SELECT * FROM (VALUES
          ('h1', 'police:C1', 'gifts_unexplained', 'gifts_money', 2.0::DOUBLE, 'police',
           'police:E1', TIMESTAMP '2012-03-01', TIMESTAMP '2012-03-01', 'a new phone', NULL,
           'sexual_exploitation', 'patterns', 'text'),
          ('h2', 'police:C1', 'parties_with_adults', 'older_associate', 2.0::DOUBLE, 'police',
           'police:E2', TIMESTAMP '2012-03-02', TIMESTAMP '2012-03-02', 'at a party', NULL,
           'sexual_exploitation', 'concepts', 'text'),
          ('h3', 'police:C1', 'sexual_activity_adult', 'sexual_activity', 5.0::DOUBLE, 'police',
           'police:E3', TIMESTAMP '2012-03-03', TIMESTAMP '2012-03-03', 'sex with a man',
           'medium', 'sexual_exploitation', 'concepts', 'text'),
          ('h4', 'police:C1', 'legal_adult_with_child_under16', 'legal', 5.0::DOUBLE, 'police',
           'police:E3', TIMESTAMP '2012-03-03', TIMESTAMP '2012-03-03', 'aged 14, partner 24',
           'medium', 'sexual_exploitation', NULL, 'legal'),
          ('h5', 'police:C1', 'missing_episode', 'missing', 1.0::DOUBLE, 'police',
           'police:E4', TIMESTAMP '2012-03-04', TIMESTAMP '2012-03-04', 'missing', NULL,
           'sexual_exploitation', NULL, 'structured')
        ) AS t(hit_id, record_id, indicator, category, weight, agency, event_id, occurred_at,
               recorded_at, evidence, legal_floor, concern, text_layer, source)
        """
    )
    return con


def test_the_shipped_weights_score_the_fixed_patterns_only():
    assert load_weights().child.scored_text_layers == ["patterns"]


def test_a_concept_only_finding_gives_no_points_and_no_floor():
    weights = load_weights()
    con = _store()
    kept = facts.read_hits(con, date(2012, 12, 31), [], [], weights.child.scored_text_layers)
    # the fixed pattern's finding, the legal hit and the structured hit score
    assert [h.hit_id for h in kept] == ["h1", "h4", "h5"]
    model = ChildModel(weights.child)
    on = date(2012, 3, 10)
    concept_only = [h for h in facts.read_hits(con, date(2012, 12, 31)) if h.hit_id == "h2"]
    assert concept_only and model.total(concept_only, on) > 0  # it would score if counted
    assert {h.legal_floor for h in kept if h.indicator == "sexual_activity_adult"} == set()


def test_a_fixed_pattern_finding_gives_points():
    weights = load_weights()
    con = _store()
    kept = facts.read_hits(con, date(2012, 12, 31), [], [], weights.child.scored_text_layers)
    pattern = [h for h in kept if h.hit_id == "h1"]
    assert pattern and ChildModel(weights.child).total(pattern, date(2012, 3, 10)) > 0


def test_listing_the_concept_layer_scores_it():
    con = _store()
    both = facts.read_hits(con, date(2012, 12, 31), [], [], ["patterns", "concepts"])
    assert [h.hit_id for h in both] == ["h1", "h2", "h3", "h4", "h5"]
    assert facts.read_hits(con, date(2012, 12, 31)) == both  # None: every layer
