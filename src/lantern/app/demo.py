"""Demo mode: one user per role, with passwords printed at start-up (synthetic data only)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lantern.app import accounts
from lantern.app.models import User

# One practitioner per agency, so each agency's view (its own narratives in full, the others'
# records as summaries) can be tried; `practitioner` is the social worker.
DEMO_USERS = (
    ("analyst", "Alex Analyst", "analyst", None),
    ("practitioner", "Priya Practitioner (social care)", "practitioner", "social_care"),
    ("police", "Pat Police (police)", "practitioner", "police"),
    ("health", "Hana Health (health)", "practitioner", "health"),
    ("education", "Eddie Education (education)", "practitioner", "education"),
    ("supervisor", "Sam Supervisor", "supervisor", None),
    ("admin", "Ada Admin", "admin", None),
)


def ensure_demo_users(db: Session) -> list[tuple[str, str, str]]:
    """Create (or reset the password of) each demo user; returns (username, password, role),
    the role with the practitioner's agency ("practitioner (police)")."""
    logins = []
    for username, name, role, agency in DEMO_USERS:
        password = accounts.generate_password()
        user = db.scalar(select(User).where(User.username == username))
        if user is None:
            accounts.add_user(db, username, password, role, display_name=name, agency=agency)
        else:
            user.password_hash = accounts.hash_password(password)
            user.active = True
        logins.append((username, password, f"{role} ({agency})" if agency else role))
    return logins
