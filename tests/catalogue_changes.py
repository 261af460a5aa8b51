"""Reading back what catalogue changes left: the audit trail and a tool's tasks (shared by the
trainer inbox's command-line and web tests)."""

from __future__ import annotations

from sqlalchemy import select

from bot import db
from bot.catalogue import store
from bot.catalogue.models import CatalogueChange


def audit(url: str) -> list[CatalogueChange]:
    with db.session_scope(url) as session:
        return list(session.scalars(select(CatalogueChange).order_by(CatalogueChange.id)))


def tasks(url: str, tool_id: str) -> tuple[str, ...]:
    with db.session_scope(url) as session:
        return store.get_tool(session, tool_id).tasks
