"""Users and API tokens: create, list, remove or revoke, and check a password or a token.

Secrets are never logged. Password checks take the same time whether or not the user exists (a
dummy hash is verified for unknown names); token digests are compared in constant time. Each
argon2 check takes 64 MiB, so a server runs them in PASSWORD_CHECKS, two at a time at most.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.auth.models import ApiToken, User
from bot.roles import ROLES

MIN_PASSWORD_LENGTH = 10
TOKEN_PREFIX = "dh_"
# Where a server checks passwords (password_matches): the rest wait their turn in its queue, so a
# flood of logins costs at most two checks' memory and never ties up the threads for other work.
PASSWORD_CHECKS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="password-check")


class AccountError(ValueError):
    """A request the caller can correct (unknown role, taken name, short password …)."""


@functools.lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_urlsafe(16))


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; choose one of: {', '.join(ROLES)}")


def normal_name(name: str) -> str:
    return name.strip().casefold()


# --- users -----------------------------------------------------------------------------------------


def add_user(session: Session, name: str, role: str, password: str) -> User:
    _check_role(role)
    name = normal_name(name)
    if not name or len(name) > 100 or any(c.isspace() for c in name):
        raise AccountError("a user name is 1-100 characters without spaces")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise AccountError(f"a user named {name!r} already exists")
    user = User(name=name, role=role, password_hash=_hasher().hash(password))
    session.add(user)
    session.flush()
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.name)))


def remove_user(session: Session, name: str) -> bool:
    user = session.scalar(select(User).where(User.name == normal_name(name)))
    if user is None:
        return False
    session.delete(user)
    return True


def find_user(session: Session, name: str) -> User | None:
    return session.scalar(select(User).where(User.name == normal_name(name)))


def password_matches(user: User | None, password: str) -> bool:
    """Whether `password` is `user`'s (found by `find_user`); for no user, or a user of the identity
    provider (who has no password), False after checking a dummy hash, so that it takes as long."""
    stored = user.password_hash if user else None
    try:
        _hasher().verify(stored or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return stored is not None


# --- API tokens --------------------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, role: str, label: str = "") -> tuple[ApiToken, str]:
    """A new token; the plain token is returned once and never stored."""
    _check_role(role)
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(digest=_digest(plain), role=role, label=label)
    session.add(token)
    session.flush()
    return token, plain


def list_tokens(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.id)))


def revoke_token(session: Session, token_id: int) -> bool:
    token = session.get(ApiToken, token_id)
    if token is None:
        return False
    if token.revoked_at is None:
        token.revoked_at = datetime.now(timezone.utc)
    return True


def valid_token(session: Session, plain: str) -> ApiToken | None:
    """The token, if it is valid and unrevoked."""
    digest = _digest(plain)
    token = session.scalar(select(ApiToken).where(ApiToken.digest == digest))
    if token is None or token.revoked_at is not None or not hmac.compare_digest(token.digest, digest):
        return None
    return token


def token_role(session: Session, plain: str) -> str | None:
    """The role of a valid, unrevoked token, else None."""
    token = valid_token(session, plain)
    return token.role if token is not None else None
