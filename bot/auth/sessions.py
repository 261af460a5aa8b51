"""Signed-in admin sessions, kept on the server. The sealed cookie (bot/web/admin/security.py)
carries a random session id; the table `admin_sessions` keeps only its SHA-256 digest. A session
is valid until its fixed end (`lifetime` after sign-in, never extended), while its user exists
(removing a user deletes them) and while the user's password hash is the one it was opened with,
so a new password ends every session of its user. Logging out deletes the session."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.auth.models import AdminSession, User


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _password_stamp(user: User) -> str:
    return _digest(user.password_hash or "")  # a user of the identity provider has no password


def start(session: Session, user: User, lifetime: int, now: datetime) -> str:
    """A new session for `user` that ends `lifetime` seconds after `now`; its id is returned once
    and never stored. Sessions that have ended are deleted on the way."""
    session.execute(delete(AdminSession).where(AdminSession.expires_at <= now))
    session_id = secrets.token_urlsafe(32)
    session.add(
        AdminSession(
            digest=_digest(session_id),
            user_id=user.id,
            password_stamp=_password_stamp(user),
            created_at=now,
            expires_at=now + timedelta(seconds=lifetime),
        )
    )
    return session_id


def user_of(session: Session, session_id: str, now: datetime) -> User | None:
    """The user of the session `session_id` while it is valid at `now`, else None."""
    found = session.execute(
        select(User, AdminSession.password_stamp)
        .join(AdminSession, AdminSession.user_id == User.id)
        .where(AdminSession.digest == _digest(session_id), AdminSession.expires_at > now)
    ).first()
    if found is None or not hmac.compare_digest(found.password_stamp, _password_stamp(found.User)):
        return None
    return found.User


def end(session: Session, session_id: str) -> None:
    session.execute(delete(AdminSession).where(AdminSession.digest == _digest(session_id)))
