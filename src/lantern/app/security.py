"""Sessions, CSRF tokens and secure response headers.

Sessions are server-side: the cookie holds a random token (signed with the app's secret), the
operational store holds only its SHA-256 and the user. A session ends after `IDLE_TIMEOUT` idle
or `ABSOLUTE_LIFETIME` after sign-in, whichever is first. A CSRF token is an HMAC of the session
token under the secret; before sign-in a short-lived signed "pre-session" cookie plays that part,
so the sign-in form is protected too — but beside a live session only the session's token counts
(web.require_csrf), so a pre-session cookie planted by someone else is worth nothing. Every POST
handler calls `require_csrf`; a test walks the app's routes to check that each one refuses a POST
without the token.

Over HTTPS the cookies are named with the `__Host-` prefix (Secure, Path=/, no Domain: no
subdomain can set or overwrite them), and only those names are read; over plain HTTP (the local
demo on 127.0.0.1) they keep their plain names, because browsers refuse `__Host-` cookies there.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete
from sqlalchemy.orm import Session, joinedload

from lantern.app.models import User, WebSession
from lantern.errors import ConfigError, UserError

SESSION_COOKIE = "lantern_session"
PRE_SESSION_COOKIE = "lantern_pre"
HOST_PREFIX = "__Host-"
IDLE_TIMEOUT = timedelta(hours=8)
ABSOLUTE_LIFETIME = timedelta(hours=12)  # a working day and some; then sign in again


def cookie_name(base: str, https: bool) -> str:
    """The cookie's name on this connection: `__Host-` prefixed over HTTPS."""
    return HOST_PREFIX + base if https else base


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
        if (
            row is None
            or now - row.last_seen_at > IDLE_TIMEOUT
            or now - row.created_at > ABSOLUTE_LIFETIME
            or not row.user.active
            or row.user.pending
        ):
            return None
        if now - row.last_seen_at > timedelta(minutes=1):
            row.last_seen_at = now
        return row.user

    def end(self, db: Session, cookie: str | None) -> None:
        token = self._token(cookie)
        if token is not None:
            db.execute(delete(WebSession).where(WebSession.token_hash == self._digest(token)))

    @staticmethod
    def purge_expired(db: Session, now: datetime | None = None) -> int:
        """Delete the sessions idle past the timeout or older than their lifetime (they can never
        be used again)."""
        now = now or datetime.now()
        result = db.execute(
            delete(WebSession).where(
                (WebSession.last_seen_at < now - IDLE_TIMEOUT)
                | (WebSession.created_at < now - ABSOLUTE_LIFETIME)
            )
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

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
