"""catalogue nynorsk fields

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04

Catalogue format 1.2: optional nynorsk twins of the texts answers show. Tools get `summary_nn`,
`access_nn`, `training_nn`, `support_nn` and the list `tool_tasks_nn`; private tools
`guidance_nn`; processes the list `process_steps_nn`.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

TOOL_COLUMNS = ("summary_nn", "access_nn", "training_nn", "support_nn")
CHILD_TABLES = (("tool_tasks_nn", "tools"), ("process_steps_nn", "processes"))


def upgrade() -> None:
    with op.batch_alter_table("tools", schema=None) as batch_op:
        for name in TOOL_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=True))
    with op.batch_alter_table("private_tools", schema=None) as batch_op:
        batch_op.add_column(sa.Column("guidance_nn", sa.Text(), nullable=True))
    for table, parent in CHILD_TABLES:
        op.create_table(
            table,
            sa.Column("parent_id", sa.String(length=64), nullable=False),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.Column("value", sa.Text(), nullable=False),
            sa.ForeignKeyConstraint(["parent_id"], [f"{parent}.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("parent_id", "position"),
        )


def downgrade() -> None:
    for table, _ in reversed(CHILD_TABLES):
        op.drop_table(table)
    with op.batch_alter_table("private_tools", schema=None) as batch_op:
        batch_op.drop_column("guidance_nn")
    with op.batch_alter_table("tools", schema=None) as batch_op:
        for name in reversed(TOOL_COLUMNS):
            batch_op.drop_column(name)
