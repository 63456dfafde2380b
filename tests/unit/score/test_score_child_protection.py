"""Child sexual abuse that is not exploitation is listed for child protection, never hidden
(issue 16, `lantern.score.child_protection`): a child whose CSE score is below medium and whose
records hold abuse attributed to the family (a peer, a stranger's exposure) that the law makes
an offence is listed under `child_sexual_abuse` at the law's band, with a reason row saying
so; a child flagged for CSE keeps that concern and gets the reason row too."""

from __future__ import annotations

from datetime import date

import duckdb

from lantern.score import child_protection
from lantern.score.weights import load_weights

UNTIL = date(2014, 6, 30)


def _store() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        """
        CREATE TABLE indicator_hits AS SELECT * FROM (VALUES
          ('police:A', 'legal_under13_sexual_activity', 'sexual_abuse_disclosed', 'police',
           'police:E1', TIMESTAMP '2013-05-01', TIMESTAMP '2013-05-02',
           'Aged 9: a sexual offence report; the record attributes this to the family', 'high',
           'child_sexual_abuse', NULL),
          ('police:B', 'legal_under13_sexual_activity', 'sexual_abuse_disclosed', 'police',
           'police:E2', TIMESTAMP '2013-05-01', TIMESTAMP '2013-05-02', 'Aged 8: ...', 'high',
           'child_sexual_abuse', NULL),
          ('police:C', 'legal_under13_sexual_activity', 'sexual_abuse_disclosed', 'police',
           'police:E3', TIMESTAMP '2010-01-01', TIMESTAMP '2010-01-02', 'Aged 7: ...', 'high',
           'child_sexual_abuse', NULL),
          ('police:D', 'legal_adult_with_child_under16', 'sexual_abuse_disclosed', 'police',
           'police:E4', TIMESTAMP '2014-01-01', TIMESTAMP '2014-01-02', 'Aged 14: ...', 'medium',
           'child_sexual_abuse', 'concepts'),
          ('police:E', 'legal_adult_with_child_under16', 'sexual_abuse_disclosed', 'police',
           'police:E5', TIMESTAMP '2014-01-01', TIMESTAMP '2014-01-02', 'Aged 14: ...', 'medium',
           'sexual_exploitation', NULL),
          ('police:F', 'legal_adult_with_child_under16', 'sexual_abuse_disclosed', 'police',
           'police:E6', TIMESTAMP '2014-07-01', TIMESTAMP '2014-07-02', 'Aged 14: ...', 'medium',
           'child_sexual_abuse', NULL)
        ) AS t(record_id, indicator, category, agency, event_id, occurred_at, recorded_at,
               evidence, legal_floor, concern, text_layer)
        """
    )
    con.execute(
        "CREATE TABLE score_persons AS SELECT record_id, 'P' || substr(record_id, 8) AS person_id "
        "FROM indicator_hits"
    )
    con.execute(
        """
        CREATE TABLE assessments AS SELECT * FROM (VALUES
          ('PA', 'child', 'none', 'sexual_exploitation', 'a missed return interview'),
          ('PB', 'child', 'high', 'sexual_exploitation', 'an older boyfriend'),
          ('PC', 'child', 'none', 'sexual_exploitation', ''),
          ('PD', 'child', 'none', 'sexual_exploitation', ''),
          ('PE', 'child', 'low', 'sexual_exploitation', ''),
          ('PF', 'child', 'none', 'sexual_exploitation', '')
        ) AS t(person_id, kind, band, concern, top_reasons)
        """
    )
    con.execute(
        "CREATE TABLE score_reasons (person_id VARCHAR, points DOUBLE, category VARCHAR, "
        "indicator VARCHAR, agency VARCHAR, event_id VARCHAR, occurred_at DATE, recorded_at DATE, "
        "evidence VARCHAR, track VARCHAR)"
    )
    return con


def test_listed_for_child_protection_at_the_laws_band_never_hidden():
    con = _store()
    weights = load_weights().child
    assert child_protection.write(con, UNTIL, weights, weights.scored_text_layers) == 1
    rows = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT person_id, band, concern, top_reasons FROM assessments"
        ).fetchall()
    }
    band, concern, top = rows["PA"]
    assert (band, concern) == ("high", "child_sexual_abuse")
    assert top.startswith("child sexual abuse the records do not attribute to exploitation")
    assert top.endswith("; a missed return interview")
    # flagged for CSE: that concern and band stay, the abuse is shown beside them
    assert rows["PB"][:2] == ("high", "sexual_exploitation")
    # no longer current (over three years), read only by the unscored concept layer, a CSE
    # sign (the CSE score's own), or recorded after the assessment date: not listed
    for person in ("PC", "PD", "PE", "PF"):
        assert rows[person][1] == "sexual_exploitation", person
    why = dict(
        con.execute("SELECT person_id, evidence FROM score_reasons WHERE points = 0").fetchall()
    )
    assert set(why) == {"PA", "PB"}
    assert "listed for child protection at high" in why["PA"]
    assert "shown beside the CSE band" in why["PB"]
    assert "attributes this to the family" in why["PA"]


def test_a_county_whose_abused_children_are_all_flagged_lists_none():
    con = _store()
    con.execute("UPDATE assessments SET band = 'medium' WHERE person_id = 'PA'")
    weights = load_weights().child
    assert child_protection.write(con, UNTIL, weights, weights.scored_text_layers) == 0
    assert con.execute("SELECT count(*) FROM score_reasons").fetchone() == (2,)
    con.execute("DELETE FROM indicator_hits")
    assert child_protection.write(con, UNTIL, weights, weights.scored_text_layers) == 0
