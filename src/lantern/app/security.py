"""Sessions, CSRF tokens and secure response headers.

Sessions are server-side: the cookie holds a random token (signed with the app's secret), the
operational store holds only its SHA-256 and the user. A CSRF token is an HMAC of the session
token under the secret; before sign-in a short-lived signed "pre-session" cookie plays that part,
so the sign-in form is protected too. Every POST handler calls `require_csrf`; a test walks the
app's routes to check that each one refuses a POST without the token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload

from lantern.app.models import User, WebSession
from lantern.errors import ConfigError, UserError

SESSION_COOKIE = "lantern_session"
PRE_SESSION_COOKIE = "lantern_pre"
IDLE_TIMEOUT = timedelta(hours=8)
KNOWN_BAD_SECRETS = {"", "secret", "changeme", "change-me", "lantern", "dev", "development"}
MIN_SECRET_LENGTH = 32

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class CsrfError(UserError):
    """A form arrived without a valid CSRF token."""


def checked_secret(secret: str, demo: bool) -> str:
    """The secret to sign with; refuse a missing or default one unless in demo mode."""
    if secret.strip().lower() in KNOWN_BAD_SECRETS or len(secret) < MIN_SECRET_LENGTH:
        if demo:
            return secret if len(secret) >= MIN_SECRET_LENGTH else secrets.token_urlsafe(48)
        raise ConfigError(
            "LANTERN_SECRET_KEY is missing or too weak: set it to at least "
            f"{MIN_SECRET_LENGTH} random characters (e.g. `python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))'`), or run with --demo"
        )
    return secret


class Sessions:
    def __init__(self, secret: str) -> None:
        self._secret = secret.encode()
        self._signer = URLSafeSerializer(secret, salt="lantern-session")

    @staticmethod
    def _digest(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def start(self, db: Session, user: User) -> str:
        """Create a session for `user`; returns the cookie value."""
        token = secrets.token_urlsafe(32)
        now = datetime.now()
        db.add(
            WebSession(
                token_hash=self._digest(token), user_id=user.id, created_at=now, last_seen_at=now
            )
        )
        return self._signer.dumps(token)

    def _token(self, cookie: str | None) -> str | None:
        if not cookie:
            return None
        try:
            return str(self._signer.loads(cookie))
        except BadSignature:
            return None

    def user(self, db: Session, cookie: str | None) -> User | None:
        token = self._token(cookie)
        if token is None:
            return None
        row = db.get(WebSession, self._digest(token), options=[joinedload(WebSession.user)])
        now = datetime.now()
        if row is None or now - row.last_seen_at > IDLE_TIMEOUT or not row.user.active:
            return None
        if now - row.last_seen_at > timedelta(minutes=1):
            row.last_seen_at = now
        return row.user

    def end(self, db: Session, cookie: str | None) -> None:
        token = self._token(cookie)
        if token is not None:
            db.execute(delete(WebSession).where(WebSession.token_hash == self._digest(token)))

    def end_all_for(self, db: Session, user_id: int) -> None:
        db.execute(delete(WebSession).where(WebSession.user_id == user_id))

    def sessions_of(self, db: Session, user_id: int) -> int:
        return len(db.scalars(select(WebSession).where(WebSession.user_id == user_id)).all())

    # CSRF -------------------------------------------------------------------------------
    def new_pre_session(self) -> str:
        return self._signer.dumps("pre:" + secrets.token_urlsafe(24))

    def csrf_token(self, cookie: str | None) -> str:
        """The token forms must carry, bound to this browser's session or pre-session cookie."""
        token = self._token(cookie)
        if token is None:
            return ""
        return hmac.new(self._secret, b"csrf:" + token.encode(), hashlib.sha256).hexdigest()

    def check_csrf(self, cookie: str | None, submitted: str | None) -> None:
        expected = self.csrf_token(cookie)
        if not expected or not submitted or not hmac.compare_digest(expected, submitted):
            raise CsrfError(
                "This form has expired or did not come from Lantern. Go back and try again."
            )
