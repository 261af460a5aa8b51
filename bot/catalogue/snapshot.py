"""The catalogue in memory, for recognition, search and answers.

Everything derived from the catalogue (indexes, lookups by id) is rebuilt only when an import
has changed the catalogue's revision stamp, so a newly imported tool is found at once without a
restart. When the database cannot be reached, the last copy keeps serving (stale, but the
employee still gets an answer).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.catalogue import store
from bot.catalogue.schema import CatalogueFile, PrivateToolEntry, ProcessEntry, ToolEntry

log = logging.getLogger(__name__)
T = TypeVar("T")

_lock = threading.Lock()
_files: dict[str, tuple[tuple, CatalogueFile]] = {}  # database URL → (stamp, catalogue)
_derived: dict[tuple[str, str], tuple[tuple, object]] = {}  # (URL, name) → (stamp, value)


def _stamp(session: Session, url: str) -> tuple | None:
    """The catalogue's stamp, or None when the database is unreachable but a copy exists.

    Read once per session (one message asks for several indexes), so every new session sees an
    import at once.
    """
    if store.STAMP_KEY in session.info:
        return session.info[store.STAMP_KEY]
    try:
        stamp = store.stamp(session)
    except SQLAlchemyError:
        with _lock:
            if url not in _files:
                raise
        session.rollback()
        log.warning("catalogue database unreachable; serving the last copy of the catalogue")
        stamp = None
    session.info[store.STAMP_KEY] = stamp
    return stamp


def derived(session: Session, name: str, build: Callable[[CatalogueFile], T]) -> T:
    """`build(catalogue)` for the session's database, rebuilt only when the catalogue changed."""
    url = str(session.get_bind().url)
    stamp = _stamp(session, url)
    with _lock:
        if stamp is None:
            stamp = _files[url][0]
        hit = _derived.get((url, name))
        if hit is not None and hit[0] == stamp:
            return hit[1]  # type: ignore[return-value]
        cached_file = _files.get(url)
    if cached_file is not None and cached_file[0] == stamp:
        catalogue = cached_file[1]
    else:
        catalogue = store.read_catalogue(session)
        with _lock:
            _files[url] = (stamp, catalogue)
    value = build(catalogue)
    with _lock:
        _derived[(url, name)] = (stamp, value)
    return value


@dataclass(frozen=True)
class CatalogueView:
    """The catalogue with its entries by id."""

    file: CatalogueFile
    tools: dict[str, ToolEntry]
    private_tools: dict[str, PrivateToolEntry]
    processes: dict[str, ProcessEntry]

    @classmethod
    def of(cls, catalogue: CatalogueFile) -> CatalogueView:
        return cls(
            catalogue,
            {t.id: t for t in catalogue.tools},
            {p.id: p for p in catalogue.private_tools},
            {p.id: p for p in catalogue.processes},
        )


def view(session: Session) -> CatalogueView:
    return derived(session, "view", CatalogueView.of)


def clear() -> None:
    with _lock:
        _files.clear()
        _derived.clear()
