"""Rate limits for the web service: at most `limit` events per key in a sliding window of `window`
seconds (login attempts, chat messages), counted with pyrate-limiter.

With BOT_RATE_LIMIT_URL (redis://…) the counts are in Redis, shared by every web replica: each key
is a sorted set of event times that pyrate-limiter's Lua script checks and adds to in one atomic
step, trimmed to the window and expiring with it. Without it they are in this process's memory
(`make run`, one process): a pyrate-limiter bucket per key, the least recently used forgotten past
MAX_MEMORY_KEYS, so no check ever scans all keys. Redis is used through redis-py's asyncio client,
never blocking the event loop; when it does not answer, `allow` raises `LimitsUnavailable` and each
caller decides (the chat lets messages through, the login refuses)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator
from inspect import isawaitable
from typing import Protocol

from aiohttp import web
from pyrate_limiter import AbstractBucket, InMemoryBucket, Rate, RateItem, RedisBucket, TimeClock
from redis.asyncio import Redis
from redis.exceptions import NoScriptError, RedisError

from bot.config import Settings

MAX_MEMORY_KEYS = 10_000  # keys kept in memory (about 650 bytes each); past this, the least recently used is forgotten
REDIS_TIMEOUT = 0.5  # seconds a check waits for Redis before it counts as unavailable


class LimitsUnavailable(Exception):
    """The Redis server that keeps the counts did not answer."""


class Clock(Protocol):
    """pyrate-limiter's clock hook, synchronous: milliseconds now (TimeClock: the wall clock)."""

    def now(self) -> int: ...


async def _put(bucket: AbstractBucket, item: RateItem) -> bool:
    """pyrate-limiter's check-and-add; a Redis bucket on an asyncio client answers with an awaitable."""
    counted = bucket.put(item)
    return await counted if isawaitable(counted) else counted


class MemoryCounts:
    """Counts in this process only."""

    def __init__(self, clock: Clock | None = None, max_keys: int = MAX_MEMORY_KEYS):
        self.clock: Clock = clock or TimeClock()
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, InMemoryBucket] = OrderedDict()

    async def add(self, key: str, rate: Rate) -> bool:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = InMemoryBucket([rate])
            if len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
        now = self.clock.now()
        bucket.leak(now)
        return await _put(bucket, RateItem(key, now))

    async def forget(self, key: str) -> None:
        self._buckets.pop(key, None)

    async def close(self) -> None:
        self._buckets.clear()


class RedisCounts:
    """Counts in Redis, shared by every process that uses the same server and `prefix`. Event times
    come from `clock` (wall-clock milliseconds: the replicas' clocks must agree, as NTP keeps them)."""

    def __init__(self, url: str, prefix: str, clock: Clock | None = None):
        self.redis = Redis.from_url(url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT)
        self.prefix = prefix
        self.clock: Clock = clock or TimeClock()
        self._script_hash: str | None = None

    async def _bucket(self, name: str, rate: Rate, reload: bool = False) -> RedisBucket:
        if self._script_hash is None or reload:
            self._script_hash = (await RedisBucket.init([rate], self.redis, name)).script_hash
        return RedisBucket([rate], self.redis, name, self._script_hash)

    async def add(self, key: str, rate: Rate) -> bool:
        name, now = f"{self.prefix}:{key}", self.clock.now()
        try:
            try:
                counted = await _put(await self._bucket(name, rate), RateItem(key, now))
            except NoScriptError:  # Redis restarted and lost the script: load it again
                counted = await _put(await self._bucket(name, rate, reload=True), RateItem(key, now))
            if counted:  # keep the key to the window: drop older events, expire with the last
                async with self.redis.pipeline(transaction=False) as pipe:
                    pipe.zremrangebyscore(name, 0, now - rate.interval - 1)
                    pipe.pexpire(name, rate.interval)
                    await pipe.execute()
            return counted
        except (RedisError, OSError) as error:
            raise LimitsUnavailable(str(error)) from None

    async def forget(self, key: str) -> None:
        try:
            await self.redis.delete(f"{self.prefix}:{key}")
        except (RedisError, OSError) as error:
            raise LimitsUnavailable(str(error)) from None

    async def close(self) -> None:
        await self.redis.close()
        await self.redis.connection_pool.disconnect()


Counts = MemoryCounts | RedisCounts


def counts_for(app: web.Application) -> Counts:
    """Where `app`'s limits are counted (BOT_RATE_LIMIT_URL, else memory); closed with the app."""
    config: Settings = app["settings"]
    counts: Counts = (
        RedisCounts(config.rate_limit_url, config.rate_limit_prefix) if config.rate_limit_url else MemoryCounts()
    )

    async def closed_with_app(_: web.Application) -> AsyncIterator[None]:
        yield
        await counts.close()

    app.cleanup_ctx.append(closed_with_app)
    return counts


class RateLimit:
    """At most `limit` events per key in `window` seconds; keys are kept apart from other limits' by `name`."""

    def __init__(self, counts: Counts, name: str, limit: int, window: float):
        self.counts, self.name, self.rate = counts, name, Rate(limit, int(window * 1000))

    def _key(self, parts: tuple[str, ...]) -> str:
        return ":".join((self.name, *(part.replace("%", "%25").replace(":", "%3A") for part in parts)))

    async def allow(self, *key: str) -> bool:
        """Count one event for `key`; False (and not counted) when the key is at its limit.
        Raises LimitsUnavailable when Redis does not answer."""
        return await self.counts.add(self._key(key), self.rate)

    async def reset(self, *key: str) -> None:
        await self.counts.forget(self._key(key))
