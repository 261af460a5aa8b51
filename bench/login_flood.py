"""Admin login flood against the web service: how many passwords get hashed, the process's peak
memory, and whether the real user can still sign in.

    .venv/bin/python bench/login_flood.py
    .venv/bin/python bench/login_flood.py --attempts 50 --baseline-ref 84bae1a

A real `python -m bot.web` on a fresh SQLite database with one user sits behind a "proxy" (this
client, 127.0.0.1, trusted through BOT_TRUSTED_PROXIES). Two floods, each in a fresh process, from
the working tree and from the baseline (`bot/` of `--baseline-ref`: main before issue 14's fix):
  - one name: `--attempts` concurrent wrong passwords for the user, all from one attacker address
    (X-Forwarded-For), then the real user signs in with the right password from another address;
  - many names: `--attempts` concurrent wrong passwords, each for another name (unknown names are
    checked against a dummy hash, so each costs an argon2 check too).
Reported: answers (401: the password was checked; 429: refused before), the growth of resident
memory up to its peak (argon2 takes 64 MiB per check), the flood's duration and the real user's
answer (303: signed in). Report: stdout and bench/results/login_flood.md.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import tempfile
import time
from collections import Counter
from pathlib import Path

import aiohttp
from _common import machine, publish, table
from _web_process import BASELINE_REF, source_of, web_process

from bot import db
from bot.auth import accounts

NAME, PASSWORD, WRONG = "it-kari", "riktig-passord-1", "feil-passord-123"
ATTACKER, REAL_USER = "203.0.113.66", "198.51.100.7"


async def attempt(http: aiohttp.ClientSession, url: str, csrf: str, name: str, password: str, address: str) -> int:
    data = {"name": name, "password": password, "csrf": csrf}
    headers = {"X-Forwarded-For": address}
    async with http.post(url + "/admin/login", data=data, headers=headers, allow_redirects=False) as response:
        await response.read()
        return response.status


async def flood(url: str, count: int, many_names: bool) -> tuple[Counter, float, int | None]:
    """The flood's answers, its duration, and (one name only) the real user's answer after it."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:  # unsafe: cookies of an IP
        async with http.get(url + "/admin/login", headers={"X-Forwarded-For": ATTACKER}) as page:
            csrf = re.search(r'name="csrf" value="([^"]+)"', await page.text()).group(1)
        started = time.monotonic()
        names = [f"navn-{n}" if many_names else NAME for n in range(count)]
        statuses = await asyncio.gather(*(attempt(http, url, csrf, name, WRONG, ATTACKER) for name in names))
        seconds = time.monotonic() - started
        real = None if many_names else await attempt(http, url, csrf, NAME, PASSWORD, REAL_USER)
    return Counter(statuses), seconds, real


def measure(workdir: Path, source: Path | None, count: int, many_names: bool) -> list[str]:
    url = f"sqlite:///{workdir / f'bot-{time.monotonic_ns()}.db'}"
    db.upgrade(url)
    with db.session_scope(url) as session:
        accounts.add_user(session, NAME, "it", PASSWORD)
    with web_process(workdir, url, source, BOT_TRUSTED_PROXIES="127.0.0.1") as web:
        before = web.memory()["VmRSS"]
        statuses, seconds, real = asyncio.run(flood(web.admin_url, count, many_names))
        peak = web.memory()["VmHWM"]
    answers = ", ".join(f"{n} × {status}" for status, n in sorted(statuses.items()))
    real_user = "–" if real is None else {303: "303 signed in", 429: "429 locked out"}.get(real, str(real))
    return [answers, str(statuses[401]), f"{peak - before:.0f}", f"{seconds:.1f}", real_user]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=25, help="concurrent wrong passwords per flood")
    parser.add_argument("--baseline-ref", default=BASELINE_REF, help="commit whose bot/ is the baseline")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as temporary:
        workdir = Path(temporary)
        baseline = source_of(args.baseline_ref, workdir / "baseline")
        for many_names, flood_name in ((False, "one name, one attacker"), (True, "a name per attempt")):
            for label, source in ((f"baseline ({args.baseline_ref})", baseline), ("now", None)):
                rows.append([flood_name, label, *measure(workdir, source, args.attempts, many_names)])
    report = "\n".join(
        [
            "# Admin login flood (bench/login_flood.py)",
            "",
            f"{machine()}; {args.attempts} concurrent wrong passwords per flood, each flood in a fresh "
            "`python -m bot.web` behind a trusted proxy; the real user signs in from another client address.",
            "",
            table(
                [
                    "flood",
                    "web service",
                    "answers",
                    "hashed",
                    "RSS growth to peak, MiB",
                    "flood took, s",
                    "real user afterwards",
                ],
                rows,
                "lllrrrl",
            ),
        ]
    )
    publish("login_flood", report, write=not args.no_write)


if __name__ == "__main__":
    main()
