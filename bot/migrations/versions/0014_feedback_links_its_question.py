"""feedback links its question

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04

A 👎 on an answer names the trainer inbox item that holds the (masked) question it was about
(`feedback.inbox_record_id`), so a tool's owner view can show that question. The link is a record
id, not a foreign key: the inbox item is deleted by retention (bot/retention.py) and the owner
view then shows the 👎 without its question.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.add_column(sa.Column("inbox_record_id", sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_column("inbox_record_id")
