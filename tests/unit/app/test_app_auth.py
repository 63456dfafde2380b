"""Signing in: argon2 hashes, refusals, throttling, sessions, and the secret the app demands."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from app_harness import AUDIT_KEY, PASSWORD, csrf_of, fresh_county, make_app, signed_in
from lantern.app.accounts import Throttle
from lantern.app.demo import write_marker
from lantern.app.models import User, WebSession
from lantern.app.web import create_app
from lantern.errors import ConfigError, UserError
from lantern.settings import load_settings


def _try(client: TestClient, username: str, password: str):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get("/sign-in").text)
    return client.post(
        "/sign-in",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def test_passwords_are_stored_as_argon2id_hashes(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    with app.state.lantern.session() as db:
        user = db.scalar(select(User).where(User.username == "ana"))
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash


def test_wrong_password_and_unknown_user_get_the_same_refusal(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    client = TestClient(app)
    wrong = _try(client, "ana", "not the password")
    unknown = _try(client, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "Enter a correct username and password" in wrong.text
    assert "Enter a correct username and password" in unknown.text


def test_pages_need_a_session_and_sign_out_ends_it(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    anonymous = TestClient(app)
    response = anonymous.get("/alerts", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/sign-in?next=%2Falerts")
    client = signed_in(app, "ana")
    assert client.get("/alerts").status_code == 200
    client.post("/sign-out", data={"csrf_token": csrf_of(client.get("/alerts").text)})
    assert client.get("/alerts", follow_redirects=False).status_code == 303


def test_a_forged_session_cookie_is_not_a_session(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    client = TestClient(app)
    client.cookies.set("lantern_session", "forged.value")
    assert client.get("/alerts", follow_redirects=False).status_code == 303


def test_throttling_refuses_even_the_right_password_after_repeated_failures(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path, throttle=Throttle(per_pair=3))
    client = TestClient(app)
    for _ in range(3):
        assert _try(client, "ana", "guess").status_code == 401
    blocked = _try(client, "ana", PASSWORD)
    assert blocked.status_code == 429
    assert "too many failed attempts" in blocked.text
    # another user from elsewhere is unaffected
    assert _try(TestClient(app), "sue", PASSWORD).status_code == 303


def test_redirect_after_sign_in_stays_on_this_site(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    client = TestClient(app)
    token = csrf_of(client.get("/sign-in").text)
    response = client.post(
        "/sign-in",
        data={
            "username": "ana",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "https://evil.example/",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


@pytest.mark.parametrize("secret", ["", "changeme", "short-secret"])
def test_the_app_refuses_a_missing_or_default_secret(tmp_path: Path, secret: str) -> None:
    county = fresh_county(tmp_path)
    settings = load_settings(
        {}, store=county.path, database_url=f"sqlite:///{tmp_path / 'a.db'}", secret_key=secret
    )
    with pytest.raises(ConfigError, match="LANTERN_SECRET_KEY"):
        create_app(settings)


def test_demo_mode_runs_without_a_secret(tmp_path: Path) -> None:
    county = fresh_county(tmp_path)
    database_url = f"sqlite:///{tmp_path / 'a.db'}"
    write_marker(county.path, database_url)  # as `make demo` does after building its store
    settings = load_settings({}, store=county.path, database_url=database_url, demo=True)
    app = create_app(settings)
    assert TestClient(app).get("/sign-in").status_code == 200


def test_adding_a_user_checks_role_agency_and_password(tmp_path: Path) -> None:
    from lantern.app import accounts

    app, _ = make_app(tmp_path)
    with app.state.lantern.session() as db:
        with pytest.raises(UserError) as error:
            accounts.add_user(db, "ana", "short", "practitioner")
        message = str(error.value)
        assert "already exists" in message
        assert "needs an agency" in message
        assert "at least 12 characters" in message


def test_demo_users_one_per_role_can_sign_in(tmp_path: Path) -> None:
    from lantern.app.demo import ensure_demo_users

    app, _ = make_app(tmp_path)
    with app.state.lantern.session() as db:
        logins = ensure_demo_users(db)
    assert sorted(role for _, _, role in logins) == [
        "admin",
        "analyst",
        "auditor",
        "practitioner (education)",
        "practitioner (health)",
        "practitioner (police)",
        "practitioner (social_care)",
        "supervisor",
    ]
    for username, password, _ in logins:
        assert _try(TestClient(app), username, password).status_code == 303


def test_an_admin_adds_a_user_who_can_then_sign_in(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    admin = signed_in(app, "adm")
    token = csrf_of(admin.get("/admin/users").text)
    response = admin.post(
        "/admin/users",
        data={
            "username": "jo",
            "display_name": "Jo Police",
            "role": "practitioner",
            "agency": "police",
            "password": "a long enough password",
            "csrf_token": token,
        },
    )
    assert "User jo added" in response.text
    assert _try(TestClient(app), "jo", "a long enough password").status_code == 303
    audit_html = signed_in(app, "aud").get("/admin/audit?action=user_added").text
    assert "jo" in audit_html and "verifies" in audit_html


def test_signing_in_again_after_a_session_ended(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    client = signed_in(app, "ana")
    with app.state.lantern.session() as db:
        from sqlalchemy import delete

        from lantern.app.models import WebSession

        db.execute(delete(WebSession))  # the session expired or was ended elsewhere
    assert client.get("/alerts", follow_redirects=False).status_code == 303
    assert _try(client, "ana", PASSWORD).status_code == 303
    assert client.get("/alerts").status_code == 200


def _session_row(user_id: int, idle: timedelta) -> WebSession:
    seen = datetime.now() - idle
    return WebSession(
        token_hash=secrets.token_hex(32), user_id=user_id, created_at=seen, last_seen_at=seen
    )


def test_expired_sessions_are_purged_at_sign_in_and_at_start_up(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    with app.state.lantern.session() as db:
        ana = db.scalar(select(User).where(User.username == "ana"))
        db.add_all(
            [_session_row(ana.id, timedelta(hours=9)), _session_row(ana.id, timedelta(days=30))]
        )
        db.add(_session_row(ana.id, timedelta(hours=7)))  # idle, but not yet timed out
    signed_in(app, "sue")
    with app.state.lantern.session() as db:
        ages = sorted(datetime.now() - s.last_seen_at for s in db.scalars(select(WebSession)))
    assert len(ages) == 2  # sue's new session and ana's live one
    assert ages[-1] < timedelta(hours=8)
    # and at start-up, without anyone signing in
    with app.state.lantern.session() as db:
        db.add(_session_row(ana.id, timedelta(hours=10)))
    restarted = create_app(
        load_settings(
            {},
            store=app.state.lantern.settings.store,
            database_url=app.state.lantern.settings.database_url,
            secret_key="s" * 48,
            audit_key=AUDIT_KEY,
        )
    )
    with restarted.state.lantern.session() as db:
        assert len(db.scalars(select(WebSession)).all()) == 2
