"""The retrospective review report (issue 8) as a page of the app, for analysts and supervisors.

The report is built from the review tables `lantern review` wrote into the store
(`lantern.review.report.build_report`) and rendered by the review stage itself
(`render_html(..., fragment=True)`), so the page and report.html never disagree. The store
cannot change while the app holds it open, so the rendered report is kept for the app's life.
"""

from __future__ import annotations

import threading
import weakref

import duckdb
from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup

from lantern.app import audit
from lantern.app.context import current_user, state_of
from lantern.app.store_reader import Analytics
from lantern.app.templating import render

router = APIRouter()
_rendered: weakref.WeakKeyDictionary[Analytics, str] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def report_html(analytics: Analytics) -> str | None:
    """The report's HTML body, or None when no review has been run on this store."""
    from lantern.review.render import render_html
    from lantern.review.report import build_report

    if not analytics.has("review_period"):
        return None
    with _lock:
        if analytics not in _rendered:
            try:
                _rendered[analytics] = render_html(build_report(analytics.cursor()), fragment=True)
            except duckdb.CatalogException:  # a review from an older version, missing a table
                return None
        return _rendered[analytics]


@router.get("/review")
def review_page(request: Request) -> Response:
    state = state_of(request)
    with state.session() as db:
        user = current_user(request, db, "review")
        html = report_html(state.analytics)
        audit.record(db, user.username, "view_review_report", "", available=html is not None)
    return render(
        request,
        "review.html",
        report=Markup(html) if html else None,  # noqa: S704 - rendered by the review stage's autoescaping templates
        store=state.settings.store,
    )
