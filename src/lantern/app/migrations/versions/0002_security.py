"""Security hardening: account approval columns and the audit chain's keyed scheme

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07 10:00:00

An existing audit chain was hashed with plain SHA-256: its head is marked `sha256`, and the app
re-links it under the audit key at its next start (`audit.adopt_unkeyed_chain`), after checking
it. A store with no entries yet starts keyed.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("requested_by", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("approved_by", sa.String(length=80), nullable=True))
        batch_op.add_column(
            sa.Column("pending", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("scheme", sa.String(length=20), nullable=False, server_default="sha256")
        )
    op.execute("UPDATE audit_head SET scheme = 'hmac-sha256' WHERE last_id = 0")


def downgrade() -> None:
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.drop_column("scheme")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("pending")
        batch_op.drop_column("approved_by")
        batch_op.drop_column("requested_by")
