"""A local spool for records that must not be lost when the database is down.

A record that cannot be written is appended, as one JSON line, to a spool file under `var/spool/`
and written later by `replay()`, which runs whenever a later write succeeds (and on
`bot gaps replay`). Every record carries a unique `record_id`, and writers skip ids the table
already has, so a record is stored exactly once even if a replay is interrupted and repeated.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.config import PROJECT_ROOT
from bot.db import session_scope

log = logging.getLogger(__name__)

Writer = Callable[[Session, dict], None]
_writers: dict[str, Writer] = {}


def spool_dir() -> Path:
    return Path(os.environ.get("BOT_SPOOL_DIR") or PROJECT_ROOT / "var" / "spool")


def register(kind: str, writer: Writer) -> None:
    """`writer(session, payload)` stores one record of `kind`, skipping a record_id it already has."""
    _writers[kind] = writer


@contextmanager
def _locked() -> Iterator[Path]:
    directory = spool_dir()
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield directory / "pending.jsonl"
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def pending() -> int:
    path = spool_dir() / "pending.jsonl"
    if not path.exists():
        return 0
    with _locked() as path:
        return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip()) if path.exists() else 0


def _has_pending() -> bool:
    return (spool_dir() / "pending.jsonl").exists()


def write(kind: str, payload: dict) -> bool:
    """Store a record now, or spool it. True when it reached the database.

    While older records wait in the spool, they are replayed first, so records keep their order.
    """
    if not _has_pending() or replay():
        try:
            with session_scope() as session:
                _writers[kind](session, payload)
            return True
        except SQLAlchemyError:
            pass
    log.warning("database unavailable: %s record %s spooled", kind, payload.get("record_id"))
    with _locked() as path, open(path, "a", encoding="utf-8") as spool:
        spool.write(json.dumps({"kind": kind, "payload": payload}, ensure_ascii=False) + "\n")
    return False


def replay() -> bool:
    """Write every spooled record in one transaction; keep the spool while the database is down.

    True when the spool is empty afterwards.
    """
    with _locked() as path:
        if not path.exists():
            return True
        lines = [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
        entries, good, bad = [], [], []
        for line in lines:
            try:
                entry = json.loads(line)
                entries.append((_writers[entry["kind"]], entry["payload"]))
                good.append(line)
            except (ValueError, KeyError, TypeError):
                bad.append(line)
        if bad:
            # Lines cut short by a crash while they were written: set aside for a person to look at.
            log.error("%d unreadable spool line(s) moved to %s", len(bad), path.with_suffix(".bad"))
            with open(path.with_suffix(".bad"), "a", encoding="utf-8") as rejected:
                rejected.writelines(line + "\n" for line in bad)
            path.write_text("".join(line + "\n" for line in good), encoding="utf-8")
        try:
            with session_scope() as session:
                for writer, payload in entries:
                    writer(session, payload)
        except SQLAlchemyError:
            log.warning("database still unavailable: %d spooled record(s) kept", len(entries))
            return False
        path.unlink()
        log.info("replayed %d spooled record(s)", len(entries))
        return True
