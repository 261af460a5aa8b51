"""catalogue owners and review dates

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04

Catalogue format 1.1: every tool, private tool and process gets an optional `owner` (a person or
team, with contact) and `reviewed` (the date the owner last checked it).
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TABLES = ("tools", "private_tools", "processes")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("owner", sa.String(length=200), nullable=True))
            batch_op.add_column(sa.Column("reviewed", sa.Date(), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("reviewed")
            batch_op.drop_column("owner")
