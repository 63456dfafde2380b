"""Riverside's notes read as its README tells them (issue 20, "The Riverside example does not
tell its own story"; the text parts, issue 15).

One pipeline run on examples/riverside; each promise about a note is asserted on the
indicator hits the pipeline wrote for the child the note is about, with the words they
rest on.
"""

from __future__ import annotations

import pytest

from lantern.pipeline import run
from lantern.store.connection import connect
from support import EXAMPLES


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    store = tmp_path_factory.mktemp("riverside-text") / "riverside.duckdb"
    run(store, EXAMPLES / "riverside")
    con = connect(store, read_only=True)
    yield con
    con.close()


def text_hits(con, event_id: str) -> dict[str, str]:
    """Indicator -> the words it rests on, for the text hits of one event."""
    rows = con.execute(
        "SELECT indicator, span_text FROM indicator_hits WHERE event_id = ? AND source = 'text'",
        [event_id],
    ).fetchall()
    return {indicator: words for indicator, words in rows}


def test_kayleighs_mother_is_heard(con):
    """PE-0003: "Mother Tracey MARSH phoned to say her daughter Kayleigh is hanging around
    with older men in a car and coming back with new clothes." The signs are Kayleigh's,
    reported by her mother (the mother's words were once taken to be about the mother)."""
    hits = text_hits(con, "police:PE-0003")
    assert "older" in hits["older_associates"]
    assert "car" in hits["seen_in_car_with_adult"]
    assert hits["unexplained_gifts"] == "new clothes"


def test_chloes_mother_is_heard(con):
    """SC-E-0009: "Chloe's mother worried Chloe is spending time with Kayley and 'older lads
    with cars'"."""
    hits = text_hits(con, "social_care:SC-E-0009")
    assert hits["older_associates"] == "older lads"
    assert "cars" in hits["seen_in_car_with_adult"]


def test_chloes_cuts_are_self_harm_not_an_assault(con):
    """H-E-0004: "Superficial cuts to forearm." is self-harm; the same words are not also
    an injury someone did to her."""
    hits = text_hits(con, "health:H-E-0004")
    assert "cuts to forearm" in hits["self_harm"]
    assert "injury" not in hits and "physical_assault" not in hits


def test_a_boyfriend_about_20_is_an_older_associate(con):
    """SC-E-0003: her "boyfriend 'Smiley' who is about 20": an adult partner of a 12-year-old."""
    hits = text_hits(con, "social_care:SC-E-0003")
    assert "about 20" in hits["older_boyfriend"]
