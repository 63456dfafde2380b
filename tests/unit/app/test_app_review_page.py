"""The retrospective review report as a page: analysts and supervisors only, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app_harness import make_app, signed_in
from lantern.app.models import AuditEntry
from workbench_harness import make_workbench_app


def test_the_review_report_renders_for_analysts_and_is_audited(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app, _ = make_workbench_app(tmp_path, review=True)
    analyst = signed_in(app, "ana")
    html = analyst.get("/review").text
    assert 'data-testid="review-report"' in html
    assert "Retrospective review of child sexual exploitation" in html
    assert "Records known between 2011-01-08 and 2011-06-30" in html
    assert "<script" not in html[html.index("review-report") :].split("</main>")[0]
    assert signed_in(app, "sue").get("/review").status_code == 200
    assert signed_in(app, "pat").get("/review").status_code == 403
    assert signed_in(app, "adm").get("/review").status_code == 403
    with app.state.lantern.session() as db:
        actors = db.scalars(
            select(AuditEntry.actor).where(AuditEntry.action == "view_review_report")
        ).all()
    assert sorted(actors) == ["ana", "sue"]


@pytest.mark.parametrize("who", ["ana"])
def test_without_a_review_the_page_says_how_to_run_one(tmp_path, who: str) -> None:  # type: ignore[no-untyped-def]
    app, _ = make_app(tmp_path)
    html = signed_in(app, who).get("/review").text
    assert 'data-testid="no-review"' in html and "lantern review" in html
