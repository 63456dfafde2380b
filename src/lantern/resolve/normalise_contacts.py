"""Email addresses and social media handles."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~.\-]+@[a-z0-9\-]+(\.[a-z0-9\-]+)+$")
_HANDLE = re.compile(r"^[a-z0-9._]{1,30}$")
_PLATFORM_PREFIX = re.compile(
    r"^(?:https?://)?(?:www\.)?(?:(?:instagram|facebook|snapchat|tiktok|twitter|x|threads)\.(?:com|net)/(?:add/)?|"
    r"(?:snap(?:chat)?|insta(?:gram)?|ig|fb|facebook|tiktok|twitter|kik)\s*[:\-]\s*)"
)


def normalise_email(text: str | None) -> str | None:
    """Trimmed, lower-cased email address; None unless it looks like `local@domain.tld`.

    Provider-specific rewriting (dropping dots for Gmail) is not done: it would merge addresses we cannot prove equal.
    """
    if not text:
        return None
    email = text.strip().strip("<>").strip().lower()
    if email.startswith("mailto:"):
        email = email[len("mailto:") :]
    return email if _EMAIL.match(email) else None


def normalise_email_list(text: str | None) -> list[str]:
    seen: dict[str, None] = {}
    for part in (text or "").split(";"):
        if email := normalise_email(part):
            seen.setdefault(email)
    return list(seen)


def normalise_handle(text: str | None) -> str | None:
    """ "@Name", "snap: name", "instagram.com/name/" → "name"; None if not a plausible handle."""
    if not text:
        return None
    handle = _PLATFORM_PREFIX.sub("", text.strip().lower()).strip().strip("/").lstrip("@").strip()
    return handle if _HANDLE.match(handle) else None
