"""The analyst's workbench in a real browser (Debian's chromium through Playwright): the
most-connected list sorts and filters, the path finder shows evidence, and a practitioner is
asked for a reason before a record outside their agency opens, which the audit log then holds."""

from __future__ import annotations

import io
import os
import socket
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import uvicorn
from sqlalchemy import select

from app_harness import PASSWORD
from lantern.app.models import AuditEntry
from workbench_harness import make_workbench_app

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def snap(page, name: str, full_page: bool = True) -> None:  # type: ignore[no-untyped-def]
    """Save a screenshot to docs/screenshots when LANTERN_SCREENSHOTS=1 (how the docs' are made)."""
    if os.environ.get("LANTERN_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def workbench(tmp_path: Path) -> Iterator[tuple[Any, Any]]:
    app, county = make_workbench_app(tmp_path, live=True)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the app did not start")
        time.sleep(0.05)
    yield SimpleNamespace(url=f"http://127.0.0.1:{port}", county=county), app
    server.should_exit = True
    thread.join(timeout=10)


def sign_in(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/sign-in")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Sign in')")
    # signed in before the test moves on: a page opened while the sign-in is still in flight
    # is the sign-in page again (flaky under load)
    page.wait_for_url(lambda url: "/sign-in" not in url)


def _nodes(page) -> list[str]:  # type: ignore[no-untyped-def]
    rows = page.locator("[data-testid=connected-table] tbody tr[data-node]")
    return [rows.nth(i).get_attribute("data-node") for i in range(rows.count())]


def test_most_connected_sorts_and_filters_and_the_path_shows_evidence(workbench, browser) -> None:  # type: ignore[no-untyped-def]
    live, _ = workbench
    county = live.county
    page = browser.new_context().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live.url, "ana")
    page.click("nav >> text=Most connected")
    first = _nodes(page)
    assert first[0] == county.darren
    page.click("[data-testid=sort-weighted_degree]")  # the sorted column again: lowest first
    header = page.locator("th:has([data-testid=sort-weighted_degree])")
    assert header.get_attribute("aria-sort") == "ascending"
    assert _nodes(page)[-1] == county.darren and _nodes(page)[0] != county.darren
    page.click("[data-testid=sort-betweenness]")
    assert page.locator("th:has([data-testid=sort-betweenness])").get_attribute("aria-sort") == (
        "descending"
    )
    snap(page, "workbench-most-connected")
    page.select_option("#kind", "vehicle")
    page.click("button:has-text('Apply filters')")
    assert _nodes(page) == [county.vehicle]

    page.click("nav >> text=Find the path")
    page.fill("#a", "Kayleigh Brookes")
    page.fill("#b", "Jade Whitfield")
    page.click("button:has-text('Find the path')")
    paths = page.locator("[data-testid=path]")
    assert paths.count() == 2
    shortest = paths.first.inner_text()
    assert "Kayleigh Brookes — Darren Mills" in shortest
    assert "police:E2" in shortest and f"{county.on(date(2011, 3, 19)):%d %b %Y}" in shortest
    assert "Two girls in the back" in shortest
    snap(page, "workbench-path")
    assert errors == []


def test_a_practitioner_gives_a_reason_before_a_record_outside_their_agency_opens(
    workbench, browser
) -> None:  # type: ignore[no-untyped-def]
    live, app = workbench
    county = live.county
    page = browser.new_context().new_page()
    sign_in(page, live.url, "pat")  # children's social care; Liam is known to police and school
    page.goto(f"{live.url}/children/{county.liam}")
    assert "/reason" in page.url
    assert page.locator("h1").inner_text() == "Why do you need to open this record?"
    page.click("button:has-text('Open the record')")  # nothing chosen: asked again
    assert "Choose why you need to open this record" in page.content()
    snap(page, "workbench-challenge-reason")
    page.check("#reason-missing_episode")
    page.fill("#detail", "Liam reported missing tonight; checking who he was last seen with")
    page.click("button:has-text('Open the record')")
    assert page.url.endswith(f"/children/{county.liam}")
    assert "Liam Carter" in page.locator("h1").inner_text()

    with app.state.lantern.session() as db:
        entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "access_reason")).one()
        assert (entry.actor, entry.subject) == ("pat", county.liam)
        assert "missing_episode" in entry.detail and "last seen with" in entry.detail

    supervisor = browser.new_context().new_page()
    sign_in(supervisor, live.url, "sue")
    supervisor.click("nav >> text=Challenged access")
    by_user = supervisor.locator("[data-testid=challenges-by-user]").inner_text()
    assert "pat" in by_user
    assert "last seen with" in supervisor.locator("[data-testid=challenges]").inner_text()
    snap(supervisor, "workbench-challenged-access-report")


def test_the_network_graph_downloads_as_png_and_svg_holding_its_nodes(workbench, browser) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    live, _ = workbench
    network = live.county.network
    page = browser.new_context(
        accept_downloads=True, viewport={"width": 1280, "height": 900}
    ).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live.url, "ana")
    page.goto(f"{live.url}/networks/{network}")
    page.wait_for_selector("[data-testid=graph-image][data-ready]")
    graph = page.request.get(f"{live.url}/networks/{network}/graph.json").json()
    labels = {n["data"]["label"] for n in graph["nodes"]}
    assert len(labels) == len(graph["nodes"]) >= 5

    with page.expect_download() as svg_download:
        page.click("[data-testid=graph-image-svg]")
    assert svg_download.value.suggested_filename == f"network-{network}.svg"
    root = ET.parse(svg_download.value.path()).getroot()
    ns = {"svg": "http://www.w3.org/2000/svg"}
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("role") == "img"
    assert {t.text for t in root.findall(".//svg:g[@class='nodes']//svg:text", ns)} == labels
    assert len(root.findall(".//svg:g[@class='links']/svg:line", ns)) == len(graph["edges"])
    assert root.find("svg:title", ns).text == f"Network {network} (Lantern)"

    with page.expect_download() as png_download:
        page.click("[data-testid=graph-image-png]")
    assert png_download.value.suggested_filename == f"network-{network}.png"
    data = Path(png_download.value.path()).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(data)).convert("RGB")
    assert image.width > 200 and image.height > 200
    colours = image.getcolors(maxcolors=1_000_000) or []
    # The adults are drawn in #505a5f and the links in #6f777b or black: the picture holds them.
    counts = {rgb: n for n, rgb in colours}
    assert counts.get((0x50, 0x5A, 0x5F), 0) > 100
    assert sum(n for rgb, n in counts.items() if rgb != (255, 255, 255)) > 2_000
    snap(page, "workbench-graph-image")
    assert errors == []


def test_time_pattern_heat_map_and_place_hotspots_render(workbench, browser) -> None:  # type: ignore[no-untyped-def]
    live, _ = workbench
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live.url, "ana")
    page.goto(f"{live.url}/workbench/time?subject={live.county.network}")
    heat = page.locator("[data-testid=heat-map]")
    assert heat.locator("caption").count() == 1 and heat.locator("th[scope=row]").count() == 7
    assert page.locator("[data-testid=by-month] tbody tr").count() >= 1
    snap(page, "workbench-time-pattern")
    page.goto(f"{live.url}/workbench/places?min=1")
    assert "Manor Row" in page.locator("[data-testid=hotspots]").inner_text()
    snap(page, "workbench-hotspots")
    assert errors == []


def test_an_adults_neighbourhood_graph_opens_and_downloads_as_svg(workbench, browser) -> None:  # type: ignore[no-untyped-def]
    live, _ = workbench
    county = live.county
    page = browser.new_context(
        accept_downloads=True, viewport={"width": 1280, "height": 900}
    ).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live.url, "ana")
    page.goto(f"{live.url}/adults/{county.darren}")
    assert page.get_attribute("[data-testid=network-graph]", "data-rendered") is None  # closed
    page.click("[data-testid=neighbourhood] summary")
    page.wait_for_selector("[data-testid=graph-image][data-ready]")
    with page.expect_download() as download:
        page.click("[data-testid=graph-image-svg]")
    root = ET.parse(download.value.path()).getroot()
    texts = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"Darren Mills", "Kayleigh Brookes", "Jade Whitfield"} <= texts
    assert download.value.suggested_filename == f"neighbourhood-{county.darren}.svg"
    snap(page, "workbench-neighbourhood-graph")
    assert errors == []
