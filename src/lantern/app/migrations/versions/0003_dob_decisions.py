"""A supervisor's date of birth for a person (issue 20)

Revision ID: 0003_dob
Revises: 0002
Create Date: 2026-12-07 13:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_dob"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dob_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=80), nullable=False),
        sa.Column("records", sa.Text(), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=80), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_dob_decisions_person_id", "dob_decisions", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_dob_decisions_person_id", table_name="dob_decisions")
    op.drop_table("dob_decisions")
