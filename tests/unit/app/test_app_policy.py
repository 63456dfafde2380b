"""The access policy file, and the role matrix: every page against every role."""

from __future__ import annotations

from pathlib import Path

import pytest

from app_harness import ROLE_USERS, csrf_of, make_app, signed_in
from lantern.app.policy import ROLES, default_policy, read_policy
from lantern.app.web import served_routes
from lantern.errors import ConfigError

PUBLIC = {"/sign-in", "/sign-out", "/", "/static", "/assets"}


def _concrete(path: str, county) -> str:  # type: ignore[no-untyped-def]
    return (
        path.replace("{alert_id}", "1")
        .replace("{person_id}", county.kayleigh)
        .replace("{network_id}", county.network)
        .replace("{fmt}", "graphml")
    )


@pytest.fixture(scope="module")
def app_and_clients(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    app, county = make_app(tmp_path_factory.mktemp("matrix"))
    clients = {role: signed_in(app, username) for role, (username, _) in ROLE_USERS.items()}
    return app, county, clients


def test_policy_names_every_role_and_only_known_roles() -> None:
    policy = default_policy()
    assert set(policy.narratives) == set(ROLES)
    assert all(page.roles <= set(ROLES) for page in policy.pages.values())
    assert policy.narratives["practitioner"] == "own agency"


def test_a_policy_with_an_unknown_role_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "policy.yaml"
    bad.write_text(
        "roles: {analyst: {}, practitioner: {}, supervisor: {}, admin: {}}\n"
        "pages: {alerts: {path: /alerts, roles: [analyst, janitor]}}\n"
    )
    with pytest.raises(ConfigError, match="janitor"):
        read_policy(bad)


def test_every_route_the_app_serves_is_in_the_policy(app_and_clients) -> None:  # type: ignore[no-untyped-def]
    app, _, _ = app_and_clients
    policy = default_policy()
    listed = {(p.path, p.method) for p in policy.pages.values()}
    served = {
        (path, method)
        for path, method in served_routes(app)
        if path not in PUBLIC and method in ("GET", "POST")
    }
    assert served == listed


def test_practitioner_reads_only_their_own_agencys_narratives() -> None:
    policy = default_policy()
    assert policy.reads_narrative("practitioner", "police", "police")
    assert not policy.reads_narrative("practitioner", "police", "health")
    assert policy.reads_narrative("analyst", None, "health")
    assert not policy.reads_narrative("admin", None, "health")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", sorted(default_policy().pages))
def test_role_matrix(app_and_clients, role: str, page: str) -> None:  # type: ignore[no-untyped-def]
    _, county, clients = app_and_clients
    spec = default_policy().pages[page]
    client = clients[role]
    url = _concrete(spec.path, county)
    if spec.method == "GET":
        response = client.get(url, follow_redirects=False)
    else:
        token = csrf_of(client.get("/search" if role != "admin" else "/admin/users").text)
        response = client.post(url, data={"csrf_token": token}, follow_redirects=False)
    allowed = role in spec.roles
    if allowed:
        assert response.status_code != 403, f"{role} was refused {page}"
        assert response.status_code < 500
    else:
        assert response.status_code == 403, f"{role} was let into {page} ({response.status_code})"


def test_pages_do_not_offer_links_the_role_may_not_follow(app_and_clients) -> None:  # type: ignore[no-untyped-def]
    app, county, clients = app_and_clients
    from sqlalchemy import select

    from lantern.app.models import Alert

    with app.state.lantern.session() as db:
        network_alert = db.scalar(select(Alert.id).where(Alert.subject_kind == "network"))
    assert "Open the network" in clients["analyst"].get(f"/alerts/{network_alert}").text
    # A network's alert follows the network page's scope: not a practitioner's.
    assert clients["practitioner"].get(f"/alerts/{network_alert}").status_code == 403
    assert f"/networks/{county.network}" not in clients["practitioner"].get("/alerts").text
    assert 'href="/mace"' not in clients["practitioner"].get("/alerts").text
    # Separate duties: the admin manages accounts, the auditor reads the log.
    assert 'href="/admin/audit"' not in clients["admin"].get("/admin/users").text
    assert 'href="/admin/users"' not in clients["auditor"].get("/admin/audit").text
    assert 'href="/admin/audit"' in clients["auditor"].get("/admin/audit").text
