"""Alerts remember the records of the child they are about, so an alert and its decisions
follow the child when a run renames, merges or splits persons (issue 20)

Revision ID: 0005_alert_records
Revises: 0004_disruptions
Create Date: 2026-12-07 16:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_alert_records"
down_revision = "0004_disruptions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # `;`-joined record ids; NULL for an alert synced before this column (filled at next sync)
    op.add_column("alerts", sa.Column("records", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("records")
