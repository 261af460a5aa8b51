"""An in-memory copy of the catalogue for recognition and search, refreshed when an import bumps
the catalogue revision, so a newly imported tool is found at once without restarting anything."""

from __future__ import annotations

import threading
from typing import Callable, TypeVar

from sqlalchemy.orm import Session

from bot.catalogue import store
from bot.catalogue.schema import CatalogueFile

T = TypeVar("T")

_lock = threading.Lock()
_cache: dict[tuple[str, str], tuple[tuple, object]] = {}


def derived(session: Session, name: str, build: Callable[[CatalogueFile], T]) -> T:
    """`build(catalogue)` for the session's database, rebuilt only when the catalogue changed."""
    key = (str(session.get_bind().url), name)
    revision = store.stamp(session)
    with _lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] == revision:
            return hit[1]  # type: ignore[return-value]
    value = build(store.read_catalogue(session))
    with _lock:
        _cache[key] = (revision, value)
    return value


def clear() -> None:
    with _lock:
        _cache.clear()
