"""Every page type, as every role, in a real browser: what a practitioner reads is words, not
Python (no `None`), dates run forwards, the counts a network alert gives are its page's, and
axe-core (vendored from npm by scripts/build-assets.sh) finds no WCAG 2.2 A or AA violation.

A page a role may not open is still checked: the refusal page is a page too. The alert decision
and the network graph are also worked by keyboard alone.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
import uvicorn

from app_harness import PASSWORD, ROLE_USERS
from lantern.app.web import STATIC
from workbench_harness import make_workbench_app

pytestmark = pytest.mark.browser
AXE = STATIC / "vendor" / "axe" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# "12 Mar 2024 to 03 May 2024", "first known 25 Oct 2011, last 22 Oct 2011", "2013-05-03 to ..."
DATE = r"(\d{2} \w{3} \d{4}|\d{4}-\d{2}-\d{2})"
PAIRS = [
    re.compile(DATE + r"(?: \d{2}:\d{2})? to " + DATE),
    re.compile(r"first (?:known|seen) " + DATE + r", last " + DATE),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    app, county = make_workbench_app(tmp_path_factory.mktemp("every-page"))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "the app did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", county
    server.should_exit = True
    thread.join(timeout=10)


def page_types(county: Any) -> dict[str, str]:
    """One URL for each kind of page the app serves."""
    return {
        "alerts": "/alerts",
        "alerts (all)": "/alerts?status=all",
        "alert": "/alerts/1",
        "child": f"/children/{county.kayleigh}",
        "child (filtered)": f"/children/{county.kayleigh}?agency=police",
        "adult": f"/adults/{county.darren}",
        "network": f"/networks/{county.network}",
        "search": "/search?name=Brookes",
        "search (phone)": "/search?phone=07700900123",
        "MACE pack": "/mace",
        "evidence pack": f"/adults/{county.darren}/evidence-pack",
        "network evidence pack": f"/networks/{county.network}/evidence-pack",
        "most connected": "/workbench/connected",
        "find the path": f"/workbench/path?a={county.kayleigh}&b={county.darren}",
        "places": "/workbench/places",
        "time pattern": f"/workbench/time?subject={county.network}",
        "review": "/review",
        "challenged access": "/challenged-access",
        "users": "/admin/users",
        "audit log": "/admin/audit",
        "not found": "/children/P-no-such-child",
    }


def sign_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/sign-in")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()


def axe_violations(page: Any) -> list[str]:
    """axe-core's WCAG 2.2 A/AA violations on the page as loaded, one line each."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:3])
        for v in result["violations"]
    ]


def _day(text: str) -> datetime:
    for fmt in ("%d %b %Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise AssertionError(f"not a date: {text}")


def reading_problems(text: str) -> list[str]:
    """What a practitioner should never read: Python's None, a date range running backwards."""
    problems = []
    for match in re.finditer(
        r".{0,40}\bNone\b(?! (?:yet|of|recorded|found)\b| \(all agencies\)).{0,40}", text
    ):
        problems.append(f"'None' shown: …{match.group(0)}…")
    for pattern in PAIRS:
        for match in pattern.finditer(text):
            if _day(match.group(1)) > _day(match.group(2)):
                problems.append(f"dates backwards: {match.group(0)}")
    for bad in ("(thing)", "(connector thing)", "Recorded as a absence", "Outcome: M\n"):
        if bad in text:
            problems.append(f"raw value shown: {bad}")
    return problems


@pytest.fixture(scope="module")
def axe_page(browser: Any, site: tuple[str, Any]) -> Iterator[Any]:
    # axe is injected as a script of the test's own: the app's content security policy allows
    # only its own scripts, so the checking context bypasses it (the app's pages are unchanged).
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
def test_every_page_type_reads_right_and_passes_axe(site, axe_page, role: str) -> None:  # type: ignore[no-untyped-def]
    assert AXE.is_file(), "axe-core is not vendored: run `make assets` (scripts/build-assets.sh)"
    base, county = site
    username = ROLE_USERS[role][0]
    page = axe_page
    sign_in(page, base, username)
    failures: list[str] = []
    opened = 0
    for kind, path in page_types(county).items():
        response = page.goto(base + path)
        assert response is not None
        status = response.status
        if status == 200:
            opened += 1
        elif status not in (403, 404):
            failures.append(f"{kind} {path}: HTTP {status}")
        if kind == "not found":
            assert status in (403, 404)  # a role with no child pages is refused first
        text = page.locator("body").inner_text()
        failures += [f"{kind} {path}: {p}" for p in reading_problems(text)]
        failures += [f"{kind} {path}: axe {v}" for v in axe_violations(page)]
    # The admin and the auditor open one page each (accounts; the audit log): separate duties.
    least = 1 if role in ("admin", "auditor") else 2
    assert opened >= least, f"{role} opened only {opened} pages"
    assert not failures, "\n".join(failures)


def test_axe_finds_a_violation_when_there_is_one(axe_page) -> None:  # type: ignore[no-untyped-def]
    axe_page.set_content(
        '<html lang="en"><body><main><img src="x.png"><a href="/"></a></main></body></html>'
    )
    found = axe_violations(axe_page)
    assert any(v.startswith("image-alt") for v in found), found
    assert any(v.startswith("link-name") for v in found), found
    assert reading_problems("Outcome: None") and reading_problems("12 Mar 2024 to 01 Mar 2024")
    assert not reading_problems("None yet. 01 Mar 2024 to 12 Mar 2024")


def test_a_network_alert_and_its_page_give_the_same_counts(site, page) -> None:  # type: ignore[no-untyped-def]
    base, county = site
    sign_in(page, base, ROLE_USERS["analyst"][0])
    page.goto(f"{base}/alerts?status=all")
    row = page.locator("tr", has_text=f"Network {county.network}")
    said = re.search(r"(\d+) child(?:ren)? and (\d+) adults? linked", row.inner_text())
    assert said, row.inner_text()
    page.goto(f"{base}/networks/{county.network}")
    shown = re.search(
        r"(\d+) children, (\d+) adults", page.locator("[data-testid=network-counts]").inner_text()
    )
    assert shown and shown.groups() == said.groups()


def test_an_alert_decision_by_keyboard_alone(site, page) -> None:  # type: ignore[no-untyped-def]
    base, county = site
    sign_in(page, base, ROLE_USERS["analyst"][0])
    page.goto(f"{base}/alerts?status=all")
    # Tab to the first alert's link and open it with Enter
    link = page.locator("[data-testid=alerts-table] tbody a").first
    name = link.inner_text()
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == name:
            break
    else:
        raise AssertionError("the alert's link is not reachable by Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/alerts/\d+$"))
    # the triage form: a radio chosen with the keyboard, the rationale typed, submitted by Enter
    page.focus("#outcome-monitor")
    page.keyboard.press("Space")
    assert page.is_checked("#outcome-monitor")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.id")
    for _ in range(10):
        if focused == "rationale":
            break
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.id")
    assert focused == "rationale"
    page.keyboard.type("Seen at school today; monitor weekly with the DSL.")
    for _ in range(10):
        page.keyboard.press("Tab")
        label = page.evaluate("document.activeElement.textContent.trim()")
        if label == "Record triage decision":
            break
    else:
        raise AssertionError("the submit button is not reachable by Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=decision-recorded]")
    assert "Monitor" in page.locator("[data-testid=decisions]").inner_text()


def test_the_network_graph_by_keyboard_alone(site, page) -> None:  # type: ignore[no-untyped-def]
    base, county = site
    sign_in(page, base, ROLE_USERS["analyst"][0])
    page.goto(f"{base}/networks/{county.network}")
    # everything the graph draws is in links a keyboard reaches: each member's page
    members = page.locator("[data-testid=network-members] a")
    assert members.count() > 0
    first = members.first.inner_text()
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == first:
            break
    else:
        raise AssertionError("the network's members are not reachable by Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/(children|adults)/"))
    assert page.locator("h1").inner_text() == first
    # the graph's picture downloads are buttons a keyboard reaches once the graph is drawn
    page.goto(f"{base}/networks/{county.network}")
    png = page.locator("[data-testid=graph-image-png]")
    # (expect polls from Playwright's side: a string wait_for_function is evaluated in the
    # page, which the app's Content Security Policy refuses once it has to poll)
    from playwright.sync_api import expect

    expect(png).to_be_enabled(timeout=30000)
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.testid") == "graph-image-png":
            break
    else:
        raise AssertionError("the graph's download button is not reachable by Tab")
    assert png.is_enabled()
