"""The writers: what they put in a return, and what they say they could not."""

from __future__ import annotations

import datetime as dt

from lantern.adapters.registry import adapt
from lantern.adapters.writers import ssda903
from lantern.adapters.writers.county import Event, Records


def _event(ref: str, kind: str, day: str) -> Event:
    return Event(ref, kind, dt.datetime.fromisoformat(day + "T10:00:00"), None, "C1", (), "", "")


def test_an_overlapping_period_of_care_writes_no_end_the_records_do_not_hold(tmp_path):
    # found by the held-out seed 301 (docs: bench/RESULTS.md), traced on tuning seed 11
    records = Records(
        "social_care",
        {"C1": {"sex": "F", "date_of_birth": "2000-01-01"}},
        [
            _event("E1", "care_episode_start", "2007-05-12"),
            _event("E2", "care_episode_start", "2010-02-08"),
            _event("E3", "care_episode_end", "2011-06-25"),
            _event("E4", "care_episode_end", "2012-07-06"),
        ],
    )
    ssda903.write(records, tmp_path)
    episodes = (tmp_path / "Episodes.csv").read_text().splitlines()
    assert episodes[1].startswith("C1,12/05/2007,S,") and ",08/02/2010,X1," in episodes[1]
    assert ",25/06/2011,E8," in episodes[2]
    assert [(e.ref, why[:9]) for e, why in records.dropped] == [("E4", "no period")]
    adapted = adapt("ssda903", tmp_path)
    ends = [
        e["occurred_at"] for e in adapted.events.values() if e["event_type"] == "care_episode_end"
    ]
    assert ends == ["2011-06-25"]
