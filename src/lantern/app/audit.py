"""The audit log: every view of a child's record, every search and decision, hash-chained.

Each entry's hash is SHA-256 over the previous entry's hash and the entry's own fields, so
editing, deleting or reordering any entry breaks every hash after it. `verify` walks the chain.
Appends are serialised by updating the single `audit_head` row first, in the caller's transaction
(a row lock in PostgreSQL, the write lock in SQLite), then reading it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lantern.app.models import AuditEntry, AuditHead
from lantern.errors import UserError

GENESIS = "0" * 64


class ChainBroken(UserError):
    """The audit log's hash chain does not verify: an entry was changed, removed or reordered."""

    exit_code = 6


def entry_hash(
    prev_hash: str, at: datetime, actor: str, action: str, subject: str, detail: str
) -> str:
    payload = json.dumps(
        [prev_hash, at.isoformat(timespec="microseconds"), actor, action, subject, detail],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def record(
    db: Session, actor: str, action: str, subject: str = "", /, **detail: object
) -> AuditEntry:
    """Append one entry (committed with the caller's transaction)."""
    text = json.dumps(detail, sort_keys=True, default=str, ensure_ascii=False)
    at = datetime.now()
    # Take the write lock on the head first (PostgreSQL: a row lock; SQLite: the database write
    # lock), so the head read next is the one the previous append committed.
    touched = db.execute(
        update(AuditHead).where(AuditHead.id == 1).values(last_id=AuditHead.last_id)
    ).rowcount  # type: ignore[attr-defined]
    if not touched:
        db.add(AuditHead(id=1, last_id=0, last_hash=GENESIS))
        db.flush()
    head = db.scalars(
        select(AuditHead).where(AuditHead.id == 1).execution_options(populate_existing=True)
    ).one()
    digest = entry_hash(head.last_hash, at, actor, action, subject, text)
    entry = AuditEntry(
        at=at,
        actor=actor,
        action=action,
        subject=subject,
        detail=text,
        prev_hash=head.last_hash,
        hash=digest,
    )
    db.add(entry)
    db.flush()
    head.last_id = entry.id
    head.last_hash = digest
    db.flush()
    return entry


@dataclass(frozen=True)
class Verification:
    entries: int
    broken_at: int | None  # id of the first entry that does not verify
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(db: Session) -> Verification:
    """Recompute the chain from the first entry; report the first entry that does not verify."""
    prev = GENESIS
    count = 0
    last_id = 0
    for entry in db.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(1000):
        count += 1
        if entry.prev_hash != prev:
            return Verification(
                count,
                entry.id,
                "its link to the previous entry is broken (an entry was removed or reordered)",
            )
        expected = entry_hash(
            prev, entry.at, entry.actor, entry.action, entry.subject, entry.detail
        )
        if expected != entry.hash:
            return Verification(count, entry.id, "its contents were changed after it was written")
        prev = entry.hash
        last_id = entry.id
    head = db.get(AuditHead, 1)
    if head is not None and (head.last_hash != prev or head.last_id != last_id):
        return Verification(
            count,
            last_id or None,
            "entries after it were removed (the chain's head does not match)",
        )
    return Verification(count, None)
