"""The rate limiter itself, in memory and in the real Redis: the sliding window, keys kept apart,
two replicas counting together atomically, keys that expire with their window in Redis, Redis
forgetting its scripts, Redis unreachable, and the memory backend's bound on keys."""

from __future__ import annotations

import asyncio
import time

import pytest
from limit_counts import BACKENDS, FakeClock, make_counts, redis_url, unique_prefix

from bot.config import settings
from bot.web.ratelimit import LimitsUnavailable, MemoryCounts, RateLimit, RedisCounts


@pytest.fixture
async def closing():
    """Closes every Counts a test makes."""
    made = []
    yield made.append
    for counts in made:
        await counts.close()


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_key_gets_its_events_in_a_sliding_window(backend, closing):
    clock = FakeClock(1_000.0)
    counts = make_counts(backend, clock)
    closing(counts)
    limit = RateLimit(counts, "test", 2, 60)
    assert await limit.allow("a") and await limit.allow("a")
    assert not await limit.allow("a")
    assert await limit.allow("b")  # another key has its own count
    assert await RateLimit(counts, "other", 2, 60).allow("a")  # and another limit too
    clock.seconds += 59.9
    assert not await limit.allow("a")
    clock.seconds += 0.101  # the first two events are more than 60 seconds old
    assert await limit.allow("a") and await limit.allow("a") and not await limit.allow("a")
    await limit.reset("a")
    assert await limit.allow("a")


@pytest.mark.parametrize("backend", BACKENDS)
async def test_key_parts_with_colons_do_not_run_together(backend, closing):
    counts = make_counts(backend, FakeClock())
    closing(counts)
    limit = RateLimit(counts, "test", 1, 60)
    assert await limit.allow("it-kari", "2001:db8::1")
    assert await limit.allow("it-kari:2001", "db8::1")
    assert not await limit.allow("it-kari", "2001:db8::1")


async def test_two_replicas_sharing_redis_count_together_and_atomically(closing):
    url, prefix, clock = redis_url(), unique_prefix(), FakeClock()
    replicas = [RedisCounts(url, prefix, clock), RedisCounts(url, prefix, clock)]
    for counts in replicas:
        closing(counts)
    limits = [RateLimit(counts, "chat", 20, 60) for counts in replicas]
    answers = await asyncio.gather(*(limits[n % 2].allow("conversation") for n in range(60)))
    assert answers.count(True) == 20
    assert not await limits[0].allow("conversation") and not await limits[1].allow("conversation")
    clock.seconds += 61
    assert await limits[1].allow("conversation")


async def test_redis_keys_end_with_their_window(closing):
    counts = RedisCounts(redis_url(), unique_prefix())  # the real clock
    closing(counts)
    limit = RateLimit(counts, "short", 1, 0.2)
    assert await limit.allow("a") and not await limit.allow("a")
    assert await counts.redis.exists(f"{counts.prefix}:short:a")
    deadline = time.monotonic() + 5
    while await counts.redis.exists(f"{counts.prefix}:short:a"):  # wait on Redis expiring the key
        assert time.monotonic() < deadline, "the key outlived its window"
        await asyncio.sleep(0.02)
    assert await limit.allow("a")


async def test_redis_that_lost_its_scripts_still_counts(closing):
    counts = RedisCounts(redis_url(), unique_prefix(), FakeClock())
    closing(counts)
    limit = RateLimit(counts, "test", 1, 60)
    assert await limit.allow("a")
    await counts.redis.script_flush()  # as after a Redis restart
    assert not await limit.allow("a")
    assert await limit.allow("b")


async def test_redis_unreachable_raises_limits_unavailable_quickly(closing, unused_tcp_port_factory):
    counts = RedisCounts(f"redis://127.0.0.1:{unused_tcp_port_factory()}/0", unique_prefix())
    closing(counts)
    limit = RateLimit(counts, "test", 1, 60)
    started = time.monotonic()
    with pytest.raises(LimitsUnavailable):
        await limit.allow("a")
    with pytest.raises(LimitsUnavailable):
        await limit.reset("a")
    assert time.monotonic() - started < 5


async def test_memory_forgets_the_least_recently_used_key_past_its_bound():
    counts = MemoryCounts(FakeClock(), max_keys=2)
    limit = RateLimit(counts, "test", 1, 60)
    assert await limit.allow("a") and await limit.allow("b")
    assert not await limit.allow("a")  # a is now the most recently used
    assert await limit.allow("c")  # b, the least recently used, is forgotten
    assert not await limit.allow("a")
    assert await limit.allow("b")


@pytest.mark.parametrize("url", ["http://redis:6379", "postgresql://db/bot", "localhost"])
def test_a_rate_limit_url_that_is_not_redis_stops_the_service_with_a_clear_message(monkeypatch, url):
    monkeypatch.setenv("BOT_RATE_LIMIT_URL", url)
    with pytest.raises(SystemExit, match="BOT_RATE_LIMIT_URL must be a Redis URL"):
        settings()
