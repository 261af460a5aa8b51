"""Users of the identity provider (bot/auth/identities.py): found by issuer and subject, never by
name; renamed and given the role of each sign-in; removed with their sessions when they have no
role; never able to sign in with a password."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from bot import db
from bot.auth import accounts, identities, sessions
from bot.auth.models import AdminSession, User

ISSUER = "https://login.microsoftonline.com/kommune/v2.0"
NOW = datetime.now(timezone.utc)


def test_a_sign_in_creates_then_updates_the_user_of_that_subject(db_url):
    with db.session_scope(db_url) as session:
        first = identities.signed_in(session, ISSUER, "sub-1", "Kari@Kommune.no", "it")
        assert (first.name, first.role, first.password_hash) == ("kari@kommune.no", "it", None)
    with db.session_scope(db_url) as session:
        again = identities.signed_in(session, ISSUER, "sub-1", "kari.nordmann@kommune.no", "trainer")
        assert again.id == first.id and (again.name, again.role) == ("kari.nordmann@kommune.no", "trainer")
        other_issuer = identities.signed_in(session, "https://idp.example/", "sub-1", "kari@idp.example", "it")
        assert other_issuer.id != first.id


def test_a_name_held_by_someone_else_is_not_taken_over(db_url):
    with db.session_scope(db_url) as session:
        accounts.add_user(session, "per@kommune.no", "admin", "et-langt-passord")
        with pytest.raises(identities.NameTaken):
            identities.signed_in(session, ISSUER, "sub-2", "PER@kommune.no", "it")
        assert accounts.find_user(session, "per@kommune.no").oidc_subject is None


def test_a_user_without_a_role_is_removed_with_their_sessions(db_url):
    with db.session_scope(db_url) as session:
        user = identities.signed_in(session, ISSUER, "sub-3", "ola@kommune.no", "it")
        sessions.start(session, user, 3600, NOW)
    with db.session_scope(db_url) as session:
        identities.refused(session, ISSUER, "sub-3")
        identities.refused(session, ISSUER, "never-seen")
    with db.session_scope(db_url) as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0
        assert session.scalar(select(func.count()).select_from(AdminSession)) == 0


def test_a_user_of_the_identity_provider_has_no_password_to_sign_in_with(db_url):
    with db.session_scope(db_url) as session:
        identities.signed_in(session, ISSUER, "sub-4", "nils@kommune.no", "admin")
    with db.session_scope(db_url) as session:
        user = accounts.find_user(session, "nils@kommune.no")
        assert user is not None and not accounts.password_matches(user, "")
        assert not accounts.password_matches(user, "hva som helst")
