"""Alerts: synced from assessments, worked to a decision, signed off, reopened by new evidence."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import select

from app_county import raise_score
from app_harness import csrf_of, make_app, signed_in
from lantern.app import alerts
from lantern.app.models import Alert, AuditEntry, User


def _alert(app, subject_id: str) -> Alert:  # type: ignore[no-untyped-def]
    with app.state.lantern.session() as db:
        return db.scalar(select(Alert).where(Alert.subject_id == subject_id))


def _user(db, username: str) -> User:  # type: ignore[no-untyped-def]
    return db.scalar(select(User).where(User.username == username))


def test_sync_raises_children_and_networks_at_medium_or_high_once(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    state = app.state.lantern
    with state.session() as db:
        raised = {(a.subject_kind, a.subject_id) for a in db.scalars(select(Alert))}
        again = alerts.sync(db, state.analytics)
    assert raised == {
        ("child", county.kayleigh),
        ("child", county.jade),
        ("child", county.liam),
        ("child", county.chloe),
        ("network", county.network),
    }
    assert (again.created, again.risen, again.reopened) == (0, 0, 0)


def test_queue_lists_highest_first_with_age_reasons_agencies_and_clocks(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    html = signed_in(app, "ana").get("/alerts").text
    assert html.index("Kayleigh Brookes") < html.index("Jade Whitfield") < html.index("Liam Carter")
    assert "aged 14" in html  # Kayleigh on the as-of date, 30 June 2011
    assert "Children&#39;s social care" in html or "Children's social care" in html
    assert "Return home interview after the missing episode ending 27 Jun 2011: overdue" in html
    assert "Decision on this alert: due by" in html


def test_every_decision_needs_a_rationale(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    client = signed_in(app, "ana")
    alert = _alert(app, county.jade)
    page = client.get(f"/alerts/{alert.id}")
    response = client.post(
        f"/alerts/{alert.id}/decide",
        data={
            "action": "triage",
            "outcome": "refer_mash",
            "rationale": "  ",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert response.status_code == 400
    assert "Enter the reason for your decision" in response.text
    assert _alert(app, county.jade).status == "open"


def test_triage_closes_and_records_who_and_why(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    client = signed_in(app, "ana")
    alert = _alert(app, county.jade)
    token = csrf_of(client.get(f"/alerts/{alert.id}").text)
    client.post(
        f"/alerts/{alert.id}/decide",
        data={
            "action": "assign",
            "assignee": "pat",
            "rationale": "Social care lead",
            "csrf_token": token,
        },
    )
    response = client.post(
        f"/alerts/{alert.id}/decide",
        data={
            "action": "triage",
            "outcome": "strategy_discussion",
            "rationale": "Repeat missing and older males",
            "csrf_token": token,
        },
    )
    assert "Your decision has been recorded" in response.text
    after = _alert(app, county.jade)
    assert after.status == "closed" and after.assigned_to == "pat"
    with app.state.lantern.session() as db:
        decisions = db.get(Alert, alert.id).decisions
        assert [(d.action, d.outcome, d.decided_by) for d in decisions] == [
            ("assign", "pat", "ana"),
            ("triage", "strategy_discussion", "ana"),
        ]


def test_no_further_action_on_a_high_waits_for_a_different_supervisor(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    state = app.state.lantern
    with state.session() as db:
        alert = db.scalar(select(Alert).where(Alert.subject_id == county.kayleigh))
        alerts.decide(db, alert, _user(db, "sue"), "triage", "nfa", "Family moved away")
        assert alert.status == "awaiting_sign_off"
        with pytest.raises(alerts.DecisionError, match="Only a supervisor"):
            alerts.sign_off(db, alert, _user(db, "ana"), True, "fine")
        with pytest.raises(alerts.DecisionError, match="Someone other than"):
            alerts.sign_off(db, alert, _user(db, "sue"), True, "fine")
        alerts.sign_off(db, alert, _user(db, "sue2"), True, "Agreed: confirmed out of area")
        assert alert.status == "closed"


def test_no_further_action_on_a_medium_closes_at_once(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    with app.state.lantern.session() as db:
        alert = db.scalar(select(Alert).where(Alert.subject_id == county.liam))
        alerts.decide(db, alert, _user(db, "ana"), "triage", "nfa", "Known to youth service")
        assert alert.status == "closed"


def test_a_returned_sign_off_reopens_the_alert(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    with app.state.lantern.session() as db:
        alert = db.scalar(select(Alert).where(Alert.subject_id == county.chloe))
        alerts.decide(db, alert, _user(db, "ana"), "triage", "nfa", "Single episode")
        alerts.sign_off(
            db, alert, _user(db, "sue"), False, "Hotel party with adults met online: not NFA"
        )
        assert alert.status == "open"


def test_a_closed_alert_reopens_when_new_evidence_raises_the_score(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    state = app.state.lantern
    with state.session() as db:
        alert = db.scalar(select(Alert).where(Alert.subject_id == county.liam))
        alerts.decide(db, alert, _user(db, "ana"), "triage", "monitor", "Monitor school attendance")
        assert alert.status == "closed"
    # the same scores again change nothing
    with state.session() as db:
        assert alerts.sync(db, state.analytics).reopened == 0
    state.analytics.close()
    raise_score(county.path, county.liam, 19.0, "high")
    from lantern.app.store_reader import Analytics

    state.analytics = Analytics(county.path)
    with state.session() as db:
        summary = alerts.sync(db, state.analytics)
        alert = db.scalar(select(Alert).where(Alert.subject_id == county.liam))
        assert summary.reopened == 1
        assert alert.status == "open" and alert.band == "high"
        assert "from 10 to 19" in alert.reason


def test_an_open_alert_whose_band_rises_says_so(tmp_path: Path) -> None:
    app, county = make_app(tmp_path)
    state = app.state.lantern
    state.analytics.close()
    raise_score(county.path, county.jade, 30.0, "high")
    from lantern.app.store_reader import Analytics

    state.analytics = Analytics(county.path)
    with state.session() as db:
        assert alerts.sync(db, state.analytics).risen == 1
        assert (
            db.scalar(select(Alert).where(Alert.subject_id == county.jade)).reason
            == "Risen from medium to high"
        )


def test_warm_up_loads_every_child_with_an_open_alert(tmp_path: Path) -> None:
    from lantern.app.web import warm_up

    app, county = make_app(tmp_path)
    assert warm_up(app.state.lantern) == 4
    html = signed_in(app, "ana").get(f"/children/{county.kayleigh}").text
    assert "Kayleigh Brookes" in html


@pytest.mark.parametrize(("band", "alerted"), [("none", False), ("medium", True)])
def test_a_network_is_alerted_by_its_own_band_not_by_its_childrens(
    tmp_path: Path, band: str, alerted: bool
) -> None:
    # Two of the network's children are high and medium; but the score stage never flagged
    # the network (band none: e.g. no adult of it flagged, or criminal exploitation), so it
    # is not put forward as a CSE concern.
    def prepare(county) -> None:  # type: ignore[no-untyped-def]
        import duckdb

        con = duckdb.connect(str(county.path))
        con.execute("ALTER TABLE network_assessments ADD COLUMN band VARCHAR")
        con.execute("UPDATE network_assessments SET band = ?", [band])
        con.close()

    app, county = make_app(tmp_path, prepare=prepare)
    with app.state.lantern.session() as db:
        networks = {a.subject_id for a in db.scalars(select(Alert)) if a.subject_kind == "network"}
    assert (county.network in networks) is alerted


def test_an_open_alert_closes_when_its_child_turns_18_and_a_network_when_all_its_children_have(
    tmp_path: Path,
) -> None:
    app, county = make_app(tmp_path)
    state = app.state.lantern
    state.analytics.close()
    # On the next run the best-supported dates of birth make Chloe, then Kayleigh and Jade
    # (the network's two children), 18 by the as-of date (30 June 2011).
    con = duckdb.connect(str(county.path))
    con.execute(
        "CREATE TABLE person_identity (person_id VARCHAR, date_of_birth DATE, birth_year BIGINT, "
        "born DATE, dob_records BIGINT, dob_disagreements VARCHAR)"
    )
    for person, born in (
        (county.chloe, date(1993, 5, 1)),
        (county.kayleigh, date(1992, 2, 29)),
        (county.jade, date(1993, 6, 30)),
        (county.liam, date(1996, 1, 1)),
    ):
        con.execute(
            "INSERT INTO person_identity VALUES (?, ?, NULL, ?, 1, NULL)", [person, born, born]
        )
    con.close()
    from lantern.app.store_reader import Analytics

    state.analytics = Analytics(county.path)
    with state.session() as db:
        summary = alerts.sync(db, state.analytics)
        by_subject = {a.subject_id: a for a in db.scalars(select(Alert))}
        assert summary.turned_18 == 4
        chloe = by_subject[county.chloe]
        assert chloe.status == "closed"
        assert chloe.reason.startswith("Closed: turned 18 on 01 May 2011, no longer a child")
        assert "29 Feb" not in by_subject[county.kayleigh].reason  # 18 on 1 March 2010
        assert "turned 18 on 01 Mar 2010" in by_subject[county.kayleigh].reason
        network = by_subject[county.network]
        assert network.status == "closed"
        assert "every child in the network had turned 18 by 30 Jun 2011" in network.reason
        assert by_subject[county.liam].status == "open"  # 15: still a child
        # closed for good: a second sync neither reopens nor closes again
        again = alerts.sync(db, state.analytics)
        assert (again.turned_18, again.reopened, again.created) == (0, 0, 0)
        actions = [e.action for e in db.scalars(select(AuditEntry))]
        assert actions.count("alert_closed_turned_18") == 4
    queue = signed_in(app, "ana").get("/alerts").text
    assert f"/children/{county.chloe}" not in queue and "Liam Carter" in queue


@pytest.mark.parametrize(
    ("subject", "refused", "offered"),
    [("jade", {"aud", "adm"}, {"ana", "pat", "sue"}), ("network", {"aud", "adm", "pat"}, {"ana"})],
)
def test_an_alert_is_offered_and_assigned_only_to_roles_that_may_open_it(
    tmp_path: Path, subject: str, refused: set[str], offered: set[str]
) -> None:
    # An auditor handed a child's alert, or a practitioner a network's, could not open it.
    app, county = make_app(tmp_path)
    client = signed_in(app, "ana")
    alert = _alert(app, getattr(county, subject))
    page = client.get(f"/alerts/{alert.id}").text
    listed = set(re.findall(r'<option value="([^"]+)"', page.split('name="assignee"', 1)[1]))
    assert offered <= listed and not listed & refused
    for username in sorted(refused):
        response = client.post(
            f"/alerts/{alert.id}/decide",
            data={
                "action": "assign",
                "assignee": username,
                "rationale": "Please look at this",
                "csrf_token": csrf_of(page),
            },
        )
        assert response.status_code == 400, username
        assert "Choose who to assign this alert to" in response.text
    assert _alert(app, getattr(county, subject)).assigned_to is None
