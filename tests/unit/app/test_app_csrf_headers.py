"""CSRF on every POST, secure headers and a CSP that no page needs to break."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from app_harness import csrf_of, make_app, signed_in
from lantern.app.web import served_routes


def _post_routes(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [path for path, method in served_routes(app) if method == "POST"]


def test_every_post_refuses_a_missing_or_wrong_csrf_token(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    paths = _post_routes(app)
    assert "/sign-in" in paths and "/alerts/{alert_id}/decide" in paths
    for username in ("sue", "adm"):
        client = signed_in(app, username)
        for path in paths:
            url = path.replace("{alert_id}", "1")
            data = {
                "action": "triage",
                "outcome": "monitor",
                "rationale": "because",
                "username": "x",
            }
            missing = client.post(url, data=data, follow_redirects=False)
            wrong = client.post(url, data={**data, "csrf_token": "0" * 64}, follow_redirects=False)
            assert missing.status_code == 400, (username, path, missing.status_code)
            assert wrong.status_code == 400, (username, path, wrong.status_code)
            assert "Form expired" in missing.text
    # and nothing was decided
    client = signed_in(app, "sue")
    assert "No decisions yet" in client.get("/alerts/1").text


def test_a_token_from_another_session_is_refused(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    ana, sue = signed_in(app, "ana"), signed_in(app, "sue")
    ana_token = csrf_of(ana.get("/alerts/1").text)
    response = sue.post(
        "/alerts/1/decide",
        data={"action": "triage", "outcome": "monitor", "rationale": "x", "csrf_token": ana_token},
    )
    assert response.status_code == 400


def test_sign_in_form_needs_its_token(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    response = TestClient(app).post("/sign-in", data={"username": "ana", "password": "x"})
    assert response.status_code == 400


def test_secure_headers_on_pages(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    client = signed_in(app, "ana")
    response = client.get(f"/children/{county.kayleigh}")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    cookie = client.cookies.get("lantern_session")
    assert cookie


def test_no_page_has_an_inline_script_or_a_remote_asset(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    client = signed_in(app, "ana")
    for url in [
        "/alerts",
        "/alerts/1",
        f"/children/{county.kayleigh}",
        "/networks/N000001",
        "/search?name=jade",
        "/mace",
    ]:
        html = client.get(url).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"""(src|href)=["']https?://""", html), url
        assert " style=" not in html, url
