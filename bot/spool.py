"""A local spool for records that must not be lost when the database is down.

The records of one turn are written together, in one transaction (`write_all`); those that cannot
be written are appended, as one JSON line, to a spool file under `var/spool/` and written later by
`replay()`, which runs whenever a later write succeeds (and on
`bot gaps replay`). Every record carries a unique `record_id`, and writers skip ids the table
already has, so a record is stored exactly once even if a replay is interrupted and repeated.
Lines that cannot be read are set aside in `pending.bad` with the time they were set aside;
`purge` applies retention to both files (bot/retention.py).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.config import PROJECT_ROOT
from bot.db import session_scope
from bot.records import Record

log = logging.getLogger(__name__)

Writer = Callable[[Session, dict], None]


def spool_dir() -> Path:
    return Path(os.environ.get("BOT_SPOOL_DIR") or PROJECT_ROOT / "var" / "spool")


def writers() -> dict[str, Writer]:
    """The writer of each kind of record: `writer(session, payload)` stores one record, skipping a
    record_id its table already has. One table, here, so every process that writes or replays the
    spool can write every kind."""
    from bot.feedback.recorder import WRITERS as FEEDBACK_WRITERS
    from bot.gaps.recorder import WRITERS as GAP_WRITERS

    return {**GAP_WRITERS, **FEEDBACK_WRITERS}


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
    """How many records wait in the spool."""
    path = spool_dir() / "pending.jsonl"
    if not path.exists():
        return 0
    with _locked() as path:
        lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return sum(_size(line) for line in lines if line.strip())


def _size(line: str) -> int:
    """How many records a spool line holds (an unreadable line counts as one)."""
    try:
        entry = json.loads(line)
        return len(entry["records"]) if isinstance(entry, dict) and "records" in entry else 1
    except (ValueError, TypeError):
        return 1


def _has_pending() -> bool:
    return (spool_dir() / "pending.jsonl").exists()


def write_all(records: Sequence[Record]) -> bool:
    """Store records together, in one transaction, or spool them as one entry. True when they
    reached the database (or there were none).

    While older records wait in the spool, they are replayed first, so records keep their order.
    """
    if not records:
        return True
    if not _has_pending() or replay():
        try:
            with session_scope() as session:
                table = writers()
                for record in records:
                    table[record.kind](session, record.payload)
            return True
        except SQLAlchemyError:
            pass
    log.warning(
        "database unavailable: %s spooled", ", ".join(f"{r.kind} record {r.payload.get('record_id')}" for r in records)
    )
    entry = {"records": [{"kind": r.kind, "payload": r.payload} for r in records]}
    with _locked() as path, open(path, "a", encoding="utf-8") as spool:
        spool.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return False


def _entries(line: str, table: dict[str, Writer]) -> list[tuple[Writer, dict]]:
    """The records of one spool line: a turn's records, or one record as older spools wrote it."""
    entry = json.loads(line)
    records = entry["records"] if "records" in entry else [entry]
    return [(table[record["kind"]], record["payload"]) for record in records]


def replay() -> bool:
    """Write every spooled record in one transaction; keep the spool while the database is down.

    True when the spool is empty afterwards.
    """
    with _locked() as path:
        if not path.exists():
            return True
        lines = [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
        entries, good, bad = [], [], []
        table = writers()
        for line in lines:
            try:
                entries += _entries(line, table)
                good.append(line)
            except (ValueError, KeyError, TypeError):
                bad.append(line)
        if bad:
            # Lines cut short by a crash while they were written: set aside for a person to look at.
            log.error("%d unreadable spool line(s) moved to %s", len(bad), path.with_suffix(".bad"))
            set_aside_at = datetime.now(timezone.utc).isoformat()
            with open(path.with_suffix(".bad"), "a", encoding="utf-8") as rejected:
                rejected.writelines(json.dumps({"set_aside_at": set_aside_at, "line": line}) + "\n" for line in bad)
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


_CREATED_AT = re.compile(r'"created_at": "([^"]+)"')


def purge(before: datetime, kinds: Collection[str]) -> int:
    """Retention for the spool: drop waiting records of `kinds` created before `before` (their
    table's retention would delete them once written; other kinds wait until they are written), and
    every set-aside line older than `before` (it can never be written). Returns how many records
    and lines were dropped. Never creates the spool."""
    path = spool_dir() / "pending.jsonl"
    if not (path.exists() or path.with_suffix(".bad").exists()):
        return 0
    with _locked() as path:
        return _purge_pending(path, before, kinds) + _purge_set_aside(path.with_suffix(".bad"), before)


def _time(iso: str) -> datetime:
    """An ISO time from a record; one without a zone (none are written so) is taken as UTC."""
    moment = datetime.fromisoformat(iso)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _expired(record: dict, before: datetime, kinds: Collection[str]) -> bool:
    created_at = record["payload"].get("created_at")
    return record["kind"] in kinds and created_at is not None and _time(created_at) < before


def _purge_pending(path: Path, before: datetime, kinds: Collection[str]) -> int:
    if not path.exists():
        return 0
    kept, dropped = [], 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            records = entry["records"] if "records" in entry else [entry]
            young = [record for record in records if not _expired(record, before, kinds)]
        except (ValueError, KeyError, TypeError, AttributeError):
            kept.append(line)  # unreadable: the next replay sets it aside
            continue
        dropped += len(records) - len(young)
        if len(young) == len(records):
            kept.append(line)
        elif young:
            kept.append(json.dumps({"records": young}, ensure_ascii=False))
    if dropped:
        _rewrite(path, kept)
    return dropped


def _set_aside_time(line: str, file_time: datetime) -> datetime:
    """How old a set-aside line's text is: its records' creation time when it can be found, else
    when it was set aside (older files: the file's last change)."""
    try:
        wrapper = json.loads(line)
        raw, set_aside = wrapper["line"], _time(wrapper["set_aside_at"])
    except (ValueError, KeyError, TypeError):
        raw, set_aside = line, file_time
    times = []
    for found in _CREATED_AT.findall(raw):
        try:
            times.append(_time(found))
        except ValueError:
            pass
    return min(times, default=set_aside)


def _purge_set_aside(path: Path, before: datetime) -> int:
    if not path.exists():
        return 0
    file_time = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
    lines = [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    kept = [line for line in lines if _set_aside_time(line, file_time) >= before]
    if len(kept) < len(lines):
        _rewrite(path, kept)
    return len(lines) - len(kept)


def _rewrite(path: Path, lines: list[str]) -> None:
    if lines:
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    else:
        path.unlink()
