"""The app moves to a new store generation without a restart: the alerts it raises reach the
queue, every page says which data it shows, and a request in flight keeps its generation."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from app_county import raise_score
from app_harness import make_app, signed_in
from lantern.app.live import pinned
from lantern.app.models import Alert
from lantern.store import generations


def _next_generation(store: Path, person_id: str) -> None:
    """A run: the next generation, in which a child's score has risen to high."""
    with generations.writing(store, "test run") as generation:
        raise_score(generation.path, person_id, 30.0, "high")


def test_a_new_generation_is_served_and_its_alerts_synced_without_a_restart(tmp_path):
    app, county = make_app(tmp_path)
    state = app.state.lantern
    client = signed_in(app, "ana")
    page = client.get("/alerts").text
    assert "store generation" not in page  # a store from before generations
    # still dated: by the latest record it holds (its `events` table, there being no history)
    assert "Data as of 28 Jun 2011 10:30 (the latest record received)" in page
    assert "unknown date" not in page
    with state.session() as db:
        assert db.scalar(select(Alert).where(Alert.subject_id == county.jade)).band == "medium"

    _next_generation(county.path, county.jade)
    assert state.live.refresh()
    assert not state.live.refresh()  # nothing new the second time

    with state.session() as db:
        alert = db.scalar(select(Alert).where(Alert.subject_id == county.jade))
        assert alert.band == "high" and alert.reason == "Risen from medium to high"
    page = client.get("/alerts").text
    assert "store generation 1." in page
    child = client.get(f"/children/{county.jade}").text
    assert "store generation 1." in child  # every page says which data it shows


def test_a_request_in_flight_keeps_its_generation_until_it_ends(tmp_path):
    app, county = make_app(tmp_path)
    state = app.state.lantern
    live = state.live
    old = live.pin()  # a request that started before the switch
    token = pinned.set(old)
    try:
        _next_generation(county.path, county.jade)
        assert live.refresh()
        assert state.analytics is old  # this request still reads what it started with
        assert old.person(county.jade).band == "medium"
    finally:
        pinned.reset(token)
    assert state.analytics is not old  # a new request reads the new generation
    assert state.analytics.person(county.jade).band == "high"
    live.unpin(old)  # the last reader of the old generation: it is closed now
    try:
        old.q("SELECT 1")
        raise AssertionError("the old generation should be closed")
    except Exception as error:  # duckdb.ConnectionException
        assert "closed" in str(error).lower()
