"""What the app keeps between requests is what a fresh read would give: the rendered sections of
a child's page per viewer scope, and the clocks read from the chronology."""

from __future__ import annotations

from pathlib import Path

from app_harness import make_app, signed_in


def test_a_kept_child_page_is_never_shown_to_another_scope(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    analyst, practitioner = signed_in(app, "ana"), signed_in(app, "pat")
    url = f"/children/{county.kayleigh}"
    assert "Chlamydia test positive" in analyst.get(url).text  # now kept
    as_practitioner = practitioner.get(url).text
    assert "Chlamydia test positive" not in as_practitioner
    assert "Held by health: the text is not shown to your role" in as_practitioner
    assert "Chlamydia test positive" in analyst.get(url).text
    # a filter is its own page, and the kept page still carries this view's alert and audit
    assert "Showing 3 of 8 records" in analyst.get(url + "?agency=police").text
    assert "Showing 8 of 8 records" in analyst.get(url).text
    with app.state.lantern.session() as db:
        from sqlalchemy import func, select

        from lantern.app.models import AuditEntry

        views = db.scalar(
            select(func.count()).where(
                AuditEntry.action == "view_child", AuditEntry.subject == county.kayleigh
            )
        )
    assert views == 5


def test_clocks_from_the_chronology_match_the_store_query(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    analytics = app.state.lantern.analytics
    seen = 0
    for person_id in county.children:
        person = analytics.person(person_id)
        direct = analytics.clock_events([person_id]).get(person_id, [])
        from_chronology = analytics.clock_events_of(person)
        assert [e["event_id"] for e in from_chronology] == [e["event_id"] for e in direct]
        seen += len(direct)
    assert seen > 0
