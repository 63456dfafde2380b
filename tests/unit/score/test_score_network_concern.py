"""A network whose children's records point to criminal, not sexual, exploitation is not
flagged as a CSE network on a day — judged only on what was recorded by that day."""

from __future__ import annotations

from datetime import date

from lantern.score.networks import Network, Signs, Tie, replay_network
from lantern.score.weights import NetworkWeights

RULES = NetworkWeights(min_flagged_children=2, min_flagged_adults=1)
KINDS = {"c1": "child", "c2": "child", "a1": "adult"}
JAN, MAR, JUN = date(2012, 1, 10), date(2012, 3, 1), date(2012, 6, 1)


def _network(signs: dict[str, Signs]) -> Network:
    return Network(
        "N1",
        nodes={"c1", "c2", "a1"},
        anchors={"a1"},
        ties=[Tie("N1", JAN, "a1", "c1"), Tie("N1", JAN, "a1", "c2")],
        signs=signs,
    )


def _flagged_at(signs: dict[str, Signs]) -> date | None:
    flags = {"c1": JAN, "c2": JAN}
    state = replay_network(_network(signs), [], flags, {"a1": JAN}, KINDS, RULES, JUN)
    return state.flagged_at


def test_a_network_with_no_criminal_exploitation_named_is_flagged_on_its_day():
    assert _flagged_at({}) == JAN


def test_children_named_in_county_lines_records_hold_the_flag_back():
    signs = {"c1": Signs(criminal=JAN, sexual=None), "c2": Signs(criminal=JAN, sexual=None)}
    assert _flagged_at(signs) is None


def test_a_sign_of_sexual_harm_recorded_later_flags_it_from_that_day():
    signs = {"c1": Signs(criminal=JAN, sexual=MAR), "c2": Signs(criminal=JAN, sexual=MAR)}
    assert _flagged_at(signs) == MAR


def test_criminal_exploitation_named_after_the_flag_does_not_reach_back():
    signs = {"c1": Signs(criminal=MAR, sexual=None), "c2": Signs(criminal=MAR, sexual=None)}
    assert _flagged_at(signs) == JAN


def test_the_concern_lists_are_the_ones_the_graph_stage_used():
    import duckdb

    from lantern.graph.rules import load_rules
    from lantern.score.networks import concern_signs

    con = duckdb.connect()
    defaults = concern_signs(con)  # a store from before the table: the default rules
    assert defaults["criminal_indicator"] == list(load_rules().signal_not_signals)
    con.execute("CREATE TABLE graph_concern_signs (sign VARCHAR, value VARCHAR)")
    con.execute(
        "INSERT INTO graph_concern_signs VALUES ('criminal_indicator', 'local_code'),"
        " ('sexual_category', 'sexual_abuse_disclosed')"
    )
    used = concern_signs(con)
    assert used["criminal_indicator"] == ["local_code"]
    assert used["sexual_category"] == ["sexual_abuse_disclosed"]
    assert used["sexual_indicator"] == []
