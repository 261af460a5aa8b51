"""Compressed request bodies against the web service: how much memory one costs the process.

    .venv/bin/python bench/compressed_body.py
    .venv/bin/python bench/compressed_body.py --concurrent 8 --baseline-ref 84bae1a

A deflate bomb (`--inflated` MiB of zeros, zlib level 9: ~400 KiB on the wire for 400 MiB) is
posted with `Content-Encoding: deflate` by a real client to a real `python -m bot.web`, once alone
and then `--concurrent` at a time to several routes. Each scenario runs in a fresh process, from
the working tree and from the baseline (the `bot/` of `--baseline-ref`: main before issue 14's fix,
where aiohttp inflated the body while reading it although the app answered 415). Reported: the
answers, the growth of resident memory up to its peak (VmHWM minus VmRSS before), the resident
memory after, and the time to the answer. The goal (issue 14, item 1): < 50 MB per process.
Report: stdout and bench/results/compressed_body.md.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import zlib
from collections import Counter
from pathlib import Path

import aiohttp
from _common import machine, publish, table
from _web_process import BASELINE_REF, source_of, web_process

ROUTES = ["/api/messages", "/admin/login", "/webhooks/teams/webhook", "/no/such/route"]


async def send(url: str, body: bytes, count: int) -> tuple[Counter, float]:
    """`count` bombs at once, spread over ROUTES: the answers' statuses and the slowest answer's time."""

    async def one(http: aiohttp.ClientSession, route: str) -> int:
        async with http.post(url + route, data=body, headers={"Content-Encoding": "deflate"}) as response:
            await response.read()
            return response.status

    started = time.monotonic()
    async with aiohttp.ClientSession() as http:
        statuses = await asyncio.gather(*(one(http, ROUTES[i % len(ROUTES)]) for i in range(count)))
    return Counter(statuses), time.monotonic() - started


def measure(workdir: Path, source: Path | None, body: bytes, count: int) -> list[str]:
    with web_process(workdir, f"sqlite:///{workdir / 'bot.db'}", source) as web:
        before = web.memory()["VmRSS"]
        statuses, seconds = asyncio.run(send(web.url, body, count))
        time.sleep(1)  # let the server finish whatever it still reads after answering
        after = web.memory()
    answers = ", ".join(f"{n} × {status}" for status, n in sorted(statuses.items()))
    return [answers, f"{after['VmHWM'] - before:.0f}", f"{after['VmRSS']:.0f}", f"{seconds:.2f}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inflated", type=int, default=400, help="MiB the bomb inflates to")
    parser.add_argument("--concurrent", type=int, default=4, help="bombs at once in the second scenario")
    parser.add_argument("--baseline-ref", default=BASELINE_REF, help="commit whose bot/ is the baseline")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    body = zlib.compress(b"\0" * (args.inflated * 1024 * 1024), 9)
    rows = []
    with tempfile.TemporaryDirectory() as temporary:
        workdir = Path(temporary)
        baseline = source_of(args.baseline_ref, workdir / "baseline")
        for count in (1, args.concurrent):
            for label, source in ((f"baseline ({args.baseline_ref})", baseline), ("now", None)):
                rows.append([f"{count} at once", label, *measure(workdir, source, body, count)])
    report = "\n".join(
        [
            "# Compressed request bodies (bench/compressed_body.py)",
            "",
            f"{machine()}; deflate bomb: {len(body) / 1024:.0f} KiB sent, {args.inflated} MiB inflated; "
            "each row a fresh `python -m bot.web`.",
            "",
            table(
                ["bombs", "web service", "answers", "RSS growth to peak, MiB", "RSS after, MiB", "answered in, s"],
                rows,
                "lllrrr",
            ),
        ]
    )
    publish("compressed_body", report, write=not args.no_write)


if __name__ == "__main__":
    main()
