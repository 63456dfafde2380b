"""Disruption actions recorded in the app against an adult, vehicle or place (issue 22)

Revision ID: 0004_disruptions
Revises: 0003_dob
Create Date: 2026-12-07 13:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_disruptions"
down_revision = "0003_dob"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "disruption_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_kind", sa.String(length=10), nullable=False),
        sa.Column("target_id", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("agency", sa.String(length=40), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_disruption_actions_target_id", "disruption_actions", ["target_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_disruption_actions_target_id", table_name="disruption_actions")
    op.drop_table("disruption_actions")
