"""The audit log: every view of a child's record, every search and decision, in a keyed chain.

Each entry's hash is an HMAC-SHA256, under a key kept outside the database (`LANTERN_AUDIT_KEY`
or `LANTERN_AUDIT_KEY_FILE`), over the previous entry's hash and the entry's own fields. Editing,
deleting or reordering an entry breaks every hash after it, and whoever can write the database
but does not hold the key cannot recompute them. `verify` walks the chain and checks the head
row; `anchor` appends the head to a file kept elsewhere (append-only) or to syslog, and `verify`
with the anchors notices a chain cut back or restored from an older copy.

Appends are serialised by updating the single `audit_head` row first, in the caller's transaction
(a row lock in PostgreSQL, the write lock in SQLite), then reading it. The key travels with the
database session (`Session.info["audit_key"]`, set by `database.session_factory`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lantern.app.models import AuditEntry, AuditHead
from lantern.errors import ConfigError, UserError

GENESIS = "0" * 64
KEYED = "hmac-sha256"
UNKEYED = "sha256"  # chains written before the key (migration 0002); `lantern audit rekey`
MIN_KEY_LENGTH = 32


class ChainBroken(UserError):
    """The audit log's chain does not verify: an entry was changed, removed or reordered."""

    exit_code = 6


def load_key(settings: object) -> bytes:
    """The audit key from the settings: the key file if named, else the key itself."""
    path = getattr(settings, "audit_key_file", None)
    if path:
        try:
            key = Path(path).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ConfigError(f"cannot read the audit key file {path}: {error.strerror}") from error
        where = f"the audit key file {path}"
    else:
        key = str(getattr(settings, "audit_key", "") or "").strip()
        where = "LANTERN_AUDIT_KEY"
    if len(key) < MIN_KEY_LENGTH:
        raise ConfigError(
            f"{where} is missing or shorter than {MIN_KEY_LENGTH} characters: the audit log is "
            "an HMAC chain whose key lives outside the database. Set LANTERN_AUDIT_KEY_FILE to a "
            "file holding a random key (e.g. `python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))' > audit.key; chmod 600 audit.key`), or "
            "LANTERN_AUDIT_KEY (docs/security.md)"
        )
    return key.encode()


def _key_of(db: Session) -> bytes:
    key = db.info.get("audit_key")
    if not key:
        raise ConfigError("no audit key for this database session (database.session_factory)")
    return bytes(key)


def _payload(
    prev_hash: str, at: datetime, actor: str, action: str, subject: str, detail: str
) -> bytes:
    return json.dumps(
        [prev_hash, at.isoformat(timespec="microseconds"), actor, action, subject, detail],
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def entry_hash(
    key: bytes, prev_hash: str, at: datetime, actor: str, action: str, subject: str, detail: str
) -> str:
    return hmac.new(
        key, _payload(prev_hash, at, actor, action, subject, detail), "sha256"
    ).hexdigest()


def unkeyed_hash(
    prev_hash: str, at: datetime, actor: str, action: str, subject: str, detail: str
) -> str:
    """The hash of a chain written before migration 0002 (plain SHA-256, forgeable)."""
    return hashlib.sha256(_payload(prev_hash, at, actor, action, subject, detail)).hexdigest()


def record(
    db: Session, actor: str, action: str, subject: str = "", /, **detail: object
) -> AuditEntry:
    """Append one entry (committed with the caller's transaction)."""
    key = _key_of(db)
    text = json.dumps(detail, sort_keys=True, default=str, ensure_ascii=False)
    at = datetime.now()
    # Take the write lock on the head first (PostgreSQL: a row lock; SQLite: the database write
    # lock), so the head read next is the one the previous append committed.
    touched = db.execute(
        update(AuditHead).where(AuditHead.id == 1).values(last_id=AuditHead.last_id)
    ).rowcount  # type: ignore[attr-defined]
    if not touched:
        raise ChainBroken(
            "the audit log's head row is missing: the chain cannot be extended. "
            "Run `lantern audit verify` and investigate."
        )
    head = db.scalars(
        select(AuditHead).where(AuditHead.id == 1).execution_options(populate_existing=True)
    ).one()
    if head.scheme != KEYED:
        raise ChainBroken(
            "the audit log was written before it was keyed: run `lantern audit rekey` once"
        )
    digest = entry_hash(key, head.last_hash, at, actor, action, subject, text)
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
    broken_at: int | None  # id of the first entry that does not verify (0: the head or an anchor)
    problem: str = ""
    anchors: int = 0

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def _walk(db: Session, hash_of) -> tuple[int, int, str, Verification | None]:  # type: ignore[no-untyped-def]
    prev = GENESIS
    count = 0
    last_id = 0
    for entry in db.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(1000):
        count += 1
        problem = ""
        if entry.prev_hash != prev:
            problem = "its link to the previous entry is broken (an entry was removed or reordered)"
        elif not hmac.compare_digest(
            hash_of(prev, entry.at, entry.actor, entry.action, entry.subject, entry.detail),
            entry.hash,
        ):
            problem = "its contents were changed, or its hash recomputed without the key"
        if problem:
            return count, last_id, prev, Verification(count, entry.id, problem)
        prev = entry.hash
        last_id = entry.id
    return count, last_id, prev, None


def verify(db: Session, anchor_file: Path | None = None) -> Verification:
    """Recompute the chain under the key from the first entry; check the head, and each anchor
    in `anchor_file` if given. Reports the first problem found."""
    key = _key_of(db)
    count, last_id, prev, broken = _walk(db, lambda *fields: entry_hash(key, *fields))
    if broken is not None:
        return broken
    head = db.get(AuditHead, 1)
    if head is None:
        return Verification(count, last_id, "the chain's head row is missing (it was deleted)")
    if head.scheme != KEYED:
        return Verification(
            count, last_id or 0, "the chain is not keyed yet: run `lantern audit rekey`"
        )
    if head.last_hash != prev or head.last_id != last_id:
        return Verification(
            count,
            last_id or None,
            "entries after it were removed (the chain's head does not match)",
        )
    anchors = read_anchors(anchor_file, key) if anchor_file else []
    for n, anchor in enumerate(anchors, 1):
        if anchor is None:
            return Verification(
                count, 0, f"line {n} of the anchor file is not signed with the audit key", n - 1
            )
        if anchor["last_id"] > head.last_id:
            return Verification(
                count,
                anchor["last_id"],
                f"the chain's head (entry {head.last_id}) is older than the anchor written "
                f"{anchor['at']} (entry {anchor['last_id']}): entries were removed or an older "
                "copy of the database restored",
                n - 1,
            )
        if anchor["last_id"] == 0:
            continue
        entry = db.get(AuditEntry, anchor["last_id"])
        if entry is None or entry.hash != anchor["last_hash"]:
            return Verification(
                count,
                anchor["last_id"],
                f"the entry anchored {anchor['at']} is missing or no longer the one anchored",
                n - 1,
            )
    return Verification(count, None, anchors=len(anchors))


def require_keyed(db: Session) -> None:
    """Refuse to start over a chain written before the key (it must be rekeyed on purpose)."""
    head = db.get(AuditHead, 1)
    if head is not None and head.scheme != KEYED:
        raise ConfigError(
            "the audit log was written before Lantern keyed it (an HMAC under a key outside the "
            "database): run `lantern audit rekey` once, with the audit key set, to check the "
            "old chain and re-link it under the key (docs/security.md)"
        )


# anchors -------------------------------------------------------------------------------------
def _anchor_mac(key: bytes, fields: dict[str, object]) -> str:
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    return hmac.new(key, b"anchor:" + text.encode(), "sha256").hexdigest()


def anchor_line(db: Session) -> str:
    """The chain's head as one signed JSON line (the chain must verify first)."""
    key = _key_of(db)
    result = verify(db)
    if not result.ok:
        raise ChainBroken(
            f"the audit log does not verify (entry {result.broken_at}: {result.problem}); "
            "not anchoring it"
        )
    head = db.get(AuditHead, 1)
    assert head is not None
    fields: dict[str, object] = {
        "at": datetime.now().isoformat(timespec="seconds"),
        "last_id": head.last_id,
        "last_hash": head.last_hash,
        "entries": result.entries,
    }
    return json.dumps({**fields, "mac": _anchor_mac(key, fields)}, sort_keys=True)


def append_anchor(path: Path, line: str) -> None:
    """Append `line` to `path`, opened for appending only (make the file append-only with
    `chattr +a`, or keep it on another machine: docs/security.md)."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def read_anchors(path: Path, key: bytes) -> list[dict[str, Any] | None]:
    """Each anchor in the file, or None for a line not signed with `key`."""
    if not path.exists():
        raise ConfigError(f"the audit anchor file {path} does not exist")
    out: list[dict[str, Any] | None] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            fields = {k: raw[k] for k in ("at", "last_id", "last_hash", "entries")}
            ok = hmac.compare_digest(str(raw["mac"]), _anchor_mac(key, fields))
        except (ValueError, KeyError, TypeError):
            ok = False
        out.append(fields if ok else None)
    return out


# keying a chain written before migration 0002 ------------------------------------------------
def rekey(db: Session) -> int:
    """Re-link a chain written with plain SHA-256 under the audit key, after checking it.

    Returns the number of entries re-linked (0 if the chain was keyed already). The unkeyed
    chain could have been rewritten by anyone with the database; it is checked first and its
    head written into the keyed chain's first new entry.
    """
    key = _key_of(db)
    head = db.get(AuditHead, 1)
    if head is None:
        raise ChainBroken("the audit log's head row is missing: not rekeying")
    if head.scheme == KEYED:
        return 0
    count, last_id, prev, broken = _walk(db, unkeyed_hash)
    if broken is not None:
        raise ChainBroken(
            f"the unkeyed audit log does not verify (entry {broken.broken_at}: {broken.problem}); "
            "not rekeying it"
        )
    if head.last_hash != prev or head.last_id != last_id:
        raise ChainBroken("the unkeyed audit log's head does not match its last entry")
    unkeyed_head = prev
    prev = GENESIS
    for entry in db.scalars(select(AuditEntry).order_by(AuditEntry.id)).all():
        entry.prev_hash = prev
        entry.hash = entry_hash(
            key, prev, entry.at, entry.actor, entry.action, entry.subject, entry.detail
        )
        prev = entry.hash
    head.last_hash = prev
    head.scheme = KEYED
    db.flush()
    record(db, "cli", "audit_rekeyed", "", entries=count, unkeyed_head=unkeyed_head)
    return count
