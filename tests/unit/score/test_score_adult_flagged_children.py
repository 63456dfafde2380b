"""An adult's link to a child counts as a link to a flagged child from the day the child was
first flagged on her own signs, not only while those signs are fresh (score/replay.py
`Cluster.flagged_on`): a man named in two girls' exploitation in 2010 is still a person of
interest in 2014, when their records have gone quiet."""

from datetime import date

import duckdb

from lantern.score import stage
from score_world import county


def x1(as_of: date) -> tuple:
    con = duckdb.connect()
    county().write(con)
    stage.run(con, as_of)
    return con.execute(
        "SELECT score, band, linked_children FROM assessments WHERE records = 'police:X1'"
    ).fetchone()


def girls_points(as_of: date) -> list:
    con = duckdb.connect()
    county().write(con)
    stage.run(con, as_of)
    return con.execute(
        "SELECT records, score FROM assessments WHERE records IN ('police:B1') OR "
        "records LIKE '%police:A1%' ORDER BY records"
    ).fetchall()


def test_the_girls_signs_have_decayed_four_years_on():
    # The premise: on the later date neither girl is flagged on her own points any more.
    assert all(score < 16 for _, score in girls_points(date(2014, 12, 31)))


def test_the_man_around_both_girls_keeps_them_as_flagged_children():
    then, later = x1(date(2010, 12, 31)), x1(date(2014, 12, 31))
    assert then[2] == 2
    assert later[2] == then[2]
    assert later[0] == then[0] and later[1] == then[1]


def test_before_either_girl_was_flagged_he_has_no_flagged_child():
    # On 1 April 2010 nothing about Amy or Bea has reached medium.
    score = x1(date(2010, 4, 1))
    assert score is None or score[2] == 0
