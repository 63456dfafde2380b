"""The operational store's tables: users, sessions, sign-in attempts, alerts, decisions, audit,
a supervisor's date of birth for a person.

These change while people work, from many requests at once, so they live in SQLAlchemy (SQLite
by default, PostgreSQL in a deployment), never in the DuckDB analytical store. Alembic's
migrations in `migrations/versions/` create them; keep the two in step.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    agency: Mapped[str | None] = mapped_column(String(40), nullable=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # Separation of duties: an account with a role that reads children's records or the audit
    # log, added by an admin in the app, waits for a second admin's approval (accounts.py).
    requested_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    approved_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    pending: Mapped[bool] = mapped_column(Boolean, default=False)


class WebSession(Base):
    """A signed-in browser. The cookie carries a random token; only its SHA-256 is stored."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime)
    user: Mapped[User] = relationship()


class SignInAttempt(Base):
    __tablename__ = "sign_in_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)


class Alert(Base):
    """A child or network that needs a person's attention, synced from `assessments`."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("subject_kind", "subject_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(10))  # child, network
    subject_id: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(20))  # open, assigned, awaiting_sign_off, closed
    reason: Mapped[str] = mapped_column(String(200))  # why it is in the queue now
    band: Mapped[str] = mapped_column(String(10))
    score: Mapped[float] = mapped_column(Float)
    seen_band: Mapped[str | None] = mapped_column(String(10), nullable=True)
    seen_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    closed_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    assigned_to: Mapped[str | None] = mapped_column(String(80), nullable=True)
    # A child's records (`;`-joined) when last synced: a run that renames, merges or splits
    # persons changes `subject_id`, and the alert follows its records (alerts.carry_over).
    records: Mapped[str | None] = mapped_column(Text, nullable=True)
    raised_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="alert", order_by="Decision.id", cascade="all, delete-orphan"
    )


class Decision(Base):
    """Something a person decided about an alert, with their rationale."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))  # assign, triage, sign_off
    outcome: Mapped[str] = mapped_column(String(40))
    rationale: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(80))
    decided_at: Mapped[datetime] = mapped_column(DateTime)
    band_at_decision: Mapped[str] = mapped_column(String(10))
    score_at_decision: Mapped[float] = mapped_column(Float)
    alert: Mapped[Alert] = relationship(back_populates="decisions")


class DobDecision(Base):
    """A supervisor's decision on a person's date of birth, with the records it covers.

    The next `lantern run` copies it into the analytical store (`resolve_dob_decisions`), and
    the law on age reads it from `decided_at` on (docs/replay.md, "Age"). The person id is the
    one the page showed; `records` (`;`-joined) follow the person whatever a later run calls it.
    """

    __tablename__ = "dob_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[str] = mapped_column(String(80), index=True)
    records: Mapped[str] = mapped_column(Text)
    date_of_birth: Mapped[date] = mapped_column(Date)
    rationale: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(80))
    decided_at: Mapped[datetime] = mapped_column(DateTime)


class AuditEntry(Base):
    """One line of the hash-chained audit log: who did what, to what, when."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[str] = mapped_column(String(80), index=True)
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The chain's last link, one row; updating it serialises concurrent appends."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
    # "hmac-sha256" (keyed, audit.py), or "sha256": a chain written before the key, which the
    # app re-links under the key at start-up once it verifies (audit.adopt_unkeyed_chain).
    scheme: Mapped[str] = mapped_column(String(20), default="hmac-sha256")


class DisruptionAction(Base):
    """A disruption action a supervisor recorded in the app against an adult, vehicle or place
    (issue 22). Actions that arrive as interchange records are in the store's `disruptions`;
    pages show both together (`app/disruptions.py`)."""

    __tablename__ = "disruption_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_kind: Mapped[str] = mapped_column(String(10))  # person, vehicle, place
    target_id: Mapped[str] = mapped_column(String(200), index=True)
    action: Mapped[str] = mapped_column(String(40))  # disruptions.ACTIONS
    agency: Mapped[str] = mapped_column(String(40))
    owner: Mapped[str] = mapped_column(String(200))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    outcome: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
