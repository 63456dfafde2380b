"""The Riverside example through the pipeline and the app: what a practitioner sees of its
story — names written as names, Cole's phone shown beside the network it is not a member of,
no Python showing through."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from app_harness import PASSWORD, SECRET, csrf_of
from lantern.app import accounts
from lantern.app.web import create_app
from lantern.cli import main
from lantern.settings import load_settings
from support import EXAMPLES


@pytest.fixture(scope="module")
def analyst(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    where = tmp_path_factory.mktemp("riverside-app")
    store = where / "riverside.duckdb"
    assert main(["run", str(EXAMPLES / "riverside"), "--store", str(store)]) == 0
    settings = load_settings(
        {},
        store=store,
        database_url=f"sqlite:///{where / 'app.db'}",
        secret_key=SECRET,
        audit_key="k" * 48,
    )
    app = create_app(settings)
    with app.state.lantern.session() as db:
        accounts.add_user(db, "ana", PASSWORD, "analyst", display_name="Ana")
    client = TestClient(app, base_url="http://127.0.0.1")
    page = client.get("/sign-in")
    client.post(
        "/sign-in",
        data={"username": "ana", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
    )
    return client


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.xfail(
    strict=True,
    reason="Riverside's network has band none: it is put forward once two of its children and "
    "one adult are flagged (weights.yaml network), and Chloe peaks at 14.8 (low, medium is 16) "
    "on 2013-05-24, so Cole (linked to one flagged child) stays low. Her car link now counts "
    "(+4: one record in KX09LMN, recorded as used by a suspect, beside Kayleigh tied to it "
    "twice); Cole as a person earns nothing, as Kayleigh is tied to him in one record only "
    "(PE-0004; her other tie is to his car). What is left is in her notes: the mother's call "
    "('older lads with cars') scores 1.0 and the self-harm note is read by the concept layer "
    "only. Open: issue 15 (notes)",
)
def test_the_network_shows_coles_phone_beside_its_members(analyst: TestClient) -> None:
    queue = analyst.get("/alerts?status=all").text
    network = re.search(r"Network (N\d+)", queue)
    assert network, "Riverside's network is not in the queue"
    page = analyst.get(f"/networks/{network.group(1)}").text
    text = _text(page)
    assert "Darren Cole" in text and "COLE" not in text
    things = page.split('data-testid="member-things"', 1)[1].split("</ul>", 1)[0]
    assert "07700 900461" in things and "Darren Cole" in things
    said = re.search(r"(\d+) children? and (\d+) adults? linked", _text(queue))
    shown = re.search(r"Who (\d+) children, (\d+) adults", text)
    assert said and shown and said.groups() == shown.groups()


def test_no_page_of_the_story_shows_none(analyst: TestClient) -> None:
    queue = analyst.get("/alerts?status=all").text
    paths = set(re.findall(r'href="(/alerts/\d+)"', queue))
    paths |= {f"/networks/{n}" for n in re.findall(r"Network (N\d+)", queue)}
    for path in sorted(paths):
        text = _text(analyst.get(path).text)
        assert not re.search(r"\bNone\b", text), path
        for child in re.findall(r'href="(/children/P[0-9a-f]+)"', analyst.get(path).text):
            page = _text(analyst.get(child).text)
            assert not re.search(r"\bNone\b", page), child
            assert "(thing)" not in page and "Recorded as a absence" not in page
