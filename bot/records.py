"""A record to store: what the gap log, the trainer inbox and answer feedback build, and what
bot.spool writes (one turn's records together). Here, apart from both, so neither imports the
other's package."""

from __future__ import annotations

from typing import NamedTuple


class Record(NamedTuple):
    """One record to store: its kind (a key of bot.spool.writers()) and its payload (with a record_id)."""

    kind: str
    payload: dict
