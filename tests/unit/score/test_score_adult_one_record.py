"""One record is one account (points.adult_score): two flagged children named in a single
report with a man count as one for his band; a second record about the other child counts."""

from datetime import date

from lantern.score.points import ChildLink, adult_score
from lantern.score.weights import load_weights

ADULT = load_weights().adult
DAY = date(2012, 7, 10)


def link(child: str, event: str, abuse: bool = True, day: date = DAY) -> ChildLink:
    return ChildLink(child, True, event, "police", day, day, abuse)


def test_two_sisters_in_one_report_are_one_account():
    score = adult_score([link("A", "e1"), link("B", "e1")], ADULT, children_recorded_with=2)
    # 8 for the first, 1 for the second (counted once), no sexual-abuse points: one child
    assert (score.score, score.band) == (9.0, "low")
    assert any("counted once" in r.evidence for r in score.reasons)


def test_a_second_record_about_the_other_child_counts_her():
    links = [link("A", "e1"), link("B", "e1"), link("B", "e2", abuse=False, day=date(2012, 9, 1))]
    score = adult_score(links, ADULT, children_recorded_with=2)
    assert (score.score, score.band) == (22.0, "medium")


def test_two_children_in_two_records_are_two():
    score = adult_score([link("A", "e1"), link("B", "e2")], ADULT, children_recorded_with=2)
    assert score.score == 22.0
