"""trainers' training data: intents and examples added in the trainer inbox

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04

`training_intents` (new themes: name, Norwegian name, answer) and `training_examples` (examples of
an intent, with the inbox message they came from) hold what trainers add, with who and when;
training merges them with the data/ files (bot.training.inputs).
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "training_intents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "training_examples",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("intent", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("inbox_item_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["inbox_item_id"], ["inbox_items.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("training_examples", schema=None) as batch_op:
        batch_op.create_index("ix_training_examples_intent", ["intent"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("training_examples", schema=None) as batch_op:
        batch_op.drop_index("ix_training_examples_intent")
    op.drop_table("training_examples")
    op.drop_table("training_intents")
