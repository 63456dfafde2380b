"""Focus on the adults (issue 22) in a real browser: from an alert to an adult's evidence
picture, recording a disruption action, and seeing it in the MACE pack; axe-core on the adult
page (with the form open, and refused), the MACE pack and the evidence pack.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app_harness import PASSWORD
from lantern.app.web import STATIC

pytestmark = pytest.mark.browser
AXE = STATIC / "vendor" / "axe" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/sign-in")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()


def axe_violations(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:3])
        for v in result["violations"]
    ]


@pytest.fixture
def checked_page(browser):  # type: ignore[no-untyped-def]
    # axe is the test's own script: the app's content security policy is bypassed for it only
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def test_from_an_alert_to_the_evidence_picture_a_disruption_and_the_mace_pack(
    live_app, checked_page
) -> None:  # type: ignore[no-untyped-def]
    assert AXE.is_file(), "axe-core is not vendored: run `make assets` (scripts/build-assets.sh)"
    page = checked_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    base = live_app.url
    sign_in(page, base, "sue")
    assert page.url.endswith("/alerts")
    # the network's alert, then the network, then the adult
    page.click(f"text=Network {live_app.county.network}")
    page.click("text=Open the network")
    page.click("a:has-text('Darren Mills')")
    page.wait_for_url(f"**/adults/{live_app.county.darren}")
    picture = page.locator("[data-testid=evidence-picture]")
    assert "8 items from 4 agencies about 3 children" in picture.inner_text()
    assert (
        "If the statements of Kayleigh Brookes are set aside, 6 of 8 items remain, from 4 agencies "
        "and 2 other children." in page.locator("[data-testid=set-aside]").inner_text()
    )
    matrix = page.locator("[data-testid=corroboration-matrix]")
    assert matrix.locator("tbody tr").count() == 3
    assert "22 days later" in page.locator("[data-testid=withdrawals]").inner_text()
    assert page.locator("[data-testid=evidence-timeline] tbody tr").count() == 8
    # the grouped views open and close without script
    page.click("[data-testid=evidence-by-agency] summary")
    assert page.locator("[data-testid=evidence-by-agency]").get_attribute("open") is not None
    assert axe_violations(page) == []

    # a disruption action, first refused (no owner), then recorded
    page.click("[data-testid=record-disruption-toggle]")
    page.select_option("#d-target", "vehicle:YX09ABC")
    page.select_option("#d-action", "anpr_marker")
    page.select_option("#d-agency", "police")
    started = live_app.county.on(date(2011, 4, 15))  # a day in the live county's story
    page.fill("#d-started_on", started.isoformat())
    page.fill("#d-outcome", "Marker set on the Astra <b>now</b>")
    assert axe_violations(page) == []
    page.click("[data-testid=record-disruption]")
    assert "Enter who owns the action" in page.locator(".govuk-error-summary").inner_text()
    assert page.input_value("#d-outcome") == "Marker set on the Astra <b>now</b>"  # kept
    assert axe_violations(page) == []
    page.fill("#d-owner", "DS Patel")
    page.click("[data-testid=record-disruption]")
    page.wait_for_url("**/adults/*?done=disruption*")  # the form posts, then redirects
    page.locator("[data-testid=disruption-recorded]").wait_for(state="visible")
    actions = page.locator("[data-testid=disruptions]").inner_text()
    assert "ANPR marker" in actions and "Marker set on the Astra <b>now</b>" in actions
    assert "Recorded in Lantern by sue" in actions

    # the MACE pack: the adult, their evidence line and the action just recorded
    page.click(".govuk-service-navigation a:has-text('MACE pack')")
    page.wait_for_url("**/mace")
    row = page.locator("[data-testid=mace-adult]", has_text="Darren Mills")
    assert "5 rest on no child's own account" in row.inner_text()
    disruption = row.locator("[data-testid=mace-adult-disruption]").inner_text()
    assert f"{started:%d %b %Y} ANPR marker against Vehicle: YX09 ABC" in disruption
    assert "Marker set on the Astra <b>now</b>" in disruption
    assert axe_violations(page) == []

    # the investigator's evidence pack
    page.goto(f"{base}/adults/{live_app.county.darren}")
    page.click("[data-testid=evidence-pack-link]")
    page.wait_for_url("**/evidence-pack")
    assert "OFFICIAL-SENSITIVE" in page.locator("[data-testid=marking]").inner_text()
    assert "ANPR marker" in page.locator("[data-testid=disruptions]").inner_text()
    assert axe_violations(page) == []
    with page.expect_download() as download:
        page.click("[data-testid=evidence-pack-pdf]")
    assert download.value.suggested_filename.startswith("evidence-pack-P00000000f6-")
    page.goto(f"{base}/networks/{live_app.county.network}/evidence-pack")
    assert page.locator("[data-testid=pack-adult]").count() == 2
    assert axe_violations(page) == []
    assert errors == []
