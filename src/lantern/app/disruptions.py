"""Disruption actions against adults, vehicles and places, and what changed after each.

Partnerships disrupt: a child abduction warning notice, a sexual risk order, a licensing
referral for a taxi driver, a visit to a hotel. Actions arrive as interchange records (the
store's `disruptions`, written by the graph stage) or are recorded here by a supervisor (the
operational store's `disruption_actions`); pages show both together. For each action the months
before and after come from the store's `target_activity_months` (sightings, children seen,
missing episodes of the children linked to the target), so a panel can see whether it worked —
or whether the activity moved to another car or place, which the adult's own months show.
Lantern shows the figures; the panel judges.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lantern.app import audit
from lantern.app.models import DisruptionAction
from lantern.app.store_reader import Analytics

# The vocabulary (TEAM.md; docs/interchange.md's disruption records).
ACTIONS = {
    "cawn": "Child abduction warning notice",
    "sexual_risk_order": "Sexual risk order",
    "shpo": "Sexual harm prevention order",
    "bail_conditions": "Bail conditions",
    "licensing_referral": "Licensing referral",
    "premises_visit": "Premises visit",
    "anpr_marker": "ANPR marker",
    "arrest": "Arrest",
    "other": "Other action",
}
TARGET_KINDS = ("person", "vehicle", "place")
AGENCIES = ("police", "social_care", "health", "education", "licensing", "housing", "other")
WINDOW = 3  # months compared before and after an action
MAX_TEXT = 2000


class DisruptionError(ValueError):
    """A form that cannot be recorded; `field` names the input to correct."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def target_kind_of(target_id: str) -> str:
    """`vehicle:…` and `place:…` are things; anything else is a person's id."""
    prefix = target_id.split(":", 1)[0] if ":" in target_id else ""
    return prefix if prefix in ("vehicle", "place") else "person"


def _day(value: str, field: str, label: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise DisruptionError(
            field, f"Enter the {label} as YYYY-MM-DD, for example 2011-04-01"
        ) from error


def record(
    db: Session,
    *,
    targets: dict[str, str],
    target: str,
    action: str,
    agency: str,
    owner: str,
    started_on: str,
    ended_on: str,
    outcome: str,
    recorded_by: str,
    today: date | None = None,
) -> DisruptionAction:
    """Check the form and add the action (the caller commits, with its audit entry).

    `targets` are the ids this page may record against (the adult and their linked vehicles
    and places): a form naming anything else is refused, so a supervisor records against what
    the page showed them."""
    if target not in targets:
        raise DisruptionError("target", "Choose the adult, vehicle or place the action is against")
    if action not in ACTIONS:
        raise DisruptionError("action", "Choose the kind of action")
    if agency not in AGENCIES:
        raise DisruptionError("agency", "Choose the agency that took the action")
    owner, outcome = owner.strip(), outcome.strip()
    if not owner:
        raise DisruptionError("owner", "Enter who owns the action (a name or a team)")
    if len(owner) > 200:
        raise DisruptionError("owner", "The owner must be 200 characters or fewer")
    if not outcome:
        raise DisruptionError(
            "outcome", "Enter the outcome so far (for example 'served in person')"
        )
    if len(outcome) > MAX_TEXT:
        raise DisruptionError("outcome", f"The outcome must be {MAX_TEXT} characters or fewer")
    started = _day(started_on, "started_on", "date the action started")
    if started is None:
        raise DisruptionError("started_on", "Enter the date the action started")
    if started > (today or date.today()):
        raise DisruptionError("started_on", "The date the action started cannot be in the future")
    ended = _day(ended_on, "ended_on", "date the action ended")
    if ended is not None and ended < started:
        raise DisruptionError("ended_on", "The date the action ended cannot be before it started")
    row = DisruptionAction(
        target_kind=target_kind_of(target),
        target_id=target,
        action=action,
        agency=agency,
        owner=owner,
        started_on=started,
        ended_on=ended,
        outcome=outcome,
        recorded_by=recorded_by,
        recorded_at=datetime.now(),
    )
    db.add(row)
    db.flush()
    return row


def recorded_in_app(db: Session, target_ids: list[str]) -> list[dict[str, Any]]:
    rows = db.scalars(
        select(DisruptionAction)
        .where(DisruptionAction.target_id.in_(list(dict.fromkeys(target_ids))))
        .order_by(DisruptionAction.started_on, DisruptionAction.id)
    ).all()
    return [
        {
            "disruption_id": f"app:{r.id}",
            "target_kind": r.target_kind,
            "target_id": r.target_id,
            "action": r.action,
            "agency": r.agency,
            "owner": r.owner,
            "started_on": r.started_on,
            "ended_on": r.ended_on,
            "outcome": r.outcome,
            "record_id": None,
            "recorded_at": r.recorded_at,
            "recorded_by": r.recorded_by,
            "source": "app",
        }
        for r in rows
    ]


def combined(
    store_rows: list[dict[str, Any]], app_rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Actions from the store and from the app, one list, by the date each started."""
    rows = [{**r, "source": "store", "recorded_by": None} for r in store_rows] + app_rows
    return sorted(rows, key=lambda r: (r["started_on"] or date.min, str(r["disruption_id"])))


def _month(day: date, shift: int) -> date:
    index = day.year * 12 + day.month - 1 + shift
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class Effect:
    """The target's months around one action: WINDOW before, the action's own, WINDOW after."""

    months: list[dict[str, Any]]  # month, offset, sightings, children_seen, missing, recorded
    before: dict[str, int]
    after: dict[str, int]
    after_months_recorded: int  # months after the action the store covers yet

    @property
    def sentence(self) -> str:
        def part(label: str, totals: dict[str, int], months: int) -> str:
            return (
                f"{label} ({months} month{'s' if months != 1 else ''}): "
                f"{totals['sightings']} sighting{'s' if totals['sightings'] != 1 else ''}, "
                f"up to {totals['children_seen']} child{'ren' if totals['children_seen'] != 1 else ''}"
                f" seen in a month, {totals['missing_episodes']} missing episode"
                f"{'s' if totals['missing_episodes'] != 1 else ''} of linked children"
            )

        before = part("Before", self.before, WINDOW)
        if not self.after_months_recorded:
            return f"{before}. After: no month after the action is in the records yet."
        return f"{before}. {part('After', self.after, self.after_months_recorded)}."


def effect(started_on: date, months: dict[Any, dict[str, Any]], as_of: date | None) -> Effect:
    """What was recorded about a target in the months around an action that started on
    `started_on`: a month with no row had nothing recorded (0); a month after `as_of` is not
    in the records yet and is left out of the totals — nor is a month the store covers only in
    part (its last day after `as_of`): a part-month would read as a fall."""
    rows: list[dict[str, Any]] = []
    for offset in range(-WINDOW, WINDOW + 1):
        month = _month(started_on, offset)
        row = months.get(month) or {}
        recorded = as_of is None or _month(started_on, offset + 1) - timedelta(days=1) <= as_of
        rows.append(
            {
                "month": month,
                "offset": offset,
                "recorded": recorded,
                "sightings": int(row.get("sightings") or 0),
                "children_seen": int(row.get("children_seen") or 0),
                "missing_episodes": int(row.get("missing_episodes") or 0),
            }
        )

    def totals(part: list[dict[str, Any]]) -> dict[str, int]:
        return {
            "sightings": sum(r["sightings"] for r in part),
            "children_seen": max((r["children_seen"] for r in part), default=0),
            "missing_episodes": sum(r["missing_episodes"] for r in part),
        }

    after = [r for r in rows if r["offset"] > 0 and r["recorded"]]
    return Effect(
        months=rows,
        before=totals([r for r in rows if r["offset"] < 0]),
        after=totals(after),
        after_months_recorded=len(after),
    )


def follow_identity_changes(db: Session, analytics: Analytics, now: datetime) -> int:
    """Move each action against a person whose id a run renamed, merged or split away (resolve's
    `person_changes`) to the person that id became: the one holding most of the records it
    last held (`Analytics.now_known_as`), followed through later changes too. Recorded in the
    audit log with the id it had, so the action and its before-and-after months stay with the
    man it was taken against. Idempotent: an id still in use is left as it is. Returns the
    actions moved."""
    actions = list(
        db.scalars(select(DisruptionAction).where(DisruptionAction.target_kind == "person"))
    )
    if not actions:
        return 0
    present = analytics.records_of([a.target_id for a in actions])
    moved = 0
    for action in actions:
        if action.target_id in present:
            continue
        target, seen = action.target_id, {action.target_id}
        while (became := analytics.now_known_as(target)) is not None and became not in seen:
            seen.add(became)
            target = became
            if analytics.records_of([target]):
                break
        if target == action.target_id or not analytics.records_of([target]):
            continue  # never changed away, or the trail ends at no person in the store
        previous, action.target_id = action.target_id, target
        audit.record(
            db, "system", "disruption_followed", f"person:{target}", action_id=action.id,
            previous_person_id=previous, at=now.isoformat(),
            reason="the person's records now belong to this person",
        )  # fmt: skip
        moved += 1
    db.flush()
    return moved
