"""`JoinTimes`: when two records first became one person, by the links' `available_at`."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from lantern.resolve.constrained_clusters import DisjointSets
from lantern.resolve.replay import JoinTimes


def test_records_join_when_the_last_link_on_their_path_arrives():
    links = [
        ("a", "b", datetime(2010, 1, 1)),
        ("c", "d", datetime(2011, 1, 1)),
        ("b", "c", datetime(2012, 1, 1)),
        ("d", "e", None),  # a record in no dated event: final clustering only
    ]
    times = JoinTimes(links)
    assert times.joined_at("a", "a") == datetime.min
    assert times.joined_at("a", "b") == datetime(2010, 1, 1)
    assert times.joined_at("d", "c") == datetime(2011, 1, 1)
    assert times.joined_at("a", "d") == datetime(2012, 1, 1)
    assert times.joined_at("a", "e") is None
    assert times.joined_at("a", "z") is None


@given(
    st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7), st.integers(1, 5)), max_size=12),
    st.integers(0, 7),
    st.integers(0, 7),
)
def test_join_time_is_the_first_day_a_union_find_puts_them_together(links, a, b):
    dated = [(f"r{x}", f"r{y}", datetime(2010, 1, day)) for x, y, day in links]
    joined = JoinTimes(dated).joined_at(f"r{a}", f"r{b}")
    first = None
    for day in range(1, 6):
        sets = DisjointSets(8)
        for x, y, d in links:
            if d <= day and sets.find(x) != sets.find(y):
                sets.union(sets.find(x), sets.find(y))
        if sets.find(a) == sets.find(b):
            first = datetime.min if a == b else datetime(2010, 1, day)
            break
    assert joined == first
