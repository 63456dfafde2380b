"""Take docs/screenshots/demo-*.png from a running `make demo` (Playwright on Debian's chromium).

    make demo                      # in one terminal: note the analyst's password it prints
    .venv/bin/python scripts/demo_screenshots.py --password PASSWORD [--url http://127.0.0.1:8000]

Signs in as the demo's analyst and saves the queue, the first child alert's child page, the
first network and the review tab. The other screenshots come from the browser tests over the
hand-written county (`LANTERN_SCREENSHOTS=1 pytest tests/browser`, docs/app.md).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

SHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"


def shoot(page: Page, name: str, full_page: bool = False) -> Path:
    path = SHOTS / f"demo-{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--username", default="analyst")
    parser.add_argument("--password", required=True, help="as `make demo` printed it")
    args = parser.parse_args()
    base = args.url.rstrip("/")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.goto(f"{base}/sign-in")
        page.fill("#username", args.username)
        page.fill("#password", args.password)
        page.click("button:has-text('Sign in')")
        page.wait_for_url(re.compile(r"/alerts"))
        saved = [shoot(page, "alerts")]
        rows = page.locator("[data-testid=alerts-table] tbody tr")
        child = network = None
        for i in range(rows.count()):
            href = rows.nth(i).locator("a").first.get_attribute("href") or ""
            if rows.nth(i).inner_text().startswith("Network"):
                network = network or href
            else:
                child = child or href
        if child:
            page.goto(base + child)
            page.click("text=Open the child's record and chronology")
            saved.append(shoot(page, "child"))
        if network:
            page.goto(base + network)
            page.click("text=Open the network")
            page.wait_for_selector("[data-testid=graph-image-png]:enabled", timeout=60000)
            saved.append(shoot(page, "network"))
        page.goto(f"{base}/review")
        saved.append(shoot(page, "review"))
        browser.close()
    for path in saved:
        print(path.relative_to(SHOTS.parents[1]))


if __name__ == "__main__":
    main()
