"""Users, argon2 password hashes, and sign-in with throttling."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lantern.app.models import SignInAttempt, User
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
    """At most `failures` failed sign-ins per username, and per client, within `window`."""

    failures: int = 5
    window: timedelta = timedelta(minutes=15)


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
) -> User:
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
    )
    db.add(user)
    db.flush()
    return user


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def _recent_failures(db: Session, column, value: str, since: datetime) -> int:  # type: ignore[no-untyped-def]
    return (
        db.scalar(
            select(func.count())
            .select_from(SignInAttempt)
            .where(column == value, SignInAttempt.at >= since, SignInAttempt.succeeded.is_(False))
        )
        or 0
    )


def sign_in(
    db: Session, username: str, password: str, client: str, throttle: Throttle = Throttle()
) -> User:
    """Check the password; refuse without checking once the username or client is throttled."""
    now = datetime.now()
    since = now - throttle.window
    if (
        _recent_failures(db, SignInAttempt.username, username, since) >= throttle.failures
        or _recent_failures(db, SignInAttempt.client, client, since) >= throttle.failures * 4
    ):
        raise SignInThrottled(
            f"There have been too many failed attempts to sign in. "
            f"Wait {int(throttle.window.total_seconds() // 60)} minutes and try again."
        )
    user = db.scalar(select(User).where(User.username == username, User.active.is_(True)))
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
