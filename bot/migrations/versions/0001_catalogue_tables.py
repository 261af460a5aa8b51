"""catalogue tables

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalogue_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "private_tools",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=200), nullable=False),
        sa.Column("guidance", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "processes",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "tools",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("access", sa.Text(), nullable=False),
        sa.Column("training", sa.Text(), nullable=True),
        sa.Column("support", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("data_classification", sa.String(length=32), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "private_tool_aliases",
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["private_tools.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("parent_id", "position"),
    )
    op.create_table(
        "private_tool_alternatives",
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("parent_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["private_tools.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["value"],
            ["tools.id"],
        ),
        sa.PrimaryKeyConstraint("parent_id", "position"),
    )
    op.create_table(
        "process_aliases",
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["processes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("parent_id", "position"),
    )
    op.create_table(
        "process_audiences",
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["processes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("parent_id", "position"),
    )
    op.create_table(
        "process_steps",
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["processes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("parent_id", "position"),
    )
    op.create_table(
        "process_tools",
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("parent_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["processes.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["value"],
            ["tools.id"],
        ),
        sa.PrimaryKeyConstraint("parent_id", "position"),
    )
    op.create_table(
        "tool_aliases",
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["tools.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("parent_id", "position"),
    )
    op.create_table(
        "tool_audiences",
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["tools.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("parent_id", "position"),
    )
    op.create_table(
        "tool_tasks",
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["tools.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("parent_id", "position"),
    )


def downgrade() -> None:
    op.drop_table("tool_tasks")
    op.drop_table("tool_audiences")
    op.drop_table("tool_aliases")
    op.drop_table("process_tools")
    op.drop_table("process_steps")
    op.drop_table("process_audiences")
    op.drop_table("process_aliases")
    op.drop_table("private_tool_alternatives")
    op.drop_table("private_tool_aliases")
    op.drop_table("tools")
    op.drop_table("processes")
    op.drop_table("private_tools")
    op.drop_table("catalogue_state")
