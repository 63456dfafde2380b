"""The round trip on a small synthetic county: social care → each format → `lantern adapt`.

The adapted county must hold exactly what the format can hold of the original (roundtrip.HELD):
the same children with the same identifiers, and the same events (kind, child, date, end,
`cin:` codes). The slow test runs `lantern assess` on both and compares persons and flags.
"""

from __future__ import annotations

import pytest

from lantern.adapters import roundtrip
from lantern.pipeline import assess
from lantern.synth.county import generate

FORMATS = ("ssda903", "cin", "annex-a", "ssd")


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    out = tmp_path_factory.mktemp("county")
    generate(out, seed=3, children=300, years=10, start_year=2004)
    return out


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_format_gives_back_what_it_holds(county, tmp_path, fmt):
    trip = roundtrip.build(county, fmt, tmp_path / fmt)
    assert trip.issues == []
    adapted, expected = roundtrip.event_keys(trip.adapted), roundtrip.event_keys(trip.expected)
    assert sum(expected.values()) > 20
    assert adapted == expected
    columns = roundtrip.HELD[fmt]["people"]
    assert roundtrip.people_rows(trip.adapted, columns) == roundtrip.people_rows(
        trip.expected, columns
    )
    # the writer leaves out only what the format has no place for, each with its reason
    assert all(why for why in trip.not_held)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_assess_gives_the_same_persons_and_flags(county, tmp_path, fmt):
    trip = roundtrip.build(county, fmt, tmp_path / fmt)
    assess(trip.adapted, tmp_path / "adapted-out")
    assess(trip.expected, tmp_path / "expected-out")
    assert roundtrip.persons(tmp_path / "adapted-out") == roundtrip.persons(
        tmp_path / "expected-out"
    )
    assert roundtrip.flags(tmp_path / "adapted-out") == roundtrip.flags(tmp_path / "expected-out")
