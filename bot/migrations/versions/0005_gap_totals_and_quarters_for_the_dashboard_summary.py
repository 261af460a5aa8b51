"""gap totals (gap counts without the need) and quarter counts for the dashboard summary

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

Counts the records already logged into both tables (bot.gaps.rollup.rebuild, the same as
`bot gaps rebuild-rollup`); from then on the code that writes and changes gaps keeps them.
On PostgreSQL both tables get parallel_workers = 0: the summary reads ranges of a few tens of
thousands of index entries, where starting parallel workers cost more than they save
(bench/README.md, gap dashboard).
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("gap_counts", schema=None) as batch_op:
        batch_op.alter_column(
            "grain", existing_type=sa.String(length=5), type_=sa.String(length=7), existing_nullable=False
        )

    op.create_table(
        "gap_totals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("grain", sa.String(length=7), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("private_tool", sa.String(length=200), nullable=True),
        sa.Column("department", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("gap_totals", schema=None) as batch_op:
        batch_op.create_index(
            "ix_gap_totals_grain_day",
            ["grain", "day"],
            unique=False,
            postgresql_include=["kind", "status", "private_tool", "department", "count"],
        )

    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE gap_counts SET (parallel_workers = 0)")
        op.execute("ALTER TABLE gap_totals SET (parallel_workers = 0)")

    from bot.gaps import rollup

    rollup.rebuild(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("gap_totals", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_gap_totals_grain_day", postgresql_include=["kind", "status", "private_tool", "department", "count"]
        )

    op.drop_table("gap_totals")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE gap_counts RESET (parallel_workers)")
    op.execute("DELETE FROM gap_counts WHERE grain = 'quarter'")
    with op.batch_alter_table("gap_counts", schema=None) as batch_op:
        batch_op.alter_column(
            "grain", existing_type=sa.String(length=7), type_=sa.String(length=5), existing_nullable=False
        )
