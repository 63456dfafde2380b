"""The operational store on a real PostgreSQL server: migrations, and a decision and audit round
trip through the web app. LANTERN_TEST_DATABASE_URL names the server (scripts/run-tests.sh
starts one); each test gets its own fresh database."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from app_harness import AUDIT_KEY, csrf_of, make_app, signed_in, write_unkeyed_entries
from app_workers import check_two_workers
from lantern.app import audit, database
from lantern.app.models import AuditEntry, Decision
from support import require_service

pytestmark = pytest.mark.postgres
TABLES = {
    "users",
    "web_sessions",
    "sign_in_attempts",
    "alerts",
    "decisions",
    "audit_log",
    "audit_head",
    "disruption_actions",
}


@pytest.fixture
def pg_url() -> Iterator[str]:
    server = os.environ.get("LANTERN_TEST_DATABASE_URL", "")
    require_service(bool(server), "PostgreSQL")
    name = f"lantern_app_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_migrations_upgrade_downgrade_and_upgrade_again(pg_url: str) -> None:
    engine = database.make_engine(pg_url)
    assert engine.dialect.name == "postgresql"
    database.migrate(engine)
    assert TABLES <= set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        assert (
            conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            == "0005_alert_records"
        )
        head = conn.execute(text("SELECT last_hash, scheme FROM audit_head WHERE id = 1")).one()
        assert tuple(head) == ("0" * 64, "hmac-sha256")  # a new store starts keyed
    database.downgrade(engine, "base")
    assert not (TABLES & set(inspect(engine).get_table_names()))
    database.migrate(engine)
    assert TABLES <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_a_decision_and_its_audit_trail_round_trip(tmp_path: Path, pg_url: str) -> None:
    app, county = make_app(tmp_path, database_url=pg_url)
    client = signed_in(app, "ana")
    client.get(f"/children/{county.jade}")
    alerts_html = client.get("/alerts").text
    assert "Jade Whitfield" in alerts_html
    with app.state.lantern.session() as db:
        from lantern.app.models import Alert

        alert = db.scalar(select(Alert).where(Alert.subject_id == county.jade))
    token = csrf_of(client.get(f"/alerts/{alert.id}").text)
    response = client.post(
        f"/alerts/{alert.id}/decide",
        data={
            "action": "triage",
            "outcome": "refer_mash",
            "rationale": "Repeat missing; older males",
            "csrf_token": token,
        },
    )
    assert "Your decision has been recorded" in response.text
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT action, outcome, decided_by, rationale FROM decisions")
        ).one()
        assert tuple(row) == ("triage", "refer_mash", "ana", "Repeat missing; older males")
        status = conn.execute(
            text("SELECT status FROM alerts WHERE id = :id"), {"id": alert.id}
        ).scalar()
        assert status == "closed"
    with app.state.lantern.session() as db:
        actions = [e.action for e in db.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        assert "view_child" in actions and "decision" in actions
        assert audit.verify(db).ok
        assert db.scalar(select(Decision.rationale)) == "Repeat missing; older males"
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE audit_log SET detail = replace(detail, 'refer_mash', 'nfa') WHERE action = 'decision'"
            )
        )
    with app.state.lantern.session() as db:
        result = audit.verify(db)
        assert not result.ok and "changed" in result.problem
    engine.dispose()


def test_concurrent_appends_keep_one_chain(pg_url: str) -> None:
    engine = database.make_engine(pg_url)
    database.migrate(engine)
    factory = database.session_factory(engine, AUDIT_KEY.encode())

    def worker(n: int) -> None:
        for i in range(10):
            with factory() as db:
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


@pytest.mark.slow  # starts a real two-process server
def test_two_workers_share_sessions_csrf_throttling_and_one_audit_chain(
    tmp_path: Path, pg_url: str
) -> None:
    check_two_workers(tmp_path, pg_url)


def test_a_store_from_before_the_key_migrates_and_is_rekeyed(pg_url: str) -> None:
    """An operational store at 0001 with an unkeyed chain: 0002 marks it unkeyed, the app
    refuses it, `audit.rekey` checks and re-links it under the key (docs/security.md)."""
    engine = database.make_engine(pg_url)
    database.migrate(engine, "0001")
    write_unkeyed_entries(engine, 3)
    database.migrate(engine)
    factory = database.session_factory(engine, AUDIT_KEY.encode())
    with factory() as db:
        assert db.scalar(text("SELECT scheme FROM audit_head")) == "sha256"
        with pytest.raises(Exception, match="lantern audit rekey"):
            audit.require_keyed(db)
        assert audit.rekey(db) == 3
        db.commit()
    with factory() as db:
        result = audit.verify(db)
        assert result.ok and result.entries == 4
    engine.dispose()


def test_a_disruption_action_round_trips(tmp_path: Path, pg_url: str) -> None:
    """Recorded by a supervisor on PostgreSQL, listed on the adult page and in the MACE pack."""
    from lantern.app.models import DisruptionAction

    app, county = make_app(tmp_path, database_url=pg_url)
    sue = signed_in(app, "sue")
    token = csrf_of(sue.get(f"/adults/{county.darren}").text)
    response = sue.post(
        f"/adults/{county.darren}/disruptions",
        data={
            "target": county.darren,
            "action": "sexual_risk_order",
            "agency": "police",
            "owner": "DI Rowe",
            "started_on": "2011-05-03",
            "outcome": "Granted at magistrates' court",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    with app.state.lantern.session() as db:
        [row] = db.scalars(select(DisruptionAction)).all()
        assert (row.action, row.started_on.isoformat(), row.recorded_by) == (
            "sexual_risk_order",
            "2011-05-03",
            "sue",
        )
    assert "Granted at magistrates&#39; court" in sue.get(f"/adults/{county.darren}").text
    assert "Sexual risk order against Darren Mills" in sue.get("/mace").text
