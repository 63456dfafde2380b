"""`lantern run` on Riverside writes the adults' evidence picture (issue 22): Cole's picture holds
the police's own stop of his car with the girls, not only what Kayleigh said, and the two
disruption actions of disruption_actions.csv are resolved to him and to his car."""

from __future__ import annotations

from datetime import date

import pytest

from lantern.cli import main
from lantern.store.connection import connect
from support import EXAMPLES


@pytest.fixture(scope="module")
def riverside(tmp_path_factory):
    store = tmp_path_factory.mktemp("riverside") / "riverside.duckdb"
    assert main(["run", str(EXAMPLES / "riverside"), "--store", str(store)]) == 0
    con = connect(store, read_only=True)
    yield con
    con.close()


def _cole(con) -> str:
    return con.execute("SELECT person_id FROM persons WHERE record_id = 'police:P1003'").fetchone()[
        0
    ]


def test_the_disruption_actions_are_loaded_and_resolved_to_their_targets(riverside):
    cole = _cole(riverside)
    rows = riverside.execute(
        "SELECT disruption_id, action, target_kind, target_id, started_on, owner FROM disruptions "
        "ORDER BY disruption_id"
    ).fetchall()
    assert rows == [
        ("police:DA-0001", "anpr_marker", "vehicle", "vehicle:KX09LMN", date(2014, 1, 16),
         "Intelligence unit"),
        ("police:DA-0002", "cawn", "person", cole, date(2014, 1, 24), "DS Okafor"),
    ]  # fmt: skip
    assert riverside.execute(
        "SELECT count(*) FROM quarantine WHERE table_name = 'disruption_actions'"
    ).fetchone() == (0,)


def test_coles_picture_holds_items_that_rest_on_no_childs_account(riverside):
    cole = _cole(riverside)
    kayleigh = riverside.execute(
        "SELECT person_id FROM persons WHERE record_id = 'police:P1001'"
    ).fetchone()[0]
    items = riverside.execute(
        "SELECT event_id, kind, child_id, account_of FROM adult_evidence WHERE adult_id = ?",
        [cole],
    ).fetchall()
    stop = [i for i in items if i[0] == "police:PE-0004"]
    # the vehicle stop on the ring road: the police saw him driving the girls themselves
    assert stop and all(kind == "vehicle" and account is None for _, kind, _, account in stop)
    assert {child for _, _, child, _ in stop} >= {kayleigh}
    # setting Kayleigh's own words aside leaves items
    assert any(account is None for *_, account in items)


def test_the_months_either_side_of_the_actions_are_there_to_compare(riverside):
    cole = _cole(riverside)
    months = riverside.execute(
        "SELECT month, sightings, children_seen FROM target_activity_months "
        "WHERE target_kind = 'person' AND target_id = ? ORDER BY month",
        [cole],
    ).fetchall()
    # after the January 2014 intelligence (his car, his phone) and the CAWN: no child with him
    assert months and all(children == 0 for m, _, children in months if m >= date(2014, 1, 1))
    assert any(children >= 2 for _, _, children in months)  # May 2013: both girls in his car
