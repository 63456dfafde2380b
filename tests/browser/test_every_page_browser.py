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
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import Any

import pytest
import uvicorn
from sqlalchemy import select

from app_harness import PASSWORD, ROLE_USERS
from lantern.app.models import Alert
from lantern.app.policy import default_policy
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
    # reviewed, so the Review tab has its report (an empty one would be checked for nothing)
    app, county = make_workbench_app(tmp_path_factory.mktemp("every-page"), review=True, live=True)
    with app.state.lantern.session() as db:
        county.alert_ids = {a.subject_id: a.id for a in db.scalars(select(Alert))}
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


REASON = "Why do you need to open this record?"
REFUSED = "You do not have access to this page"
NOT_FOUND = "Page not found"


@dataclass(frozen=True)
class PageType:
    """A kind of page: where one lives, the access policy's name for it, and the heading a
    role the policy lets in should get (`asked`: roles asked for a reason first, because the
    record is outside their agency's caseload; scope.py)."""

    kind: str
    path: str
    policy: str
    heading: str
    asked: frozenset[str] = frozenset()


def page_types(county: Any) -> list[PageType]:
    """One URL for each kind of page the app serves."""
    k, d, n = county.kayleigh, county.darren, county.network
    alert = county.alert_ids
    practitioner = frozenset({"practitioner"})
    return [
        PageType("alerts", "/alerts", "alerts", "Alerts"),
        PageType("alerts (all)", "/alerts?status=all", "alerts", "Alerts"),
        PageType("alerts (closed)", "/alerts?status=closed", "alerts", "Alerts"),
        PageType("child alert", f"/alerts/{alert[k]}", "alert", "Kayleigh Brookes"),
        PageType("child alert (another agency's child)", f"/alerts/{alert[county.liam]}",
                 "alert", "Liam Carter", practitioner),
        PageType("network alert", f"/alerts/{alert[n]}", "network", f"Network {n}"),
        PageType("child", f"/children/{k}", "child", "Kayleigh Brookes"),
        PageType("child (filtered)", f"/children/{k}?agency=police", "child", "Kayleigh Brookes"),
        PageType("access reason", f"/children/{county.liam}/reason", "access_reason", REASON),
        PageType("person", f"/people/{k}", "person", "Kayleigh Brookes"),
        PageType("adult", f"/adults/{d}", "adult", "Darren Mills", practitioner),
        PageType("network", f"/networks/{n}", "network", f"Network {n}"),
        PageType("vehicle", f"/things/{county.vehicle}", "thing",
                 "Vehicle YX09 ABC (silver Vauxhall Astra)"),
        PageType("phone", f"/things/{county.phone}", "thing", "Phone 07700 900123"),
        PageType("place", "/things/place:Manor Row takeaway", "thing",
                 "Place Takeaway, Manor Row, BD1"),
        PageType("search", "/search?name=Brookes", "search", "Search for a person"),
        PageType("search (phone)", "/search?phone=07700900123", "search", "Search for a person"),
        PageType("MACE pack", "/mace", "mace", "MACE pack"),
        PageType("evidence pack", f"/adults/{d}/evidence-pack", "evidence_pack",
                 "Evidence pack: Darren Mills"),
        PageType("network evidence pack", f"/networks/{n}/evidence-pack",
                 "network_evidence_pack", f"Evidence pack: network {n}"),
        PageType("most connected", "/workbench/connected", "most_connected", "Most connected"),
        PageType("find the path", f"/workbench/path?a={k}&b={d}", "find_path", "Find the path"),
        PageType("places", "/workbench/places", "hotspots", "Place hotspots"),
        PageType("time pattern", "/workbench/time", "time_patterns", "Time pattern"),
        PageType("time pattern (network)", f"/workbench/time?subject={n}", "time_patterns",
                 f"When: Network {n}"),
        PageType("review", "/review", "review", "Retrospective review of child sexual exploitation"),
        PageType("challenged access", "/challenged-access", "challenged_access",
                 "Challenged access"),
        PageType("users", "/admin/users", "users", "Users"),
        PageType("audit log", "/admin/audit", "audit", "Audit log"),
        PageType("audit entry", "/admin/audit/1", "audit_entry", "Audit entry 1"),
        PageType("not found", "/children/P-no-such-child", "child", NOT_FOUND),
    ]  # fmt: skip


def expected_heading(page_type: PageType, role: str) -> str:
    """The heading `role` should read on this page: its own, the reason asked first, or the
    refusal."""
    if not default_policy().allows(role, page_type.policy):
        return REFUSED
    return REASON if role in page_type.asked else page_type.heading


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


def live_problems(text: str, today: datetime) -> list[str]:
    """What a live partnership's page should never read: no date for its data, data weeks old,
    a clock overdue for a year or more (the demo's records used to end in 2011)."""
    problems = []
    if "unknown date" in text:
        problems.append("data as of an unknown date")
    for match in re.finditer(r"Data as of " + DATE, text):
        if not 0 <= (today - _day(match.group(1))).days <= 14:
            problems.append(f"stale data: {match.group(0)}")
    for match in re.finditer(r"overdue since " + DATE, text):
        if (today - _day(match.group(1))).days > 365:
            problems.append(f"overdue for years: {match.group(0)}")
    return problems


@pytest.fixture(scope="module")
def axe_page(browser: Any, site: tuple[str, Any]) -> Iterator[Any]:
    # axe is injected as a script of the test's own: the app's content security policy allows
    # only its own scripts, so the checking context bypasses it (the app's pages are unchanged).
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    yield context.new_page()
    context.close()


def chronology_problems(page: Any) -> list[str]:
    """A child's chronology runs newest first: an entry dated after the one above it is out
    of order."""
    stamps = page.locator("[data-testid=chronology] time[datetime]").evaluate_all(
        "nodes => nodes.map(n => n.getAttribute('datetime'))"
    )
    return [
        f"chronology out of order: {later} below {earlier}"
        for earlier, later in pairwise(stamps)
        if later > earlier
    ]


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
def test_every_page_type_reads_right_and_passes_axe(site, axe_page, role: str) -> None:  # type: ignore[no-untyped-def]
    """Each role gets, on each page type, the page the access policy says it should (its
    heading, or the reason asked first, or the refusal) — and whatever it gets reads right
    and passes axe."""
    assert AXE.is_file(), "axe-core is not vendored: run `make assets` (scripts/build-assets.sh)"
    base, county = site
    page = axe_page
    sign_in(page, base, ROLE_USERS[role][0])
    failures: list[str] = []
    refusal_checked = False
    for page_type in page_types(county):
        where = f"{page_type.kind} {page_type.path}"
        response = page.goto(base + page_type.path)
        assert response is not None
        wanted = expected_heading(page_type, role)
        status = {REFUSED: 403, NOT_FOUND: 404}.get(wanted, 200)
        if response.status != status:
            failures.append(f"{where}: HTTP {response.status}, expected {status}")
        heading = page.locator("h1").first.inner_text().strip()
        if heading != wanted:
            failures.append(f"{where}: heading {heading!r}, expected {wanted!r}")
        text = page.locator("body").inner_text()
        failures += [f"{where}: {p}" for p in reading_problems(text)]
        failures += [f"{where}: {p}" for p in live_problems(text, datetime.now())]
        if "Data as of" not in text:
            failures.append(f"{where}: no 'Data as of' date for a signed-in user")
        failures += [f"{where}: {p}" for p in chronology_problems(page)]
        if wanted != REFUSED or not refusal_checked:  # (the refusal is one page: axe it once)
            failures += [f"{where}: axe {v}" for v in axe_violations(page)]
            refusal_checked = refusal_checked or wanted == REFUSED
        if wanted == "Retrospective review of child sexual exploitation":
            if not page.locator("[data-testid=review-report]").count():
                failures.append(f"{where}: the review's report is not shown")
    assert not failures, "\n".join(failures)


def test_each_role_starts_on_its_own_page(site, page) -> None:  # type: ignore[no-untyped-def]
    base, _ = site
    for role, (username, _) in ROLE_USERS.items():
        sign_in(page, base, username)
        start = {"admin": "/admin/users", "auditor": "/admin/audit"}.get(role, "/alerts")
        assert page.url == base + start, role
        # the navigation offers what the role may open, and nothing it may not
        nav = page.locator("nav").first.inner_text()
        for label, policy_page in (("Review", "review"), ("Time pattern", "time_patterns"),
                                   ("MACE pack", "mace"), ("Search", "search")):  # fmt: skip
            allowed = default_policy().allows(role, policy_page)
            assert (label in nav) == allowed, f"{role}: {label!r} in the navigation"


def test_the_signed_out_pages_read_right_and_pass_axe(site, axe_page) -> None:  # type: ignore[no-untyped-def]
    base, _ = site
    page = axe_page
    page.context.clear_cookies()
    for path, heading in (("/sign-in", "Sign in to Lantern"), ("/alerts", "Sign in to Lantern")):
        page.goto(base + path)
        assert page.locator("h1").first.inner_text().strip() == heading, path
        assert not reading_problems(page.locator("body").inner_text()), path
        assert not axe_violations(page), path
    page.fill("#username", "ana")
    page.fill("#password", "not the password")
    page.click("button:has-text('Sign in')")
    assert page.locator(".govuk-error-summary").count() == 1
    assert not axe_violations(page)


def test_axe_finds_a_violation_when_there_is_one(axe_page) -> None:  # type: ignore[no-untyped-def]
    axe_page.set_content(
        '<html lang="en"><body><main><img src="x.png"><a href="/"></a></main></body></html>'
    )
    found = axe_violations(axe_page)
    assert any(v.startswith("image-alt") for v in found), found
    assert any(v.startswith("link-name") for v in found), found
    assert reading_problems("Outcome: None") and reading_problems("12 Mar 2024 to 01 Mar 2024")
    assert not reading_problems("None yet. 01 Mar 2024 to 12 Mar 2024")
    today = datetime(2026, 12, 7)
    assert live_problems("Data as of an unknown date (the latest record received)", today)
    assert live_problems("Data as of 28 Jun 2011 10:30", today)
    assert live_problems("Return home interview: overdue since 30 Jun 2011 08:00", today)
    assert not live_problems("Data as of 01 Dec 2026 10:30. Overdue since 30 Nov 2026", today)


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


def test_each_child_alert_and_its_pages_give_the_same_band_score_and_agencies(site, page) -> None:  # type: ignore[no-untyped-def]
    base, county = site
    sign_in(page, base, ROLE_USERS["analyst"][0])
    page.goto(f"{base}/alerts?status=all")
    band_score = re.compile(r"(High|Medium|Low)\s+score (\d+(?:\.\d+)?)")
    rows = page.locator("[data-testid=alerts-table] tbody tr")
    queue = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        link = row.locator("a").first
        href = link.get_attribute("href")
        if not href or not href.startswith("/alerts/") or "network" in row.inner_text().lower():
            continue
        said = band_score.search(row.inner_text())
        assert said, row.inner_text()
        agencies = row.locator("td").nth(4).inner_text().strip()
        queue[href] = (link.inner_text().strip(), said.groups(), agencies)
    assert len(queue) == 4, queue
    for href, (name, said, agencies) in queue.items():
        page.goto(base + href)
        summary = page.locator(".govuk-summary-list").first.inner_text()
        shown = band_score.search(summary)
        assert shown and shown.groups() == said, (href, summary)
        assert agencies in summary, (href, agencies)
        page.click("text=Open the child's record and chronology")
        assert page.locator("h1").first.inner_text().strip() == name
        assessment = band_score.search(page.locator("main").inner_text())
        assert assessment and assessment.groups() == said, (href, name)


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
