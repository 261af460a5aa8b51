"""gap counts (day, ISO week, month) for the dashboard summary

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28

Migration 0005 counts the records already logged (it changes what is counted, and
bot.gaps.rollup.rebuild always writes the latest shape); from then on the code that writes and
changes gaps keeps the counts.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gap_counts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("grain", sa.String(length=5), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("private_tool", sa.String(length=200), nullable=True),
        sa.Column("need", sa.String(length=300), nullable=True),
        sa.Column("department", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("gap_counts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_gap_counts_grain_day",
            ["grain", "day"],
            unique=False,
            postgresql_include=["kind", "status", "private_tool", "department", "need", "count"],
        )


def downgrade() -> None:
    with op.batch_alter_table("gap_counts", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_gap_counts_grain_day",
            postgresql_include=["kind", "status", "private_tool", "department", "need", "count"],
        )

    op.drop_table("gap_counts")
