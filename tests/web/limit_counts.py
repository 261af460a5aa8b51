"""Where tests count rate limits: in memory or in the real Redis of BOT_TEST_REDIS_URL (skipped
without it), each test under a key prefix of its own so tests never see each other's counts, and
a clock the test moves (pyrate-limiter's clock hook) so windows pass without waiting."""

from __future__ import annotations

import os
import uuid

import pytest

from bot.web.ratelimit import Counts, MemoryCounts, RedisCounts

BACKENDS = ["memory", "redis"]


class FakeClock:
    """Milliseconds that pass only when a test says so."""

    def __init__(self, seconds: float = 1_000.0) -> None:
        self.seconds = seconds

    def now(self) -> int:
        return round(self.seconds * 1000)


def redis_url() -> str:
    url = os.environ.get("BOT_TEST_REDIS_URL")
    if not url:
        pytest.skip("BOT_TEST_REDIS_URL not set: the rate limit tests against Redis are skipped")
    return url


def unique_prefix() -> str:
    return f"test-ratelimit:{uuid.uuid4().hex}"


def make_counts(backend: str, clock: FakeClock | None = None) -> Counts:
    if backend == "memory":
        return MemoryCounts(clock)
    return RedisCounts(redis_url(), unique_prefix(), clock)
