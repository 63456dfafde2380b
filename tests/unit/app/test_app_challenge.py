"""Challenged access: a practitioner gives a reason before a record outside their agency opens."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app_harness import PASSWORD, csrf_of, make_app, signed_in
from lantern.app import accounts, audit
from lantern.app.models import Alert, AuditEntry


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    app, county = make_app(tmp_path_factory.mktemp("challenge"))
    return app, county, signed_in(app, "ana"), signed_in(app, "pat"), signed_in(app, "sue")


def _entries(app, action: str) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    with app.state.lantern.session() as db:
        return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action)).all())


def test_own_agency_records_open_without_a_question(site) -> None:  # type: ignore[no-untyped-def]
    _, county, analyst, practitioner, _ = site
    # Kayleigh has a social care record (pat's agency); analysts work across agencies.
    assert (
        practitioner.get(f"/children/{county.kayleigh}", follow_redirects=False).status_code == 200
    )
    assert analyst.get(f"/children/{county.liam}", follow_redirects=False).status_code == 200


def test_a_record_outside_the_agency_asks_for_a_reason_which_is_audited(site) -> None:  # type: ignore[no-untyped-def]
    app, county, _, practitioner, _ = site
    # Liam is known to the police and his school only.
    first = practitioner.get(f"/children/{county.liam}?agency=police", follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"].startswith(f"/children/{county.liam}/reason?next=")
    form = practitioner.get(first.headers["location"])
    assert "Why do you need to open this record?" in form.text
    assert "Liam Carter" in form.text
    token = csrf_of(form.text)
    views_before = len(_entries(app, "view_child"))

    missing = practitioner.post(
        f"/children/{county.liam}/reason",
        data={"csrf_token": token, "reason": "", "detail": "", "next": f"/children/{county.liam}"},
    )
    assert missing.status_code == 400
    assert "Choose why you need to open this record" in missing.text
    assert not _entries(app, "access_reason")

    given = practitioner.post(
        f"/children/{county.liam}/reason",
        data={
            "csrf_token": token,
            "reason": "new_referral",
            "detail": "School referral received today about Liam",
            "next": f"/children/{county.liam}?agency=police",
        },
        follow_redirects=False,
    )
    assert given.status_code == 303
    assert given.headers["location"] == f"/children/{county.liam}?agency=police"
    [entry] = _entries(app, "access_reason")
    assert (entry.actor, entry.subject) == ("pat", county.liam)
    detail = json.loads(entry.detail)
    assert detail["reason"] == "new_referral" and "School referral" in detail["detail"]
    # Now the record opens, and the view is audited as ever; the chain still verifies.
    page = practitioner.get(f"/children/{county.liam}", follow_redirects=False)
    assert page.status_code == 200 and "Liam Carter" in page.text
    assert len(_entries(app, "view_child")) == views_before + 1
    with app.state.lantern.session() as db:
        assert audit.verify(db).ok


def test_the_reason_form_never_redirects_elsewhere(site) -> None:  # type: ignore[no-untyped-def]
    _, county, _, practitioner, _ = site
    form = practitioner.get(f"/children/{county.amy}/reason?next=https://evil.example/")
    assert f'name="next" value="/children/{county.amy}"' in form.text


def test_an_assigned_child_opens_without_a_question(site) -> None:  # type: ignore[no-untyped-def]
    app, county, _, _, _ = site
    with app.state.lantern.session() as db:
        accounts.add_user(db, "hal", PASSWORD, "practitioner", display_name="Hal", agency="health")
    health = signed_in(app, "hal")
    # Liam is known to the police and his school only: outside health until assigned to hal.
    url = f"/children/{county.liam}"
    assert health.get(url, follow_redirects=False).status_code == 303
    with app.state.lantern.session() as db:
        alert = db.scalar(select(Alert).where(Alert.subject_id == county.liam))
        assert alert is not None
    # A supervisor allocates it to hal: hal's caseload now (self-assignment would not do).
    supervisor = signed_in(app, "sue")
    token = csrf_of(supervisor.get(f"/alerts/{alert.id}").text)
    allocated = supervisor.post(
        f"/alerts/{alert.id}/decide",
        data={
            "action": "assign",
            "assignee": "hal",
            "rationale": "Health lead",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert allocated.status_code == 303
    assert health.get(url, follow_redirects=False).status_code == 200


def test_supervisors_see_challenged_access_by_user_and_reason(site) -> None:  # type: ignore[no-untyped-def]
    app, county, analyst, practitioner, supervisor = site
    token = csrf_of(practitioner.get(f"/children/{county.mark}/reason").text)
    practitioner.post(
        f"/children/{county.mark}/reason",
        data={"csrf_token": token, "reason": "other", "detail": "Checking a MASH enquiry for Mark"},
    )
    report = supervisor.get("/challenged-access")
    assert report.status_code == 200
    assert 'data-testid="challenges-by-user"' in report.text
    assert "Checking a MASH enquiry for Mark" in report.text
    assert "Another safeguarding purpose" in report.text
    only = supervisor.get("/challenged-access?who=pat&reason=other").text
    assert "Checking a MASH enquiry" in only and "School referral received" not in only
    assert analyst.get("/challenged-access").status_code == 403
    assert practitioner.get("/challenged-access").status_code == 403
