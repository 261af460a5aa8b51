"""Rate limit checks with many keys: the old in-process limiter beside the new one (pyrate-limiter,
in memory and in Redis), per-check latency p50/p95.

    .venv/bin/python bench/rate_limits.py
    .venv/bin/python bench/rate_limits.py --sizes 1000 50000 --checks 5000 --redis-url redis://127.0.0.1:6379/0

For each size N, N conversations have each sent a message within the last minute (every key is
alive, the old limiter's worst case: past 10,000 keys its `record` walked them all on every
message); then `--checks` messages from random ones of those conversations are timed one by one,
as the chat relay checks them (20 a minute per conversation). The baseline is `bot/web/ratelimit.py`
of `--baseline-ref` (main before the change), loaded from git. Redis rows need a Redis server
(`--redis-url`, default BOT_TEST_REDIS_URL or redis://127.0.0.1:6379/0; its keys go under a
prefix of their own and are deleted afterwards). Report: stdout and bench/results/rate_limits.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import time
import types
import uuid

from _common import PROJECT_ROOT, machine, percentile, publish, table

from bot.web.ratelimit import MemoryCounts, RateLimit, RedisCounts

BASELINE_REF = "2f252be"  # main before rate limits moved to Redis (issue 14, item 15)
LIMIT, WINDOW = 20, 60  # the chat relay's limit


def baseline_limiter(ref: str) -> types.ModuleType:
    """The old bot/web/ratelimit.py of `ref` as a module."""
    source = subprocess.run(
        ["git", "show", f"{ref}:bot/web/ratelimit.py"], cwd=PROJECT_ROOT, check=True, capture_output=True, text=True
    ).stdout
    module = types.ModuleType("baseline_ratelimit")
    exec(compile(source, f"{ref}:bot/web/ratelimit.py", "exec"), module.__dict__)
    return module


def summary(timings: list[float]) -> list[str]:
    return [f"{percentile(timings, 50) * 1000:.3f}", f"{percentile(timings, 95) * 1000:.3f}"]


def measure_baseline(module: types.ModuleType, size: int, checks: int, rng: random.Random) -> list[float]:
    limit = module.RateLimit(LIMIT, WINDOW)
    keys = [uuid.uuid4().hex for _ in range(size)]
    for key in keys:
        limit.allow(key)
    timings = []
    for _ in range(checks):
        key = rng.choice(keys)
        started = time.perf_counter()
        limit.allow(key)
        timings.append(time.perf_counter() - started)
    return timings


async def measure_new(limit: RateLimit, size: int, checks: int, rng: random.Random) -> list[float]:
    keys = [uuid.uuid4().hex for _ in range(size)]
    for start in range(0, size, 500):  # filled 500 at a time (in Redis, concurrently)
        await asyncio.gather(*(limit.allow(key) for key in keys[start : start + 500]))
    timings = []
    for _ in range(checks):
        key = rng.choice(keys)
        started = time.perf_counter()
        await limit.allow(key)
        timings.append(time.perf_counter() - started)
    return timings


async def measure_redis(url: str, size: int, checks: int, rng: random.Random) -> list[float]:
    counts = RedisCounts(url, f"bench-ratelimit:{uuid.uuid4().hex}")
    try:
        return await measure_new(RateLimit(counts, "chat", LIMIT, WINDOW), size, checks, rng)
    finally:
        async for key in counts.redis.scan_iter(match=f"{counts.prefix}:*", count=1000):
            await counts.redis.delete(key)
        await counts.close()


async def run(args: argparse.Namespace) -> list[list[str]]:
    baseline = baseline_limiter(args.baseline_ref)
    rows = []
    for size in args.sizes:
        rng = random.Random(size)
        rows.append(
            [
                f"{size:,}",
                f"old, in process ({args.baseline_ref})",
                *summary(measure_baseline(baseline, size, args.checks, rng)),
            ]
        )
        memory = RateLimit(MemoryCounts(), "chat", LIMIT, WINDOW)
        rows.append([f"{size:,}", "new, in memory", *summary(await measure_new(memory, size, args.checks, rng))])
        if args.redis_url:
            timings = await measure_redis(args.redis_url, size, args.checks, rng)
            rows.append([f"{size:,}", "new, Redis (shared by replicas)", *summary(timings)])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 50_000], help="live keys")
    parser.add_argument("--checks", type=int, default=2_000, help="timed checks per size and limiter")
    parser.add_argument(
        "--baseline-ref", default=BASELINE_REF, help="commit whose bot/web/ratelimit.py is the baseline"
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
        help="Redis for the shared limiter; empty to skip it",
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    rows = asyncio.run(run(args))
    report = "\n".join(
        [
            "# Rate limit checks with many keys (bench/rate_limits.py)",
            "",
            f"{machine()}; {LIMIT} messages per {WINDOW} s per key, every key alive, "
            f"{args.checks:,} timed checks of random keys per row; Redis at {args.redis_url or '(skipped)'}.",
            "",
            table(["live keys", "limiter", "p50 per check, ms", "p95 per check, ms"], rows, "llrr"),
        ]
    )
    publish("rate_limits", report, write=not args.no_write)


if __name__ == "__main__":
    main()
