"""Alerts: who needs a person's attention, and what people decided.

`sync` copies children and networks at `medium`/`high` from the analytical store's assessments
into the operational store's `alerts`: new ones open, a band that rose is marked, and a closed
alert reopens when new evidence raises its score. `decide` and `sign_off` apply the workflow:

    open ──assign──► assigned ──triage──► closed
                          └─ triage "no further action" on a high ─► awaiting_sign_off
    awaiting_sign_off ──supervisor approves──► closed   (returns ──► open)
    closed ──score rises──► open (reopened)
    open, assigned or awaiting sign-off ──child turns 18──► closed (by the system, with the date)

A child alert closes when the child turns 18 (on their best-supported date of birth, by the
as-of date), and a network alert when every child in the network has: the queue is for
children. Nothing is lost: the alert keeps its decisions and says why it closed, the audit log
records it, and the retrospective review still counts the child.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from lantern.app import audit, disruptions
from lantern.app.models import Alert, Decision, User
from lantern.app.policy import ROLES
from lantern.app.store_reader import Analytics, band_rank
from lantern.errors import UserError

TRIAGE_OUTCOMES = {
    "refer_mash": "Refer to the MASH",
    "strategy_discussion": "Hold a strategy discussion",
    "monitor": "Monitor",
    "nfa": "No further action",
}
ACTIONS = ("assign", "triage", "sign_off")
STATUSES = {
    "open": "Open",
    "assigned": "Assigned",
    "awaiting_sign_off": "Awaiting sign-off",
    "closed": "Closed",
}
OPEN_STATUSES = ("open", "assigned", "awaiting_sign_off")


class DecisionError(UserError):
    """A decision that the workflow does not allow (missing rationale, wrong role, ...)."""


@dataclass
class SyncSummary:
    created: int = 0
    risen: int = 0
    reopened: int = 0
    updated: int = 0
    turned_18: int = 0
    carried_over: int = 0  # alerts moved to the person now holding their records
    disruptions_followed: int = 0  # actions against a person moved with the person's records

    def __str__(self) -> str:
        return (
            f"{self.created} new, {self.risen} risen, {self.reopened} reopened, "
            f"{self.updated} updated, {self.turned_18} closed at 18, "
            f"{self.carried_over} carried over to a renamed or merged person"
            + (
                f", {self.disruptions_followed} disruption actions moved with their person"
                if self.disruptions_followed
                else ""
            )
        )


def carry_over(db: Session, analytics: Analytics, now: datetime) -> int:
    """Move each child's alert, with its decisions, to the person who holds its records now.

    A run can rename a person (a record with a smaller id joined), merge two into one or
    split one (resolve's `person_changes`); the alert was keyed on the id the page showed. It
    follows the records it was raised on instead: to the person holding most of them now. Two
    alerts that land on one person become one, the older, with every decision of both (the
    newer one's number then opens nothing). Stateless and idempotent: it reads only the
    records, so a sync that missed a generation, or sees it twice, ends the same. Returns the
    alerts moved or merged."""
    children = list(db.scalars(select(Alert).where(Alert.subject_kind == "child")))
    unknown = [a.subject_id for a in children if not a.records]
    if unknown:  # raised before alerts kept records (migration 0005): the id still holds them
        held = analytics.records_of(unknown)
        for alert in children:
            if not alert.records and alert.subject_id in held:
                alert.records = ";".join(held[alert.subject_id])
    records = {a.id: (a.records or "").split(";") if a.records else [] for a in children}
    owner = analytics.persons_of_records([r for rs in records.values() for r in rs])
    moves: dict[int, str] = {}
    for alert in children:
        counts = Counter(owner[r] for r in records[alert.id] if r in owner)
        if not counts:
            continue  # none of its records is in the store any more: leave it be
        most = max(counts.values())
        if counts.get(alert.subject_id) == most:
            continue  # still (one of) the people holding most of its records
        moves[alert.id] = min(p for p, n in counts.items() if n == most)
    if not moves:
        return 0
    moving = [a for a in children if a.id in moves]
    was = {a.id: a.subject_id for a in moving}
    for alert in moving:  # out of the way first: ids may swap (the unique subject)
        alert.subject_id = f"moving:{alert.id}"
    db.flush()
    holder = {a.subject_id: a for a in children if a.id not in moves}
    for alert in sorted(moving, key=lambda a: a.id):
        target, previous = moves[alert.id], was[alert.id]
        kept = holder.get(target)
        if kept is None:
            alert.subject_id, alert.updated_at = target, now
            holder[target] = alert
            audit.record(
                db, "system", "alert_carried_over", f"child:{target}", alert_id=alert.id,
                previous_person_id=previous, reason="its records now belong to this person",
            )  # fmt: skip
            continue
        older, newer = (kept, alert) if kept.id < alert.id else (alert, kept)
        for decision in list(newer.decisions):
            decision.alert = older  # re-parented, not orphaned (the cascade would delete it)
        if newer.status in OPEN_STATUSES and older.status not in OPEN_STATUSES:
            older.status, older.assigned_to = newer.status, newer.assigned_to
        if band_rank(newer.band) > band_rank(older.band):
            older.band, older.score = newer.band, newer.score
        merged_records = sorted(set(records[older.id]) | set(records[newer.id]))
        db.delete(newer)  # first: the survivor takes its subject id
        db.flush()
        older.subject_id, older.updated_at = target, now
        older.records = ";".join(merged_records)
        holder[target] = older
        audit.record(
            db, "system", "alert_merged", f"child:{target}", alert_id=older.id,
            merged_alert_id=newer.id, previous_person_id=previous,
            reason="two alerts' records now belong to one person",
        )  # fmt: skip
        db.flush()
    db.flush()
    return len(moves)


def sync(db: Session, analytics: Analytics, now: datetime | None = None) -> SyncSummary:
    """Bring the alerts in line with the latest assessments (idempotent)."""
    now = now or datetime.now()
    summary = SyncSummary()
    summary.carried_over = carry_over(db, analytics, now)
    summary.disruptions_followed = disruptions.follow_identity_changes(db, analytics, now)
    grown = analytics.turned_18()
    grown_up_networks = {
        network: max(grown[c] for c in children)
        for network, children in analytics.network_children().items()
        if children and all(c in grown for c in children)
    }
    flagged = [("child", r) for r in analytics.flagged_children()]
    flagged += [
        ("network", r)
        for r in analytics.flagged_networks()
        if r["subject_id"] not in grown_up_networks
    ]
    existing = {(a.subject_kind, a.subject_id): a for a in db.scalars(select(Alert))}
    for grown_alert in existing.values():
        if grown_alert.status not in OPEN_STATUSES:
            continue
        if grown_alert.subject_kind == "child" and grown_alert.subject_id in grown:
            why = (
                f"Closed: turned 18 on {grown[grown_alert.subject_id]:%d %b %Y}, no longer a child"
            )
        elif grown_alert.subject_kind == "network" and grown_alert.subject_id in grown_up_networks:
            day = grown_up_networks[grown_alert.subject_id]
            why = f"Closed: every child in the network had turned 18 by {day:%d %b %Y}"
        else:
            continue
        grown_alert.status, grown_alert.closed_score = "closed", grown_alert.score
        grown_alert.reason = f"{why} (the retrospective review still counts them)"[:200]
        grown_alert.updated_at = now
        summary.turned_18 += 1
        audit.record(
            db, "system", "alert_closed_turned_18", f"{grown_alert.subject_kind}:{grown_alert.subject_id}",
            alert_id=grown_alert.id, reason=grown_alert.reason,
        )  # fmt: skip
    for kind, row in flagged:
        band, score = row["band"], float(row["score"] or 0)
        alert = existing.get((kind, row["subject_id"]))
        if alert is None:
            db.add(
                Alert(
                    subject_kind=kind,
                    subject_id=row["subject_id"],
                    status="open",
                    reason=f"New at {band}",
                    band=band,
                    score=score,
                    raised_at=now,
                    updated_at=now,
                )
            )
            summary.created += 1
            continue
        if alert.band == band and alert.score == score:
            continue
        if alert.status == "closed" and score > (alert.closed_score or 0):
            alert.status = "open"
            alert.reason = (
                f"Reopened: new evidence raised the score from {alert.closed_score:g} to {score:g}"
            )
            alert.raised_at = now
            summary.reopened += 1
            audit.record(
                db,
                "system",
                "alert_reopened",
                f"{kind}:{alert.subject_id}",
                alert_id=alert.id,
                score=score,
                band=band,
            )
        elif alert.status != "closed" and band_rank(band) > band_rank(alert.band):
            alert.reason = f"Risen from {alert.band} to {band}"
            summary.risen += 1
        else:
            summary.updated += 1
        alert.band, alert.score, alert.updated_at = band, score, now
    db.flush()
    # Each child's alert remembers the records its child holds now, for the next carry_over.
    children = list(db.scalars(select(Alert).where(Alert.subject_kind == "child")))
    held = analytics.records_of([a.subject_id for a in children])
    for alert in children:
        now_held = ";".join(held.get(alert.subject_id, []))
        if now_held and alert.records != now_held:
            alert.records = now_held
    db.flush()
    return summary


def queue(
    db: Session,
    status: str = "active",
    page: int = 1,
    per_page: int = 25,
    kinds: tuple[str, ...] = ("child", "network"),
) -> list[Alert]:
    """A page of alerts to work, highest band first; `status` is a status name, `active` or `all`;
    only alerts about `kinds` of subject."""
    query = select(Alert).where(Alert.subject_kind.in_(kinds))
    if status == "active":
        query = query.where(Alert.status.in_(OPEN_STATUSES))
    elif status in STATUSES:
        query = query.where(Alert.status == status)
    band_order = case({"high": 0, "medium": 1, "low": 2}, value=Alert.band, else_=3)
    rows = db.scalars(
        query.order_by(band_order, Alert.score.desc(), Alert.raised_at, Alert.id)
        .offset((max(page, 1) - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(rows)


def counts(db: Session, kinds: tuple[str, ...] = ("child", "network")) -> dict[str, int]:
    """How many alerts about `kinds` of subject have each status."""
    return dict(
        db.execute(  # type: ignore[arg-type]
            select(Alert.status, func.count())
            .where(Alert.subject_kind.in_(kinds))
            .group_by(Alert.status)
        ).all()
    )


def total(counts: dict[str, int], status: str) -> int:
    """How many alerts `queue` pages through for `status`, from `counts`."""
    if status == "active":
        return sum(counts.get(s, 0) for s in OPEN_STATUSES)
    if status in STATUSES:
        return counts.get(status, 0)
    return sum(counts.values())


def _record(
    db: Session, alert: Alert, user: User, action: str, outcome: str, rationale: str
) -> Decision:
    decision = Decision(
        alert=alert,
        action=action,
        outcome=outcome,
        rationale=rationale.strip(),
        decided_by=user.username,
        decided_at=datetime.now(),
        band_at_decision=alert.band,
        score_at_decision=alert.score,
    )
    db.add(decision)
    alert.seen_band, alert.seen_score = alert.band, alert.score
    alert.updated_at = decision.decided_at
    db.flush()
    audit.record(
        db,
        user.username,
        "decision",
        f"{alert.subject_kind}:{alert.subject_id}",
        alert_id=alert.id,
        action=action,
        outcome=outcome,
        rationale=rationale.strip(),
        band=alert.band,
        score=alert.score,
    )
    return decision


def decide(
    db: Session,
    alert: Alert,
    user: User,
    action: str,
    outcome: str,
    rationale: str,
    assignable: Collection[str] | None = None,
) -> Decision:
    """Assign or triage an alert. Every decision needs a rationale. An alert is assigned only
    to someone whose role may open it (`assignable`, the access policy's roles; None: any
    role but admin): an auditor handed a child's alert could not read it."""
    if not rationale.strip():
        raise DecisionError("Enter the reason for your decision.")
    if action == "assign":
        if alert.status == "closed":
            raise DecisionError(
                "This alert is closed; it reopens if new evidence raises the score."
            )
        assignee = db.scalar(select(User).where(User.username == outcome, User.active.is_(True)))
        allowed = assignable if assignable is not None else set(ROLES) - {"admin"}
        if assignee is None or assignee.role not in allowed:
            raise DecisionError("Choose who to assign this alert to.")
        alert.assigned_to = assignee.username
        if alert.status == "open":
            alert.status = "assigned"
        return _record(db, alert, user, "assign", assignee.username, rationale)
    if action == "triage":
        if outcome not in TRIAGE_OUTCOMES:
            raise DecisionError("Choose a triage outcome.")
        if alert.status not in ("open", "assigned"):
            raise DecisionError(
                f"This alert is {STATUSES[alert.status].lower()}; it cannot be triaged now."
            )
        needs_sign_off = outcome == "nfa" and alert.band == "high"
        alert.status = "awaiting_sign_off" if needs_sign_off else "closed"
        if not needs_sign_off:
            alert.closed_score = alert.score
        return _record(db, alert, user, "triage", outcome, rationale)
    raise DecisionError(f"Unknown decision {action!r}.")


def sign_off(db: Session, alert: Alert, user: User, approve: bool, rationale: str) -> Decision:
    """A supervisor agrees (closing the alert) or returns a no-further-action decision on a high."""
    if user.role != "supervisor":
        raise DecisionError("Only a supervisor can sign off a decision.")
    if not rationale.strip():
        raise DecisionError("Enter the reason for your decision.")
    if alert.status != "awaiting_sign_off":
        raise DecisionError("This alert is not awaiting sign-off.")
    proposer = next((d.decided_by for d in reversed(alert.decisions) if d.action == "triage"), None)
    if proposer == user.username:
        raise DecisionError(
            "Someone other than the person who proposed no further action must sign it off."
        )
    if approve:
        alert.status = "closed"
        alert.closed_score = alert.score
    else:
        alert.status = "assigned" if alert.assigned_to else "open"
        alert.reason = "No further action returned by a supervisor"
    return _record(db, alert, user, "sign_off", "approved" if approve else "returned", rationale)
