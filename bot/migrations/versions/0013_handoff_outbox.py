"""handoff outbox

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04

`handoff_cases` holds each case handed to the service desk (masked) with its delivery state, so
that it is sent exactly once when the desk can be reached (bot/handoff/outbox.py).
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handoff_cases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=True),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("case_json", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("desk_number", sa.String(length=64), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reference"),
    )
    with op.batch_alter_table("handoff_cases", schema=None) as batch_op:
        batch_op.create_index("ix_handoff_cases_conversation_created", ["conversation_id", "created_at"], unique=False)
        batch_op.create_index("ix_handoff_cases_state", ["state"], unique=False)
        batch_op.create_index("ix_handoff_cases_created_at", ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("handoff_cases", schema=None) as batch_op:
        batch_op.drop_index("ix_handoff_cases_created_at")
        batch_op.drop_index("ix_handoff_cases_state")
        batch_op.drop_index("ix_handoff_cases_conversation_created")
    op.drop_table("handoff_cases")
