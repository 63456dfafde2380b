"""Criminal exploitation signs are shown but do not score for CSE (weights `unscored_concerns`)."""

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
          ('h1', 'police:C1', 'criminal_exploitation_named', 'older_associate', 2.0::DOUBLE, 'police',
           'police:E1', TIMESTAMP '2012-03-01', TIMESTAMP '2012-03-01', 'county lines', NULL, NULL),
          ('h2', 'police:C1', 'criminal_exploitation_code', 'older_associate', 2.0::DOUBLE, 'social_care',
           'social_care:E2', TIMESTAMP '2012-03-02', TIMESTAMP '2012-03-02', 'cin:24A', NULL, NULL),
          ('h3', 'police:C1', 'found_with_adult', 'older_associate', 3.0::DOUBLE, 'police',
           'police:E3', TIMESTAMP '2012-03-03', TIMESTAMP '2012-03-03', 'with an adult aged 31', NULL, NULL)
        ) AS t(hit_id, record_id, indicator, category, weight, agency, event_id, occurred_at,
               recorded_at, evidence, legal_floor, concern)
        """
    )
    return con


def test_the_shipped_weights_leave_criminal_exploitation_unscored():
    weights = load_weights()
    assert weights.child.unscored_concerns == ["criminal_exploitation", "child_sexual_abuse"]
    unscored = facts.unscored_indicators(weights.child.unscored_concerns)
    assert "criminal_exploitation_named" in unscored and "criminal_exploitation_code" in unscored
    assert "found_with_adult" not in unscored
    assert "sexual_abuse_intrafamilial" in unscored
    assert "sexual_offence_reported" not in unscored  # a hit's own concern decides (attribution)


def test_a_county_lines_sign_adds_no_cse_points_but_a_shared_sign_still_does():
    weights = load_weights()
    con = _store()
    unscored = facts.unscored_indicators(weights.child.unscored_concerns)
    kept = facts.read_hits(con, date(2012, 12, 31), unscored)
    assert [h.indicator for h in kept] == ["found_with_adult"]
    everything = facts.read_hits(con, date(2012, 12, 31))
    model = ChildModel(weights.child)
    on = date(2012, 3, 10)
    assert model.total(kept, on) == 3.0  # the adult with the child still counts in full
    assert model.total(everything, on) > model.total(kept, on)
