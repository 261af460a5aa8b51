"""Users of the municipality's identity provider (OpenID Connect sign-in, bot/web/admin/oidc.py).

Each is one row of `users`, found by the provider's issuer and the user's subject there (never by
name), with no password. The provider decides the role at every sign-in: `signed_in` stores the role
the user's groups give now, and `refused` removes the user whose groups give none, which ends all
their sessions at once (bot/auth/sessions.py).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.auth.accounts import normal_name
from bot.auth.models import User


class NameTaken(Exception):
    """Another user (a local one, or another identity) already has the name this user would get."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


def _find(session: Session, issuer: str, subject: str) -> User | None:
    return session.scalar(select(User).where(User.oidc_issuer == issuer, User.oidc_subject == subject))


def signed_in(session: Session, issuer: str, subject: str, name: str, role: str) -> User:
    """The user `subject` of `issuer`, created or updated with the `name` and `role` of this sign-in."""
    user = _find(session, issuer, subject)
    name = normal_name(name)
    holder = session.scalar(select(User).where(User.name == name))
    if holder is not None and holder is not user:
        raise NameTaken(name)
    if user is None:
        user = User(name=name, role=role, password_hash=None, oidc_issuer=issuer, oidc_subject=subject)
        session.add(user)
    else:
        user.name, user.role = name, role
    session.flush()
    return user


def refused(session: Session, issuer: str, subject: str) -> None:
    """The provider's groups give `subject` no role now: remove the user, and so their sessions."""
    user = _find(session, issuer, subject)
    if user is not None:
        session.delete(user)
