"""catalogue change audit trail, and inbox messages attached to a catalogue entry

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30

`catalogue_changes` records every change to a catalogue entry made one at a time (a trainer
adding a task from the inbox; later an editor), with who, when and the value before and after.
`inbox_items` gets the entry a message was attached to (status "koblet").
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalogue_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(length=100), nullable=False),
        sa.Column("entry_kind", sa.String(length=20), nullable=False),
        sa.Column("entry_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("field", sa.String(length=30), nullable=True),
        sa.Column("before_json", sa.Text(), nullable=True),
        sa.Column("after_json", sa.Text(), nullable=True),
        sa.Column("inbox_item_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("catalogue_changes", schema=None) as batch_op:
        batch_op.create_index("ix_catalogue_changes_entry", ["entry_kind", "entry_id", "changed_at"], unique=False)

    with op.batch_alter_table("inbox_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assigned_entry_kind", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("assigned_entry_id", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inbox_items", schema=None) as batch_op:
        batch_op.drop_column("assigned_entry_id")
        batch_op.drop_column("assigned_entry_kind")

    with op.batch_alter_table("catalogue_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_catalogue_changes_entry")

    op.drop_table("catalogue_changes")
