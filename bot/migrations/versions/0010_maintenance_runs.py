"""maintenance runs

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04

`maintenance_runs` notes each finished run of scheduled work (today `bot privacy purge`): when,
whether every store was reached, and its line of counts, for the admin status page.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "maintenance_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("task", sa.String(length=32), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("maintenance_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_maintenance_runs_task"), ["task"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("maintenance_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_maintenance_runs_task"))
    op.drop_table("maintenance_runs")
