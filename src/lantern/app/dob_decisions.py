"""A supervisor decides a person's date of birth; the next run applies it to the law on age.

Where a person's records disagree about their date of birth, the pages show the best-supported
date and the others ("born 13 Sep 1998 — police record says 1999"), and the law on age reads the
best-supported date as known when each record was made. A supervisor who has seen the birth
certificate may decide the date instead: `decide` keeps the decision (who, when, why, the date,
and the person's records) in the operational store and audits it. The web app never writes
the analytical store: the next `lantern run` copies every decision into it
(`copy_to_store` -> `resolve_dob_decisions`), and from then on the law on age reads the decided
date for everything recorded from the decision's own date; what was recorded before keeps the
date known then (docs/replay.md, "Age").
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb
from sqlalchemy import create_engine, inspect, select
from sqlalchemy.orm import Session

from lantern.app import audit
from lantern.app.models import DobDecision, User
from lantern.app.store_reader import Person
from lantern.errors import UserError

SOURCE = "app"


class DobError(UserError):
    """A date-of-birth decision the form cannot take (no date, no reason, a date to come)."""


def decide(
    db: Session, user: User, person: Person, records: list[str], dob_text: str, rationale: str,
    now: datetime | None = None,
) -> DobDecision:  # fmt: skip
    """Record a supervisor's date of birth for `person` (covering `records`), audited."""
    if user.role != "supervisor":
        raise DobError("Only a supervisor can decide a date of birth.")
    try:
        dob = date.fromisoformat(dob_text.strip())
    except ValueError:
        raise DobError("Enter the date of birth as YYYY-MM-DD, for example 1998-09-13") from None
    now = now or datetime.now()
    if dob > now.date():
        raise DobError("The date of birth cannot be in the future.")
    if not rationale.strip():
        raise DobError("Enter the reason for your decision (what you saw).")
    if not records:
        raise DobError("This person has no records to decide on.")
    decision = DobDecision(
        person_id=person.person_id,
        records=";".join(sorted(records)),
        date_of_birth=dob,
        rationale=rationale.strip(),
        decided_by=user.username,
        decided_at=now,
    )
    db.add(decision)
    db.flush()
    audit.record(
        db, user.username, "dob_decided", person.person_id, decision_id=decision.id,
        date_of_birth=dob.isoformat(), records=decision.records,
    )  # fmt: skip
    return decision


def for_person(db: Session, person_id: str, records: list[str]) -> list[DobDecision]:
    """Decisions on this person (by id, or on any of their records), latest first."""
    wanted = set(records)
    rows = db.scalars(select(DobDecision).order_by(DobDecision.decided_at.desc())).all()
    return [d for d in rows if d.person_id == person_id or wanted & set(d.records.split(";"))]


def copy_to_store(database_url: str, con: duckdb.DuckDBPyConnection) -> int:
    """Copy every decision from the operational store at `database_url` into the analytical
    store's `resolve_dob_decisions` (replacing the earlier copy); returns the rows written.
    No operational store, or one without the table yet: nothing to copy."""
    from lantern.resolve.decisions import replace_dob_decisions

    if database_url.startswith("sqlite:///"):
        from pathlib import Path

        if not Path(database_url.removeprefix("sqlite:///")).exists():
            return 0
    engine = create_engine(database_url)
    try:
        if not inspect(engine).has_table("dob_decisions"):
            return 0
        with Session(engine) as db:
            rows = [
                (str(d.id), d.records.split(";"), d.date_of_birth, d.decided_by, d.rationale,
                 d.decided_at)
                for d in db.scalars(select(DobDecision).order_by(DobDecision.id))
            ]  # fmt: skip
    finally:
        engine.dispose()
    return replace_dob_decisions(con, SOURCE, rows)
