"""A review to a date reads nothing recorded after it: its places and vehicles count the
events known by `--to` (not the whole history), and a `--store` scored later is scored
again, on a copy, as of `--to`."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lantern.cli import main
from lantern.pipeline import assess
from lantern.store.connection import connect


@pytest.fixture(scope="module")
def county_store(tmp_path_factory):
    base = tmp_path_factory.mktemp("review-as-of")
    dataset = base / "county"
    assert main(["synth", "--out", str(dataset), "--seed", "4", "--children", "80",
                 "--years", "5"]) == 0  # fmt: skip
    store = base / "lantern.duckdb"
    assess(dataset, base / "assess", store_path=store)
    return base, store


def _cut(store) -> date:
    """A date by which some place or vehicle edge existed and had later events too."""
    con = connect(store, read_only=True)
    try:
        (day,) = con.execute(
            """
            SELECT CAST(quantile_disc(first_available_at, 0.5) AS DATE) FROM graph_edges
            WHERE (dst LIKE 'place:%' OR dst LIKE 'vehicle:%')
              AND CAST(last_occurred_at AS DATE) > CAST(first_available_at AS DATE) + 30
            """
        ).fetchone()
    finally:
        con.close()
    return day


def test_places_count_only_the_events_known_by_the_period_end(county_store, tmp_path):
    base, store = county_store
    cut = _cut(store)
    out = tmp_path / "review"
    assert main(["review", "--store", str(store), "--out", str(out), "--to", cut.isoformat(),
                 "--no-pdf"]) == 0  # fmt: skip
    con = connect(out / "lantern.duckdb", read_only=True)
    try:
        places = con.execute(
            "SELECT max(last_seen_at), count(*) FROM review_network_places"
        ).fetchone()
        (last_edge,) = con.execute("SELECT max(last_on) FROM review_edges").fetchone()
        later = con.execute(
            """
            SELECT count(*) FROM graph_edges g JOIN review_graph_edges r USING (src, dst, kind)
            WHERE g.n_events > r.n_events OR g.last_occurred_at > r.last_occurred_at
            """
        ).fetchone()[0]
        leaked = con.execute(
            """
            SELECT count(*) FROM review_graph_edges r
            WHERE EXISTS (SELECT 1 FROM unnest(CAST(r.evidence AS JSON[])) AS e(item)
                          WHERE CAST(e.item->>'available_at' AS TIMESTAMP) >= ?)
            """,
            [cut + timedelta(days=1)],
        ).fetchone()[0]
    finally:
        con.close()
    assert later > 0  # the whole history says more than was known by the cut: the test bites
    assert leaked == 0
    assert last_edge <= cut  # the review's edges: no sighting after the period end
    if places[1]:
        assert places[0] <= cut


def test_a_store_scored_later_is_scored_again_on_a_copy_as_of_the_period_end(
    county_store, tmp_path
):
    base, store = county_store
    cut = _cut(store)
    con = connect(store, read_only=True)
    (as_of,) = con.execute("SELECT max(as_of) FROM assessments").fetchone()
    con.close()
    assert as_of > cut
    out = tmp_path / "review"
    assert main(["review", "--store", str(store), "--out", str(out), "--to", cut.isoformat(),
                 "--no-pdf"]) == 0  # fmt: skip
    copy = connect(out / "lantern.duckdb", read_only=True)
    try:
        assert copy.execute("SELECT DISTINCT as_of FROM assessments").fetchall() == [(cut,)]
        flagged_late = copy.execute(
            "SELECT count(*) FROM review_tiers WHERE first_flagged_at > ?", [cut]
        ).fetchone()[0]
    finally:
        copy.close()
    assert flagged_late == 0
    original = connect(store, read_only=True)
    try:  # the store given is untouched
        assert original.execute("SELECT max(as_of) FROM assessments").fetchone() == (as_of,)
    finally:
        original.close()
