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


# ------------------------------------------------------------------ beyond the child's points
# A finding of a layer the weights do not score is no sign anywhere the score or the review
# reads hits: not for a link to an adult (`score_hit_events`), not for a network's concern
# (`_read_signs`), not for the review's tiers (`review_signals`).


def _events(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        CREATE TABLE events AS SELECT * FROM (VALUES
          ('police:E1', 'police', TIMESTAMP '2012-03-01', TIMESTAMP '2012-03-01'),
          ('police:E2', 'police', TIMESTAMP '2012-03-02', TIMESTAMP '2012-03-02'),
          ('police:E3', 'police', TIMESTAMP '2012-03-03', TIMESTAMP '2012-03-03')
        ) AS t(event_id, agency, occurred_at, recorded_at);
        CREATE TABLE event_people AS SELECT * FROM (VALUES
          ('police:E1', 'police:C1', 'subject'), ('police:E1', 'police:A1', 'associate'),
          ('police:E2', 'police:C1', 'subject'), ('police:E2', 'police:A1', 'associate'),
          ('police:E3', 'police:C1', 'subject'), ('police:E3', 'police:A1', 'associate')
        ) AS t(event_id, record_id, role)
        """
    )


def _signal_events(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {e for (e,) in con.execute("SELECT event_id FROM score_hit_events").fetchall()}


def test_a_concept_only_finding_is_no_sign_for_a_link():
    con = _store()
    _events(con)
    facts.read_link_facts(con, date(2012, 12, 31), ["suspect"], None, None, ["patterns"])
    # E2 holds only a concept-layer finding; the legal (E3) and structured (E4) hits have no
    # layer and still count
    assert _signal_events(con) == {"police:E1", "police:E3", "police:E4"}
    facts.read_link_facts(con, date(2012, 12, 31), ["suspect"], None, None, None)
    assert _signal_events(con) == {"police:E1", "police:E2", "police:E3", "police:E4"}


def test_a_concept_only_finding_is_no_sign_of_a_networks_concern():
    from lantern.score import networks

    con = duckdb.connect()
    con.execute(
        """
        CREATE TABLE indicator_hits AS SELECT * FROM (VALUES
          ('police:C1', 'sexual_assault_disclosed', 'sexual_abuse_disclosed',
           TIMESTAMP '2012-03-02', NULL, 'concepts'),
          ('police:C2', 'sexual_assault_disclosed', 'sexual_abuse_disclosed',
           TIMESTAMP '2012-03-05', NULL, 'patterns')
        ) AS t(record_id, indicator, category, recorded_at, concern, text_layer);
        CREATE TABLE score_network_nodes AS SELECT * FROM (VALUES
          ('N1', 'police:C1', FALSE), ('N1', 'police:C2', FALSE)
        ) AS t(network_id, node, anchor)
        """
    )
    found = {"N1": networks.Network("N1", {"police:C1", "police:C2"})}
    networks._read_signs(con, found, date(2012, 12, 31), ["patterns"])
    assert set(found["N1"].signs) == {"police:C2"}
    found = {"N1": networks.Network("N1", {"police:C1", "police:C2"})}
    networks._read_signs(con, found, date(2012, 12, 31), None)
    assert set(found["N1"].signs) == {"police:C1", "police:C2"}


def test_a_concept_only_finding_is_no_signal_in_the_review():
    from lantern.review.definitions import load_definitions, write_terms
    from lantern.review.tiers import SIGNALS

    con = _store()
    con.execute(
        """
        CREATE TABLE review_child_records AS SELECT 'P1' AS person_id, 'police:C1' AS record_id;
        CREATE TABLE review_period AS SELECT DATE '2012-01-01' AS period_from,
                                             DATE '2012-12-31' AS period_to
        """
    )
    con.execute(
        "CREATE VIEW review_source_hits AS SELECT *, text_layer AS review_text_layer "
        "FROM indicator_hits"
    )  # as review/upstream.py makes it
    write_terms(con, load_definitions())  # the shipped weights: patterns only
    SIGNALS.run(con)
    shown = con.execute("SELECT indicator FROM review_signals ORDER BY indicator").fetchall()
    assert [i for (i,) in shown] == [
        "gifts_unexplained",
        "legal_adult_with_child_under16",
        "missing_episode",
    ]
    write_terms(con, load_definitions(), ["patterns", "concepts"])
    SIGNALS.run(con)
    assert con.execute("SELECT count(*) FROM review_signals").fetchone() == (5,)
