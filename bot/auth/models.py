"""Tables for people who sign in to the admin pages and for API tokens.

Passwords are stored only as argon2 hashes; tokens only as SHA-256 digests (a token is 32 random
bytes, so a fast digest is enough and lets a token be found by its digest).
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Column, DateTime, Integer, String

from bot.db import Base


def _now() -> datetime:
    return datetime.now(timezone.utc)


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True, autoincrement=True)
    name = Column(String(100), nullable=False, unique=True)  # stored folded to lower case
    role = Column(String(20), nullable=False)
    password_hash = Column(String(255), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=_now)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id = Column(Integer, primary_key=True, autoincrement=True)
    digest = Column(String(64), nullable=False, unique=True)  # SHA-256 hex of the token
    role = Column(String(20), nullable=False)
    label = Column(String(200), nullable=False, default="")
    created_at = Column(DateTime(timezone=True), nullable=False, default=_now)
    revoked_at = Column(DateTime(timezone=True))
