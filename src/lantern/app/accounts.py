"""Users, argon2 password hashes, and sign-in with throttling."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from lantern.app import audit
from lantern.app.models import SignInAttempt, User, WebSession
from lantern.app.policy import ROLES
from lantern.errors import UserError

_HASHER = PasswordHasher()  # argon2id, RFC 9106 low-memory profile (argon2-cffi's default)
_DUMMY: dict[str, str] = {}


def use_password_hasher(hasher: PasswordHasher) -> None:
    """Change the argon2 parameters (tests use cheap ones; hashes record their own parameters)."""
    global _HASHER
    _HASHER = hasher
    _DUMMY.clear()


def _dummy_hash() -> str:
    """A hash to verify against when the username is unknown, so both paths take as long."""
    if "hash" not in _DUMMY:
        _DUMMY["hash"] = _HASHER.hash("not a password anyone has")
    return _DUMMY["hash"]


MIN_PASSWORD_LENGTH = 12


@dataclass(frozen=True)
class Throttle:
    """How sign-in slows an attacker without locking out the account's owner.

    Failures are counted over `window` three ways, and past a free allowance each adds a wait
    that doubles from `base` up to `max_wait`, counted from the last failure:

    - for this account from this client (`per_pair` free): a guesser at one account;
    - from this client for any account (`per_client` free): a guesser spraying many accounts;
    - for this account from any client (`per_account` free): a guesser spread over many
      addresses. It does not hold up a client that has signed in to this account before
      (within `known_for`), so nobody can keep the owner out by failing on purpose.
    """

    per_pair: int = 5
    per_client: int = 20
    per_account: int = 10
    base: timedelta = timedelta(seconds=30)
    max_wait: timedelta = timedelta(minutes=15)
    window: timedelta = timedelta(minutes=15)
    known_for: timedelta = timedelta(days=30)

    def wait(self, failures: int, free: int) -> timedelta:
        if failures < free:
            return timedelta(0)
        return min(self.max_wait, self.base * 2 ** min(failures - free, 20))


class SignInRefused(UserError):
    """Wrong username or password (deliberately not saying which)."""


class SignInThrottled(UserError):
    """Too many failed attempts recently; try again later."""


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def add_user(
    db: Session,
    username: str,
    password: str,
    role: str,
    *,
    display_name: str | None = None,
    agency: str | None = None,
    requested_by: str | None = None,
) -> User:
    """Add a user. Added by an admin in the app (`requested_by`), a role that reads children's
    records or the audit log, or administers accounts, waits for a second admin's approval;
    the command line (whoever runs it holds the database already) adds it active."""
    problems = []
    if role not in ROLES:
        problems.append(f"role must be one of {', '.join(ROLES)}")
    if role == "practitioner" and not agency:
        problems.append("a practitioner needs an agency (e.g. police, social_care)")
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if not username.strip():
        problems.append("the username is empty")
    elif db.scalar(select(User).where(User.username == username)) is not None:
        problems.append(f"a user called {username!r} already exists")
    if problems:
        raise UserError("cannot add the user: " + "; ".join(problems))
    user = User(
        username=username,
        display_name=display_name or username,
        role=role,
        agency=agency if role == "practitioner" else agency or None,
        password_hash=hash_password(password),
        active=True,
        created_at=datetime.now(),
        requested_by=requested_by,
        pending=False,
    )
    if requested_by is not None and role in NEEDS_APPROVAL:
        user.active, user.pending = False, True
    db.add(user)
    db.flush()
    return user


# The roles an admin cannot grant alone: analyst and supervisor read every agency's records,
# auditor reads the audit log's personal details, and a second admin could approve the first's
# grants (so making an admin needs another admin too).
NEEDS_APPROVAL = frozenset({"analyst", "supervisor", "auditor", "admin"})


def find_user(db: Session, username: str) -> User:
    user = db.scalar(select(User).where(User.username == username))
    if user is None:
        raise UserError(f"there is no user called {username!r}")
    return user


def end_sessions(db: Session, user: User) -> int:
    """Sign the user out everywhere; returns how many sessions ended."""
    result = db.execute(delete(WebSession).where(WebSession.user_id == user.id))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def approve(db: Session, actor: str, username: str) -> User:
    """A second admin approves an account another admin asked for."""
    user = find_user(db, username)
    if not user.pending:
        raise UserError(f"{username} is not waiting for approval")
    if actor == user.requested_by:
        raise UserError(
            f"you asked for {username}'s account: another admin must approve it (two people "
            "grant a role that reads children's records or the audit log)"
        )
    user.pending, user.active, user.approved_by = False, True, actor
    audit.record(
        db, actor, "user_approved", username, role=user.role, requested_by=user.requested_by
    )
    return user


def disable(db: Session, actor: str, username: str) -> User:
    """Stop the account signing in, and end its sessions (its history stays)."""
    user = find_user(db, username)
    if user.username == actor:
        raise UserError("you cannot disable your own account: ask another admin")
    user.active = False
    ended = end_sessions(db, user)
    audit.record(db, actor, "user_disabled", username, role=user.role, sessions_ended=ended)
    return user


def enable(db: Session, actor: str, username: str) -> User:
    user = find_user(db, username)
    if user.pending:
        raise UserError(f"{username} is waiting for a second admin's approval, not disabled")
    user.active = True
    audit.record(db, actor, "user_enabled", username, role=user.role)
    return user


def reset_password(db: Session, actor: str, username: str, password: str | None = None) -> str:
    """Set a new password (generated if not given) and end the user's sessions; returns it."""
    user = find_user(db, username)
    password = password if password is not None else generate_password()
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    user.password_hash = hash_password(password)
    ended = end_sessions(db, user)
    audit.record(db, actor, "password_reset", username, sessions_ended=ended)
    return password


def sessions_end(db: Session, actor: str, username: str) -> int:
    user = find_user(db, username)
    ended = end_sessions(db, user)
    audit.record(db, actor, "sessions_ended", username, sessions_ended=ended)
    return ended


def generate_password() -> str:
    return secrets.token_urlsafe(15)


def _failures(db: Session, since: datetime, *conditions) -> tuple[int, datetime | None]:  # type: ignore[no-untyped-def]
    """How many failed sign-ins match `conditions` since `since`, and when the last was."""
    count, last = db.execute(
        select(func.count(), func.max(SignInAttempt.at)).where(
            SignInAttempt.at >= since, SignInAttempt.succeeded.is_(False), *conditions
        )
    ).one()
    return int(count or 0), last


def throttle_wait(
    db: Session, username: str, client: str, throttle: Throttle, now: datetime | None = None
) -> timedelta:
    """How long this client must still wait before trying this account (0: it may try now)."""
    now = now or datetime.now()
    since = now - throttle.window
    by_user, by_client = SignInAttempt.username == username, SignInAttempt.client == client
    checks = [
        (_failures(db, since, by_user, by_client), throttle.per_pair),
        (_failures(db, since, by_client), throttle.per_client),
    ]
    known = db.scalar(
        select(SignInAttempt.id)
        .where(by_user, by_client, SignInAttempt.succeeded.is_(True))
        .where(SignInAttempt.at >= now - throttle.known_for)
        .limit(1)
    )
    if known is None:
        checks.append((_failures(db, since, by_user), throttle.per_account))
    wait = timedelta(0)
    for (count, last), free in checks:
        if last is not None:
            wait = max(wait, last + throttle.wait(count, free) - now)
    return wait


def sign_in(
    db: Session, username: str, password: str, client: str, throttle: Throttle = Throttle()
) -> User:
    """Check the password; refuse without checking while this client must wait (`Throttle`)."""
    now = datetime.now()
    wait = throttle_wait(db, username[:80], client[:64], throttle, now)
    if wait > timedelta(0):
        seconds = int(wait.total_seconds()) + 1
        raise SignInThrottled(
            "There have been too many failed attempts to sign in. Wait "
            + (f"{-(-seconds // 60)} minutes" if seconds > 90 else f"{seconds} seconds")
            + " and try again."
        )
    user = db.scalar(
        select(User).where(
            User.username == username, User.active.is_(True), User.pending.is_(False)
        )
    )
    try:
        _HASHER.verify(user.password_hash if user else _dummy_hash(), password)
        ok = user is not None
    except (VerificationError, InvalidHashError):
        ok = False
    db.add(SignInAttempt(username=username[:80], client=client[:64], at=now, succeeded=ok))
    db.flush()
    if not ok or user is None:
        raise SignInRefused("Enter a correct username and password.")
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user
