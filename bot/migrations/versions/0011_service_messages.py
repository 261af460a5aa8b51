"""service messages

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04

`service_messages` holds IT's service messages (driftsmeldinger) about a tool, each shown from
its start to its end.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "service_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tool_id", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("service_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_messages_ends_at"), ["ends_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("service_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_messages_ends_at"))
    op.drop_table("service_messages")
