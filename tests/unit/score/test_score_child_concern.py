"""`assessments.concern`: a flagged child whose records name criminal exploitation and show
no sign of sexual harm is listed under criminal exploitation, on what was recorded by then."""

from datetime import date

import duckdb
import pytest

from lantern.score import stage
from score_world import World


def county() -> World:
    w = World()
    w.person("police:B1", "1996-01-01", sex="M")  # county lines, no sexual sign
    w.person("police:G1", "1996-01-01")  # county lines named, and a disclosure of abuse
    w.person("police:G2", "1996-01-01")  # no criminal exploitation named at all
    for child in ("police:B1", "police:G1", "police:G2"):
        for k in range(4):
            event = w.event(f"police:m{child[-2:]}{k}", f"2010-0{2 + k}-01",
                            people={child: "subject"}, event_type="missing_report")  # fmt: skip
            w.hit(event, child, "missing_episode", "missing", 5.0)
            w.hit(event, child, "found_with_adult", "older_associate", 5.0)
    for child in ("police:B1", "police:G1"):
        event = w.event(f"police:cl{child[-2:]}", "2010-06-01", people={child: "subject"})
        w.hit(event, child, "criminal_exploitation_named", "older_associate", 3.0)
    event = w.event("police:sx", "2010-08-01", people={"police:G1": "subject"})
    w.hit(event, "police:G1", "sexual_assault_disclosed", "sexual_abuse_disclosed", 5.0)
    return w


def concerns(as_of: date) -> dict[str, tuple[str, str]]:
    con = duckdb.connect()
    county().write(con)
    stage.run(con, as_of)
    return {
        records: (band, concern)
        for records, band, concern in con.execute(
            "SELECT records, band, concern FROM assessments WHERE kind = 'child'"
        ).fetchall()
    }


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        # in July: both county-lines children named, neither yet with a sexual sign
        (date(2010, 7, 1), {"police:B1": "criminal_exploitation",
                            "police:G1": "criminal_exploitation",
                            "police:G2": "sexual_exploitation"}),
        # by September G1's disclosure is recorded: a sign of sexual harm, so CSE again
        (date(2010, 9, 1), {"police:B1": "criminal_exploitation",
                            "police:G1": "sexual_exploitation",
                            "police:G2": "sexual_exploitation"}),
    ],
)  # fmt: skip
def test_the_concern_is_read_on_what_was_recorded_by_the_assessment_date(as_of, expected):
    found = concerns(as_of)
    assert {r: c for r, (_, c) in found.items()} == expected
    # the band is the band: a child listed under criminal exploitation is still flagged
    assert found["police:B1"][0] in ("medium", "high")


def with_adults() -> World:
    """The county, and three men: M1 with the county-lines boy twice, M2 with the boy and
    G2 (no criminal exploitation named), M3 with nobody flagged."""
    w = county()
    for man in ("police:M1", "police:M2", "police:M3"):
        w.person(man, "1980-01-01", sex="M")
    w.person("police:Q1", "1996-01-01")
    for k, (man, child) in enumerate(
        [("police:M1", "police:B1"), ("police:M1", "police:B1"), ("police:M2", "police:B1"),
         ("police:M2", "police:G2"), ("police:M3", "police:Q1")]
    ):  # fmt: skip
        event = w.event(f"police:a{k}", "2010-04-15", people={child: "subject", man: "suspect"})
        w.hit(event, child, "older_male_associate", "older_associate", 1.0)
    return w


def test_an_adult_around_only_county_lines_children_is_listed_under_that_concern():
    con = duckdb.connect()
    with_adults().write(con)
    stage.run(con, date(2010, 7, 1))
    found = dict(
        con.execute("SELECT records, concern FROM assessments WHERE kind = 'adult'").fetchall()
    )
    assert found["police:M1"] == "criminal_exploitation"
    # one of M2's flagged children is a CSE concern: so is he
    assert found["police:M2"] == "sexual_exploitation"
    # no flagged child around M3: not listed under another concern for want of any
    assert found.get("police:M3", "sexual_exploitation") == "sexual_exploitation"
