"""A review to day D reads nothing recorded after D.

Property: for random small histories, the review of the full store with
`--to D` equals the review of a store holding only what was recorded by D
(with the score as it stood on D).
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantern.review import stage, upstream
from lantern.store.connection import connect

DAY0 = date(2008, 1, 1)
EVENT_TYPES = [
    "missing_report",
    "sexual_offence_report",
    "strategy_discussion",
    "section47",
    "note",
]
BANDS = ["low", "medium", "high"]

events = st.tuples(
    st.integers(0, 3),  # child
    st.integers(0, 700),  # day recorded
    st.sampled_from(EVENT_TYPES),
    st.sampled_from([None, "NFA", "referred"]),
    st.sampled_from([None, "missing", "sexual_abuse_disclosed"]),
)
band_changes = st.tuples(st.integers(0, 3), st.integers(0, 700), st.sampled_from(BANDS))


def _build(con, rows, changes, cutoff: date | None) -> None:
    upstream.create_contract_tables(con)

    def keep(day: date) -> bool:
        return cutoff is None or day <= cutoff

    history: dict[int, list[tuple[date, str]]] = {}
    for child, offset, band in changes:
        day = DAY0 + timedelta(days=offset)
        if keep(day):
            con.execute("INSERT INTO score_history VALUES (?, ?, 0, ?)", [f"P{child}", day, band])
            history.setdefault(child, []).append((day, band))
    for child in range(4):
        changes_ = sorted(history.get(child, []))
        flagged = next((d for d, b in changes_ if b in ("medium", "high")), None)
        band = changes_[-1][1] if changes_ else "none"
        con.execute(
            "INSERT INTO people (record_id, agency, person_ref, date_of_birth, sex) "
            "VALUES (?, 'police', ?, DATE '1995-01-01', 'F')",
            [f"police:C{child}", f"C{child}"],
        )
        con.execute("INSERT INTO persons VALUES (?, ?)", [f"police:C{child}", f"P{child}"])
        con.execute(
            "INSERT INTO assessments (person_id, kind, band, first_flagged_at, as_of) "
            "VALUES (?, 'child', ?, ?, ?)",
            [f"P{child}", band, flagged, cutoff or DAY0 + timedelta(days=700)],
        )
    for n, (child, offset, event_type, outcome, category) in enumerate(rows):
        day = DAY0 + timedelta(days=offset)
        if not keep(day):
            continue
        con.execute(
            "INSERT INTO events (event_id, agency, event_ref, event_type, occurred_at, recorded_at,"
            " outcome) VALUES (?, 'police', ?, ?, ?, ?, ?)",
            [f"police:E{n}", f"E{n}", event_type, day, day, outcome],
        )
        con.execute(
            "INSERT INTO event_people (event_id, record_id, role) VALUES (?, ?, 'subject')",
            [f"police:E{n}", f"police:C{child}"],
        )
        if category:
            con.execute(
                "INSERT INTO indicator_hits (hit_id, category, agency, event_id, record_id,"
                " occurred_at, recorded_at) VALUES (?, ?, 'police', ?, ?, ?, ?)",
                [f"h{n}", category, f"police:E{n}", f"police:C{child}", day, day],
            )


RESULT_SQL = {
    "tiers": "SELECT person_id, tier, first_signal_at, first_flagged_at, first_action_at"
    " FROM review_tiers ORDER BY person_id",
    "missed": "SELECT person_id, gap_days, closed_nfa_while_flaggable FROM review_missed"
    " ORDER BY person_id",
    "closures": "SELECT event_id FROM review_nfa_closures ORDER BY event_id",
}


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(events, min_size=1, max_size=14),
    changes=st.lists(band_changes, max_size=8),
    cut=st.integers(100, 600),
)
def test_review_to_day_d_equals_review_of_what_was_known_on_d(tmp_path_factory, rows, changes, cut):
    cutoff = DAY0 + timedelta(days=cut)
    start = DAY0
    results = []
    for truncated in (False, True):
        path = tmp_path_factory.mktemp("leak") / "store.duckdb"
        con = connect(path)
        _build(con, rows, changes, cutoff if truncated else None)
        stage.run(con, period_from=start, period_to=cutoff)
        results.append({k: con.execute(sql).fetchall() for k, sql in RESULT_SQL.items()})
        con.close()
    assert results[0] == results[1]
