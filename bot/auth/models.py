"""Tables for people who sign in to the admin pages, their sessions, and API tokens.

Passwords are stored only as argon2 hashes; tokens and session ids only as SHA-256 digests (each
is 32 random bytes, so a fast digest is enough and lets it be found by its digest). A user who signs
in with the identity provider (bot/auth/identities.py) has no password: the row is theirs by issuer
and subject, and its role is the one their groups gave at their latest sign-in.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, UniqueConstraint

from bot.db import Base, utc_now


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("oidc_issuer", "oidc_subject", name="uq_users_oidc_identity"),)
    id = Column(Integer, primary_key=True, autoincrement=True)
    name = Column(String(100), nullable=False, unique=True)  # stored folded to lower case
    role = Column(String(20), nullable=False)
    password_hash = Column(String(255))  # None for a user of the identity provider
    oidc_issuer = Column(String(255))  # the identity provider's `iss`, for its users only
    oidc_subject = Column(String(255))  # their `sub` there
    created_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id = Column(Integer, primary_key=True, autoincrement=True)
    digest = Column(String(64), nullable=False, unique=True)  # SHA-256 hex of the token
    role = Column(String(20), nullable=False)
    label = Column(String(200), nullable=False, default="")
    created_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)
    revoked_at = Column(DateTime(timezone=True))


class AdminSession(Base):
    """A signed-in admin session (bot/auth/sessions.py): the digest of the id in its sealed cookie,
    its user, when it ends, and a stamp of the password hash it was opened with."""

    __tablename__ = "admin_sessions"
    digest = Column(String(64), primary_key=True)  # SHA-256 hex of the session id
    user_id = Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    password_stamp = Column(String(64), nullable=False)  # SHA-256 hex of the user's password hash then
    created_at = Column(DateTime(timezone=True), nullable=False)
    expires_at = Column(DateTime(timezone=True), nullable=False, index=True)
