"""Storing what the assistant builds as records (bot.spool.write_all), for tests that check the
tables: the same write the actions make at the end of a turn."""

from __future__ import annotations

from bot import spool
from bot.assistant.replies import Answer
from bot.records import Record


def written(answer: Answer) -> Answer:
    """The answer, after its records were stored."""
    spool.write_all(answer.records)
    return answer


def write_record(record: Record) -> str:
    """Store one record; its record id."""
    spool.write_all([record])
    return record.payload["record_id"]
