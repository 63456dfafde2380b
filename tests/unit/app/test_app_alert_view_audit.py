"""Views that show something of a child's record are audited: an alert (the child's reasons,
agencies and decisions), like the child's own page; and the challenged-access form, which
names the child, as soon as it asks."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from app_harness import make_app, signed_in
from lantern.app import audit
from lantern.app.models import Alert, AuditEntry


def test_viewing_an_alert_is_audited_with_the_child_and_the_alert(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    with app.state.lantern.session() as db:
        alert = db.scalar(select(Alert).where(Alert.subject_id == county.kayleigh))
        assert alert is not None
        alert_id = alert.id
    practitioner = signed_in(app, "pat")
    assert practitioner.get(f"/alerts/{alert_id}").status_code == 200
    with app.state.lantern.session() as db:
        entries = db.scalars(select(AuditEntry).where(AuditEntry.action == "view_alert")).all()
        assert [(e.actor, e.subject) for e in entries] == [("pat", county.kayleigh)]
        assert f'"alert_id": {alert_id}' in entries[0].detail
        assert audit.verify(db).ok


def test_a_refused_alert_view_is_not_recorded_as_a_view(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    assert signed_in(app, "adm").get("/alerts/1").status_code == 403
    with app.state.lantern.session() as db:
        assert db.scalar(select(AuditEntry).where(AuditEntry.action == "view_alert")) is None


def test_being_asked_for_a_reason_is_audited_before_any_answer(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    practitioner = signed_in(app, "pat")  # social care; Liam's records are police and school
    asked = practitioner.get(f"/children/{county.liam}", follow_redirects=True)
    assert "/reason" in str(asked.url) and asked.status_code == 200
    with app.state.lantern.session() as db:
        entries = db.scalars(select(AuditEntry).where(AuditEntry.subject == county.liam)).all()
        assert [(e.actor, e.action) for e in entries] == [("pat", "asked_access_reason")]
