"""Demo mode: one user per role, with passwords printed at start-up (synthetic data only).

Demo mode resets accounts and prints their passwords, so it must never run over real records:
`make demo` (scripts/demo.sh) writes a marker beside the store it has just built
(`lantern-demo.json`, naming that store and the demo's own app database) and a key file for the
demo's audit chain. `--demo` or `LANTERN_DEMO=1` refuses any store without that marker, and any
app database other than the one it names (`check_marker`). Every account the demo creates or
resets is written to the audit log.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from lantern.app import accounts, audit
from lantern.app.models import User
from lantern.errors import ConfigError
from lantern.settings import Settings

MARKER = "lantern-demo.json"
KEY_FILE = "demo-audit.key"

# One practitioner per agency, so each agency's view (its own narratives in full, the others'
# records as summaries) can be tried; `practitioner` is the social worker.
DEMO_USERS = (
    ("analyst", "Alex Analyst", "analyst", None),
    ("practitioner", "Priya Practitioner", "practitioner", "social_care"),
    ("police", "Pat Police", "practitioner", "police"),
    ("health", "Hana Health", "practitioner", "health"),
    ("education", "Eddie Education", "practitioner", "education"),
    ("supervisor", "Sam Supervisor", "supervisor", None),
    ("auditor", "Aud Auditor", "auditor", None),
    ("admin", "Ada Admin", "admin", None),
)


def write_marker(store: Path, database_url: str) -> Path:
    """Mark `store` (just built by `make demo`) and `database_url` as the demo's own; make the
    demo's audit key file if there is none."""
    directory = store.absolute().parent  # beside the link, not in its generations folder
    marker = directory / MARKER
    marker.write_text(
        json.dumps(
            {
                "made_by": "make demo (scripts/demo.sh)",
                "store": store.name,
                "database_url": database_url,
                "written_at": datetime.now().isoformat(timespec="seconds"),
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    key = directory / KEY_FILE
    if not key.exists():
        fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")
    return marker


def check_marker(settings: Settings) -> None:
    """Refuse demo mode over a store or app database that `make demo` did not create; point the
    audit key at the demo's key file unless one is configured."""
    store = Path(settings.store)
    database_url = str(settings.database_url)
    marker = store.absolute().parent / MARKER
    advice = (
        "Demo mode resets accounts and prints their passwords, so it runs only over the "
        "synthetic county that `make demo` builds (remove the demo directory and run `make demo` "
        "again). To serve real data, run without --demo and without LANTERN_DEMO=1."
    )
    if not marker.exists():
        raise ConfigError(f"{store} was not built by `make demo` (no {MARKER} beside it). {advice}")
    try:
        made = json.loads(marker.read_text(encoding="utf-8"))
    except ValueError as error:
        raise ConfigError(f"{marker} is not a demo marker ({error}). {advice}") from error
    if made.get("store") != store.name:
        raise ConfigError(f"{marker} marks {made.get('store')!r}, not {store.name}. {advice}")
    if made.get("database_url") != database_url:
        raise ConfigError(
            f"the app database {database_url} is not the one `make demo` made for this store "
            f"({made.get('database_url')}). {advice}"
        )
    if not settings.audit_key and not settings.audit_key_file:
        settings.audit_key_file = marker.parent / KEY_FILE


def ensure_demo_users(db: Session) -> list[tuple[str, str, str]]:
    """Create (or reset the password of) each demo user, audited; returns (username, password,
    role), the role with the practitioner's agency ("practitioner (police)")."""
    logins = []
    for username, name, role, agency in DEMO_USERS:
        password = accounts.generate_password()
        user = db.scalar(select(User).where(User.username == username))
        if user is None:
            accounts.add_user(db, username, password, role, display_name=name, agency=agency)
            audit.record(db, "demo", "user_added", username, role=role, agency=agency, demo=True)
        else:
            user.password_hash = accounts.hash_password(password)
            user.active, user.pending = True, False
            accounts.end_sessions(db, user)
            audit.record(db, "demo", "password_reset", username, role=role, demo=True)
        logins.append((username, password, f"{role} ({agency})" if agency else role))
    return logins


if __name__ == "__main__":  # scripts/demo.sh: python -m lantern.app.demo STORE DATABASE_URL
    print(f"demo marker: {write_marker(Path(sys.argv[1]), sys.argv[2])}")
