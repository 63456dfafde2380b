"""Networks replayed by recorded_at: membership and flag dates use nothing recorded later.

The graph stage (the real one) finds the networks on the whole history; the
score stage replays who was tied to each network, and when it was flagged.
"""

from datetime import date

import pytest

from lantern.score import stage
from lantern.score.weights import load_weights
from score_world import World, county, graph_built, with_partition_of

END = date(2010, 12, 31)
SCORE_TABLES = ("assessments", "score_history", "score_reasons", "network_assessments")


def scored(con, as_of: date | None = None, weights=None):
    stage.run(con, as_of, weights=weights)
    return con


def one_child_suspects_count():
    """Lantern's weights, but a suspect in one child's abuse report earns the suspect points
    with no second child (`adult.suspect_in_sexual_abuse_min_children` 1): the adult is then
    flagged in February, so the network's date is the late tie's alone."""
    weights = load_weights()
    adult = weights.adult.model_copy(update={"suspect_in_sexual_abuse_min_children": 1})
    return weights.model_copy(update={"adult": adult})


def rows(con, sql):
    return con.execute(sql).fetchall()


def late_tie_world() -> World:
    """Pia is abused by Yan in February; Quinn is flagged on her own in March, but her
    first record with Yan is recorded only in September."""
    w = World()
    w.person("police:P1", "1997-01-01")
    w.person("police:Q1", "1996-06-01")
    w.person("police:Y1", "1970-01-01", sex="M")
    for n, (occurred, recorded) in enumerate((("2010-02-01", "2010-02-03"), ("2010-02-20", None))):
        event = w.event(
            f"police:p{n}", occurred, recorded, {"police:P1": "victim", "police:Y1": "suspect"}
        )
        w.hit(event, "police:P1", "sexual_activity_under_13", "sexual_abuse_disclosed", 5.0, "high")
    event = w.event("police:q0", "2010-03-10", people={"police:Q1": "victim"})
    w.hit(event, "police:Q1", "sexual_activity_under_13", "sexual_abuse_disclosed", 5.0, "high")
    for n, day in enumerate(("2010-09-01", "2010-09-20")):
        event = w.event(
            f"police:q{n + 1}", day, people={"police:Q1": "victim", "police:Y1": "suspect"}
        )
        w.hit(event, "police:Q1", "car_with_adult", "vehicle", 3.0)
    return w


def test_a_network_is_flagged_only_once_its_second_child_is_tied_to_it():
    con = scored(graph_built(late_tie_world()), weights=one_child_suspects_count())
    ((network_id, children, adults, flagged_at),) = rows(
        con,
        "SELECT network_id, child_count, adult_count, first_flagged_at FROM network_assessments",
    )
    assert (children, adults) == (2, 1)
    flags = dict(rows(con, "SELECT records, first_flagged_at FROM assessments"))
    assert flags["police:Q1"] == date(2010, 3, 10)  # flagged on her own in March
    assert flags["police:Y1"] <= date(2010, 2, 20)
    assert flagged_at == date(2010, 9, 1)  # not March: her tie to Yan was recorded in September
    # With Lantern's own weights Yan, named in one girl's abuse, is flagged only once he is
    # recorded with a second child -- Quinn, in September.
    own = scored(graph_built(late_tie_world()))
    assert dict(rows(own, "SELECT records, first_flagged_at FROM assessments"))[
        "police:Y1"
    ] == date(2010, 9, 1)
    summer = scored(
        graph_built(late_tie_world()), as_of=date(2010, 6, 30), weights=one_child_suspects_count()
    )
    assert rows(summer, "SELECT first_flagged_at, child_count FROM network_assessments") == [
        (None, 1)
    ]
    quinn = rows(summer, "SELECT network_ids FROM assessments WHERE records = 'police:Q1'")
    assert quinn == [("",)]  # not in the network before anything tied her to it
    assert rows(con, "SELECT network_ids FROM assessments WHERE records = 'police:Q1'") == [
        (network_id,)
    ]


def test_the_full_history_gives_the_same_network_as_before_with_its_date():
    con = scored(graph_built(county()))
    found = rows(con, "SELECT members, first_flagged_at FROM network_assessments")
    assert len(found) == 1 and found[0][1] == date(2010, 7, 3)
    members = set(found[0][0].split(";"))
    assert members == {
        p for (p,) in rows(con, "SELECT DISTINCT node_id FROM networks WHERE node_id LIKE 'P%'")
    }


@pytest.mark.parametrize("world", [county, late_tie_world])
@pytest.mark.parametrize("cut", [date(2010, 6, 1), date(2010, 7, 3), date(2010, 9, 1)])
def test_networks_and_adults_as_of_a_date_use_nothing_recorded_after_it(world, cut):
    """With the whole history's partition, truncating everything else at D gives the
    full run's state as of D (networks, adults, children), and its history up to D."""
    full = scored(graph_built(world()))
    truncated = scored(with_partition_of(full, world(), cut), as_of=cut)
    as_of = scored(graph_built(world()), as_of=cut)
    for table in SCORE_TABLES:
        query = f"SELECT * FROM {table} ORDER BY ALL"  # noqa: S608
        assert rows(as_of, query) == rows(truncated, query), table
    history = 'SELECT cluster, track, "at", score, band FROM score_history'
    assert rows(full, history + f" WHERE \"at\" <= DATE '{cut}' ORDER BY ALL") == rows(
        truncated, history + " ORDER BY ALL"
    )
    flagged = f"SELECT network_id FROM network_assessments WHERE first_flagged_at <= DATE '{cut}'"  # noqa: S608
    assert rows(full, flagged + " ORDER BY 1") == rows(truncated, flagged + " ORDER BY 1")


@pytest.mark.parametrize("cut", [date(2010, 6, 1), date(2010, 7, 3), date(2010, 9, 1)])
def test_rerunning_the_graph_on_the_truncated_data_flags_no_network_earlier(cut):
    """Leiden on the truncated graph may cut differently in general; on these counties it
    does not, and the networks flagged by D, their members and dates are the full run's."""
    for world in (county, late_tie_world):
        as_of = scored(graph_built(world()), as_of=cut)
        truncated = scored(graph_built(world(), until=cut), as_of=cut)
        query = (
            "SELECT members, first_flagged_at FROM network_assessments "
            "WHERE first_flagged_at IS NOT NULL ORDER BY ALL"
        )
        assert rows(truncated, query) == rows(as_of, query)
