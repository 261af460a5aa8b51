"""users of the identity provider

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

A user who signs in with the municipality's identity provider (OpenID Connect) is a row of `users`
found by issuer and subject, with no password hash. A downgrade removes those users.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("oidc_issuer", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("oidc_subject", sa.String(length=255), nullable=True))
        batch_op.alter_column("password_hash", existing_type=sa.String(length=255), nullable=True)
        batch_op.create_unique_constraint("uq_users_oidc_identity", ["oidc_issuer", "oidc_subject"])


def downgrade() -> None:
    op.execute("DELETE FROM users WHERE password_hash IS NULL")  # the identity provider's users cannot stay
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint("uq_users_oidc_identity", type_="unique")
        batch_op.alter_column("password_hash", existing_type=sa.String(length=255), nullable=False)
        batch_op.drop_column("oidc_subject")
        batch_op.drop_column("oidc_issuer")
