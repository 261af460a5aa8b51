"""gap public notes and wish votes

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04

Issue 17, items 4 and 5: a gap's public note (IT's word to employees, told with the status; `note`
stays IT's internal note), and the wish list's votes: one row per conversation that added its
voice to a group of gaps, with nothing about who (a random record id, the group, the time).
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("gaps", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public_note", sa.Text(), nullable=True))
    op.create_table(
        "gap_votes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("group_key", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("record_id"),
    )
    op.create_index("ix_gap_votes_group_key", "gap_votes", ["group_key"])


def downgrade() -> None:
    op.drop_index("ix_gap_votes_group_key", table_name="gap_votes")
    op.drop_table("gap_votes")
    with op.batch_alter_table("gaps", schema=None) as batch_op:
        batch_op.drop_column("public_note")
