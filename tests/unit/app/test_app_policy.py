"""The access policy file, and the role matrix: every page against every role."""

from __future__ import annotations

from pathlib import Path

import pytest

from app_harness import ROLE_USERS, csrf_of, make_app, signed_in
from lantern.app.policy import ROLES, default_policy, read_policy
from lantern.app.web import served_routes
from lantern.errors import ConfigError

PUBLIC = {"/sign-in", "/sign-out", "/", "/static", "/assets"}

# What each page must give a role it allows: (url, form or None, status, what must be there).
# `what` is text on the page for 200 HTML, the redirect's location for 303 (a prefix if it
# ends with "*"), or the media type for a download. {k} Kayleigh (a child with a social care
# record, so in the social care practitioner's scope), {d} Darren (an adult with police
# records only), {n} the network, {a} Kayleigh's alert, {s} an alert awaiting sign-off.
REASON = {"reason": "other", "detail": "Matrix test: a MASH enquiry about this child"}
EXPECTED: dict[str, tuple[str, dict[str, str] | None, int, str]] = {
    "alerts": ("/alerts", None, 200, "Kayleigh Brookes"),
    "thing": ("/things/vehicle:YX09ABC", None, 200, "Vehicle YX09 ABC"),
    "alert": ("/alerts/{a}", None, 200, "Kayleigh Brookes"),
    "decide": (
        "/alerts/{a}/decide",
        {"action": "assign", "assignee": "sue", "rationale": "Matrix test"},
        303,
        "/alerts/{a}?done=assign",
    ),
    "sign_off": (
        "/alerts/{s}/sign-off",
        {"decision": "return", "rationale": "Matrix test: look again"},
        303,
        "/alerts/{s}?done=sign_off",
    ),
    "child": ("/children/{k}", None, 200, "Kayleigh Brookes"),
    "adult": (
        "/adults/{d}",
        None,
        200,
        "Jade Whitfield are set aside, 7 of 8 items remain, from 3 agencies",
    ),
    "person": ("/people/{k}", None, 303, "/children/{k}"),
    "decide_dob": (
        "/people/{k}/date-of-birth",
        {"date_of_birth": "1997-06-12", "rationale": "Matrix test: birth certificate seen"},
        303,
        "/children/{k}?dob=decided#date-of-birth",
    ),
    "network": ("/networks/{n}", None, 200, "Darren Mills"),
    "network_graph": ("/networks/{n}/graph.json", None, 200, "application/json"),
    "search": ("/search?name=Kayleigh", None, 200, "Kayleigh Brookes"),
    "mace": ("/mace", None, 200, "Kayleigh Brookes"),
    "mace_pdf": ("/mace.pdf", None, 200, "application/pdf"),
    "users": ("/admin/users", None, 200, "Add a user"),
    "add_user": (
        "/admin/users",
        {"username": "newbie", "role": "practitioner", "agency": "health", "password": "p" * 14},
        303,
        "/admin/users?added=newbie",
    ),
    "change_user": ("/admin/users/sue2/sessions-end", {}, 303, "/admin/users?sessions-end=sue2"),
    "audit": ("/admin/audit", None, 200, "The chain of"),
    "audit_entry": ("/admin/audit/1", None, 200, "Audit entry 1"),
    "most_connected": ("/workbench/connected", None, 200, "Darren Mills"),
    "find_path": ("/workbench/path", None, 200, "Find the path"),
    "network_export": ("/networks/{n}/export/graphml", None, 200, "application/graphml+xml"),
    "person_export": ("/people/{d}/export/graphml", None, 200, "application/graphml+xml"),
    "person_graph": ("/people/{d}/graph.json", None, 200, "application/json"),
    "time_patterns": ("/workbench/time", None, 200, "Time pattern"),
    "hotspots": ("/workbench/places", None, 200, "Place hotspots"),
    "access_reason": ("/children/{k}/reason", None, 200, "Why do you need to open this record?"),
    "give_access_reason": ("/children/{k}/reason", REASON, 303, "/children/{k}"),
    "challenged_access": ("/challenged-access", None, 200, "Challenged access"),
    "review": ("/review", None, 200, "Retrospective review"),
    # Focus on the adults (issue 22): the evidence picture's sentence, the pack's marking.
    "record_disruption": (
        "/adults/{d}/disruptions",
        {
            "target": "{d}",
            "action": "cawn",
            "agency": "police",
            "owner": "Matrix test",
            "started_on": "2011-05-01",
            "outcome": "Served",
        },
        303,
        "/adults/{d}?done=disruption#disruptions",
    ),
    "evidence_pack": (
        "/adults/{d}/evidence-pack",
        None,
        200,
        "Kayleigh Brookes are set aside, 6 of 8 items remain, from 4 agencies",
    ),
    "evidence_pack_pdf": ("/adults/{d}/evidence-pack.pdf", None, 200, "application/pdf"),
    "network_evidence_pack": (
        "/networks/{n}/evidence-pack",
        None,
        200,
        "OFFICIAL-SENSITIVE</strong>: do not copy or forward",
    ),
    "network_evidence_pack_pdf": ("/networks/{n}/evidence-pack.pdf", None, 200, "application/pdf"),
}
# Where a role's scope, not its page permission, changes what it gets.
SCOPED = {
    # Darren has police records only: the social care practitioner is asked why first.
    ("adult", "practitioner"): (303, "/children/{d}/reason?next=*"),
}


@pytest.fixture(scope="module")
def app_and_clients(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from lantern.app import alerts
    from lantern.app.models import Alert, User
    from workbench_harness import complete_graph

    app, county = make_app(
        tmp_path_factory.mktemp("matrix"), prepare=lambda c: complete_graph(c.path)
    )
    with app.state.lantern.session() as db:
        kayleigh = db.scalar(select(Alert).where(Alert.subject_id == county.kayleigh))
        chloe = db.scalar(select(Alert).where(Alert.subject_id == county.chloe))
        ana = db.scalar(select(User).where(User.username == "ana"))
        alerts.decide(db, chloe, ana, "triage", "nfa", "Matrix test: proposed by the analyst")
        assert chloe.status == "awaiting_sign_off"
        ids = {"a": str(kayleigh.id), "s": str(chloe.id)}
    ids.update(k=county.kayleigh, d=county.darren, n=county.network)
    clients = {role: signed_in(app, username) for role, (username, _) in ROLE_USERS.items()}
    return app, ids, clients


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


def test_every_page_has_an_expectation() -> None:
    assert set(EXPECTED) == set(default_policy().pages)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", sorted(default_policy().pages))
def test_role_matrix(app_and_clients, role: str, page: str) -> None:  # type: ignore[no-untyped-def]
    """Every page against every role: a refused role gets 403 and the refusal page; an allowed
    role gets exactly the page (or redirect, or download) it should, not merely "not 403"."""
    _, ids, clients = app_and_clients
    spec = default_policy().pages[page]
    url, form, status, what = EXPECTED[page]
    url, what = url.format(**ids), what.format(**ids)
    client = clients[role]
    if spec.method == "GET":
        response = client.get(url, follow_redirects=False)
    else:
        token = csrf_of(client.get("/admin/users" if role == "admin" else "/search").text)
        data = {k: v.format(**ids) for k, v in (form or {}).items()}
        response = client.post(url, data={**data, "csrf_token": token}, follow_redirects=False)
    if role not in spec.roles:
        assert response.status_code == 403, f"{role} was let into {page} ({response.status_code})"
        refusal = '{"error":"forbidden"}' if url.endswith(".json") else "You do not have access"
        assert refusal in response.text
        return
    status, what = SCOPED.get((page, role), (status, what))
    what = what.format(**ids)
    assert response.status_code == status, (role, page, response.status_code, response.text[:300])
    if status in (301, 302, 303):
        location = response.headers["location"]
        if what.endswith("*"):
            assert location.startswith(what[:-1]), (role, page, location)
        else:
            assert location == what, (role, page, location)
    elif what.startswith(("application/", "text/")):
        assert response.headers["content-type"].startswith(what), (role, page)
    else:
        assert what in response.text, (role, page, what)


def test_pages_do_not_offer_links_the_role_may_not_follow(app_and_clients) -> None:  # type: ignore[no-untyped-def]
    app, ids, clients = app_and_clients
    from sqlalchemy import select

    from lantern.app.models import Alert

    with app.state.lantern.session() as db:
        network_alert = db.scalar(select(Alert.id).where(Alert.subject_kind == "network"))
    assert "Open the network" in clients["analyst"].get(f"/alerts/{network_alert}").text
    # A network's alert follows the network page's scope: not a practitioner's.
    assert clients["practitioner"].get(f"/alerts/{network_alert}").status_code == 403
    assert f"/networks/{ids['n']}" not in clients["practitioner"].get("/alerts").text
    assert 'href="/mace"' not in clients["practitioner"].get("/alerts").text
    # Separate duties: the admin manages accounts, the auditor reads the log.
    assert 'href="/admin/audit"' not in clients["admin"].get("/admin/users").text
    assert 'href="/admin/users"' not in clients["auditor"].get("/admin/audit").text
    assert 'href="/admin/audit"' in clients["auditor"].get("/admin/audit").text
