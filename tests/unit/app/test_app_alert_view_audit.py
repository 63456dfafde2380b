"""Opening an alert shows the child's reasons, agencies and decisions: it is audited like the
child's own page, with who, which child and which alert."""

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
