"""A run that renames, merges or splits persons (resolve's `person_changes`): the app shows it on
the person's page, an alert and its decisions follow the records to the person holding them
now, and an old id's page leads to the new one."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import duckdb
from fastapi import FastAPI
from sqlalchemy import select

from app_harness import AUDIT_KEY, SECRET, csrf_of, make_app, signed_in
from lantern.app import alerts
from lantern.app.models import Alert, AuditEntry
from lantern.app.store_reader import Analytics
from lantern.app.web import create_app
from lantern.settings import load_settings

NEW_ID = "P0000000zz9"
CHANGED_AT = datetime(2026, 12, 7, 9, 30)


def _decide(app: FastAPI, subject_id: str, outcome: str, why: str) -> int:
    client = signed_in(app, "ana")
    with app.state.lantern.session() as db:
        alert_id = db.scalar(select(Alert.id).where(Alert.subject_id == subject_id))
    assert alert_id is not None
    token = csrf_of(client.get(f"/alerts/{alert_id}").text)
    client.post(
        f"/alerts/{alert_id}/decide",
        data={"action": "triage", "outcome": outcome, "rationale": why, "csrf_token": token},
    )
    return int(alert_id)


def _next_generation(store: Path, where: Path) -> tuple[Path, duckdb.DuckDBPyConnection]:
    copy = where / "next.duckdb"
    shutil.copy(store, copy)
    con = duckdb.connect(str(copy))
    con.execute(
        "CREATE TABLE IF NOT EXISTS person_changes (changed_at TIMESTAMP, load_id VARCHAR, "
        "change VARCHAR, person_id VARCHAR, previous_person_id VARCHAR, records VARCHAR[])"
    )
    return copy, con


def _records(con: duckdb.DuckDBPyConnection, person_id: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "SELECT record_id FROM score_persons WHERE person_id = ? ORDER BY 1", [person_id]
        ).fetchall()
    ]


def _rename(con: duckdb.DuckDBPyConnection, old: str, new: str) -> None:
    """Every value `old` in the store becomes `new`, as a run that renamed the person writes."""
    records = _records(con, old)
    for table, column in con.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE data_type = 'VARCHAR' AND table_name <> 'person_changes'"
    ).fetchall():
        con.execute(f'UPDATE "{table}" SET "{column}" = ? WHERE "{column}" = ?', [new, old])  # noqa: S608
    con.execute(
        "INSERT INTO person_changes VALUES (?, 'L2', 'renamed', ?, ?, ?)",
        [CHANGED_AT, new, old, records],
    )


def _merge(con: duckdb.DuckDBPyConnection, gone: str, into: str) -> None:
    """`gone`'s records join `into`'s, as a run that merged the two writes."""
    records = _records(con, gone)
    for table in ("score_persons", "persons"):
        con.execute(f"UPDATE {table} SET person_id = ? WHERE person_id = ?", [into, gone])  # noqa: S608
    con.execute("DELETE FROM assessments WHERE person_id = ?", [gone])
    con.execute(
        "INSERT INTO person_changes VALUES (?, 'L2', 'merge', ?, ?, ?), (?, 'L2', 'merge', ?, ?, ?)",
        [CHANGED_AT, into, gone, records, CHANGED_AT, into, into, _records(con, into)],
    )


def _serve(store: Path, database_url: str) -> FastAPI:
    settings = load_settings(
        {}, store=store, database_url=database_url, secret_key=SECRET, audit_key=AUDIT_KEY
    )
    return create_app(settings)


def test_a_renamed_childs_alert_and_decisions_follow_her_records(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    app, county = make_app(tmp_path, url)
    alert_id = _decide(app, county.jade, "monitor", "Seen at school; monitor weekly")
    store, con = _next_generation(county.path, tmp_path)
    _rename(con, county.jade, NEW_ID)
    con.close()

    renamed = _serve(store, url)  # the app's start-up sync reads the new generation
    with renamed.state.lantern.session() as db:
        alert = db.get(Alert, alert_id)
        assert alert is not None and alert.subject_id == NEW_ID
        assert [(d.outcome, d.rationale) for d in alert.decisions] == [
            ("monitor", "Seen at school; monitor weekly")
        ]
        assert db.scalar(select(Alert).where(Alert.subject_id == county.jade)) is None
        again = alerts.sync(db, Analytics(store))
        assert again.carried_over == 0 and again.created == 0  # idempotent
        moved = db.scalars(select(AuditEntry).where(AuditEntry.action == "alert_carried_over"))
        assert len(list(moved)) == 1

    client = signed_in(renamed, "ana")
    page = client.get(f"/children/{NEW_ID}").text
    assert 'data-testid="identity-changes"' in page
    assert f'were listed as <span class="lantern-ref">{county.jade}</span>' in page
    assert f'href="/alerts/{alert_id}"' in page and "Monitor" in page
    # the old id's page leads to her (a bookmark, a link in an e-mail)
    old = client.get(f"/children/{county.jade}", follow_redirects=False)
    assert old.status_code == 303 and old.headers["location"] == f"/people/{NEW_ID}"
    assert client.get(f"/children/{county.jade}").url.path == f"/children/{NEW_ID}"
    assert client.get("/children/P-never-was").status_code == 404


def test_two_alerts_of_children_merged_into_one_become_one_alert_with_every_decision(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    app, county = make_app(tmp_path, url)
    chloe_alert = _decide(app, county.chloe, "monitor", "Chloe: monitor")
    jade_alert = _decide(app, county.jade, "refer_mash", "Jade: refer")
    kept, gone = sorted((chloe_alert, jade_alert))
    store, con = _next_generation(county.path, tmp_path)
    both = set(_records(con, county.jade)) | set(_records(con, county.chloe))
    _merge(con, county.jade, county.chloe)
    con.close()

    merged = _serve(store, url)
    with merged.state.lantern.session() as db:
        assert db.get(Alert, gone) is None
        alert = db.get(Alert, kept)
        assert alert is not None and alert.subject_id == county.chloe
        assert sorted(d.rationale for d in alert.decisions) == ["Chloe: monitor", "Jade: refer"]
        assert set(str(alert.records).split(";")) == both
        assert len(list(db.scalars(select(Alert).where(Alert.subject_id == county.chloe)))) == 1

    page = signed_in(merged, "ana").get(f"/children/{county.chloe}").text
    assert "this person's records were joined with" in page
    assert county.jade in page.split('data-testid="identity-changes"', 1)[1]


def test_a_disruption_action_against_a_person_follows_a_rename_and_a_merge(tmp_path: Path) -> None:
    """A CAWN recorded against Darren stays with Darren when a run renames him, and then when
    another run merges him into Shaun: the action moves to the person his records went to,
    and the audit log says which id it had."""
    from datetime import date

    from lantern.app.models import DisruptionAction

    url = f"sqlite:///{tmp_path / 'app.db'}"
    app, county = make_app(tmp_path, url)
    with app.state.lantern.session() as db:
        db.add(DisruptionAction(
            target_kind="person", target_id=county.darren, action="cawn", agency="police",
            owner="DS Rowe", started_on=date(2011, 3, 1), ended_on=None, outcome="served",
            recorded_by="sue", recorded_at=datetime(2011, 3, 2),
        ))  # fmt: skip
        db.add(DisruptionAction(
            target_kind="vehicle", target_id=county.vehicle, action="anpr_marker",
            agency="police", owner="DS Rowe", started_on=date(2011, 3, 1), ended_on=None,
            outcome="set", recorded_by="sue", recorded_at=datetime(2011, 3, 2),
        ))  # fmt: skip
        db.commit()
    store, con = _next_generation(county.path, tmp_path)
    _rename(con, county.darren, NEW_ID)
    _merge(con, NEW_ID, county.shaun)
    con.close()

    followed = _serve(store, url)
    with followed.state.lantern.session() as db:
        targets = sorted(db.scalars(select(DisruptionAction.target_id)))
        assert targets == sorted([county.shaun, county.vehicle])
        again = alerts.sync(db, Analytics(store))
        assert again.disruptions_followed == 0  # idempotent
        [entry] = db.scalars(
            select(AuditEntry).where(AuditEntry.action == "disruption_followed")
        ).all()
        assert entry.subject == f"person:{county.shaun}"
        assert county.darren in entry.detail
