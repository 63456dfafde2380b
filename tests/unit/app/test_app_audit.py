"""The audit log records views, searches and decisions, and its hash chain detects tampering."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select, text

from app_harness import AUDIT_KEY, csrf_of, make_app, signed_in
from lantern.app import audit
from lantern.app.models import AuditEntry


def _entries(app) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    with app.state.lantern.session() as db:
        return list(db.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_views_searches_and_decisions_are_recorded(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    client = signed_in(app, "pat")
    client.get(f"/children/{county.kayleigh}")
    client.get("/search?name=jade")
    token = csrf_of(client.get("/alerts/2").text)
    client.post(
        "/alerts/2/decide",
        data={"action": "triage", "outcome": "monitor", "rationale": "Watch", "csrf_token": token},
    )
    seen = [(e.actor, e.action, e.subject) for e in _entries(app)]
    assert ("pat", "view_child", county.kayleigh) in seen
    assert ("pat", "search", "") in seen
    assert any(actor == "pat" and action == "decision" for actor, action, _ in seen)
    search = next(e for e in _entries(app) if e.action == "search")
    assert json.loads(search.detail)["name"] == "jade"


def test_refusals_and_failed_sign_ins_are_recorded(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    signed_in(app, "adm").get("/alerts")
    actions = [(e.actor, e.action) for e in _entries(app)]
    assert ("adm", "refused") in actions


def test_the_chain_verifies_and_an_edited_row_is_detected(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    client = signed_in(app, "ana")
    for child in county.children:
        client.get(f"/children/{child}")
    state = app.state.lantern
    with state.session() as db:
        result = audit.verify(db)
        assert result.ok and result.entries >= 6
        victim = db.scalar(select(AuditEntry).where(AuditEntry.action == "view_child").limit(1))
        db.execute(
            text("UPDATE audit_log SET actor = 'someone_else' WHERE id = :id"), {"id": victim.id}
        )
    with state.session() as db:
        result = audit.verify(db)
        assert not result.ok
        assert result.broken_at == victim.id
        assert "changed" in result.problem


def test_a_deleted_row_is_detected(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    client = signed_in(app, "ana")
    client.get(f"/children/{county.kayleigh}")
    client.get(f"/children/{county.jade}")
    with app.state.lantern.session() as db:
        target = db.scalar(select(AuditEntry).where(AuditEntry.subject == county.kayleigh))
        db.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": target.id})
    with app.state.lantern.session() as db:
        result = audit.verify(db)
        assert not result.ok and result.broken_at == target.id + 1


def test_removing_the_last_entries_is_detected(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    signed_in(app, "ana").get(f"/children/{county.kayleigh}")
    with app.state.lantern.session() as db:
        last = db.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
        db.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": last.id})
    with app.state.lantern.session() as db:
        assert not audit.verify(db).ok


def test_the_admin_audit_page_shows_a_broken_chain(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    signed_in(app, "ana").get(f"/children/{county.kayleigh}")
    with app.state.lantern.session() as db:
        db.execute(
            text("UPDATE audit_log SET subject = 'nothing to see' WHERE action = 'view_child'")
        )
    html = signed_in(app, "aud").get("/admin/audit").text
    assert "The audit log has been tampered with" in html


def test_concurrent_appends_on_sqlite_keep_one_chain(tmp_path: Path) -> None:
    import threading

    from lantern.app import database

    engine = database.make_engine(f"sqlite:///{tmp_path / 'audit.db'}")
    database.migrate(engine)
    factory = database.session_factory(engine, AUDIT_KEY.encode())

    def worker(n: int) -> None:
        for i in range(10):
            with factory() as db:
                db.execute(text("SELECT count(*) FROM users"))  # a read before the append
                audit.record(db, f"user{n}", "view_child", f"P{i}")
                db.commit()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with factory() as db:
        result = audit.verify(db)
    assert result.ok and result.entries == 40
    engine.dispose()
