"""A record whose hits name the adult as the child's family (`indicator_hits.relation`) makes
no link (issue 16): the uncle a disclosure names as suspect is for child protection and the
police, not a tie between the child and an exploiter; his hits score no CSE points."""

from datetime import date

import duckdb

from lantern.score import facts
from score_world import World

END = date(2015, 12, 31)


def _world(relation: str | None) -> World:
    w = World()
    w.person("police:U1", "1975-03-01", sex="M")
    girl = w.person("police:G1", "2002-05-01")
    report = w.event("police:s1", "2014-06-10", event_type="sexual_offence_report",
                     people={girl: "victim", "police:U1": "suspect"})  # fmt: skip
    w.hit(report, girl, "sexual_offence_reported", "sexual_abuse_disclosed", 4.0)
    w.hits[-1]["relation"] = relation
    return w


def _read(relation: str | None) -> tuple[list[facts.LinkFact], list]:
    con = duckdb.connect()
    _world(relation).write(con)
    links = facts.read_link_facts(con, END, ["suspect", "offender"], routine=facts.RoutineRule(),
                                  family_relations=["family"])  # fmt: skip
    hits = facts.read_hits(con, END, unscored_relations=["family"])
    return links, hits


def test_a_family_record_makes_no_link_and_scores_nothing() -> None:
    links, hits = _read("family")
    assert [(f.target, f.qualifies, f.by_suspect) for f in links] == [("R:police:U1", False, False)]
    assert hits == []


def test_the_same_record_without_the_mark_links_and_scores() -> None:
    links, hits = _read(None)
    assert [(f.target, f.qualifies, f.by_suspect) for f in links] == [("R:police:U1", True, True)]
    assert [h.indicator for h in hits] == ["sexual_offence_reported"]
