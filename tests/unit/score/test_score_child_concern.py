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
