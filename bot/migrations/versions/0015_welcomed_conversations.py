"""welcomed conversations

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04

`welcomed_conversations` remembers which Teams conversations got the welcome card, so it is sent
once per conversation whichever Rasa replica gets the conversationUpdate (bot/assistant/welcome.py).
It holds a SHA-256 digest of the conversation id, never the id itself or anything the employee wrote.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "welcomed_conversations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("conversation_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel", "conversation_digest", name="uq_welcomed_conversations_channel_digest"),
    )


def downgrade() -> None:
    op.drop_table("welcomed_conversations")
