"""Admin login under attack. Each argon2 check takes 64 MiB, so: an attempt is counted before its
password is hashed (25 concurrent wrong passwords for one name from one client: 5 are checked, 20
refused at once); at most two checks run at a time, whoever sends them; and behind a trusted proxy
the limit is keyed by the client address the proxy forwards, so an attacker behind the same proxy
cannot lock the real user out, while a client that is not a trusted proxy cannot pick its address
with X-Forwarded-For."""

from __future__ import annotations

import asyncio
import threading
from ipaddress import ip_network

import pytest
from limit_counts import redis_url, unique_prefix

from bot.auth import accounts
from bot.web.admin.auth import LOGIN_UNAVAILABLE
from bot.web.admin.security import MAX_ACCOUNT_FAILURES, MAX_ADDRESS_FAILURES, MAX_LOGIN_FAILURES

WRONG = "feil-passord-123"
PROXY = (ip_network("127.0.0.0/8"),)  # the test client's address: it plays the proxy


class WatchedHasher:
    """The real argon2 hasher, counting checks and how many ran at once."""

    def __init__(self, real) -> None:
        self.real, self.lock = real, threading.Lock()
        self.checks = self.running = self.most_at_once = 0

    def hash(self, password: str) -> str:
        return self.real.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        with self.lock:
            self.checks += 1
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            return self.real.verify(stored, password)
        finally:
            with self.lock:
                self.running -= 1


@pytest.fixture
def hasher(monkeypatch) -> WatchedHasher:
    watched = WatchedHasher(accounts._hasher())
    accounts._dummy_hash()  # made before watching: only checks are counted
    monkeypatch.setattr(accounts, "_hasher", lambda: watched)
    return watched


async def attempt(client, csrf: str, name: str, password: str, client_address: str | None = None) -> int:
    headers = {"X-Forwarded-For": client_address} if client_address else {}
    data = {"name": name, "password": password, "csrf": csrf}
    async with client.post("/admin/login", data=data, headers=headers, allow_redirects=False) as response:
        return response.status


async def login_csrf(client, csrf_of) -> str:
    return csrf_of(await (await client.get("/admin/login")).text())


async def test_25_concurrent_wrong_passwords_get_5_checks(client, users, csrf_of, hasher):
    csrf = await login_csrf(client, csrf_of)
    statuses = await asyncio.gather(*(attempt(client, csrf, users["it"], WRONG) for _ in range(25)))
    assert sorted(statuses) == [401] * MAX_LOGIN_FAILURES + [429] * (25 - MAX_LOGIN_FAILURES)
    assert hasher.checks == MAX_LOGIN_FAILURES


async def test_at_most_two_password_checks_run_at_once(make_client, csrf_of, hasher):
    client = await make_client(trusted_proxies=PROXY)  # 25 clients, so no limit stops any of them
    csrf = await login_csrf(client, csrf_of)
    statuses = await asyncio.gather(*(attempt(client, csrf, f"navn-{n}", WRONG, f"203.0.113.{n}") for n in range(25)))
    assert statuses == [401] * 25 and hasher.checks == 25
    assert hasher.most_at_once <= 2


async def test_an_attacker_behind_the_same_proxy_cannot_lock_out_the_real_user(make_client, users, password, csrf_of):
    client = await make_client(trusted_proxies=PROXY)
    csrf = await login_csrf(client, csrf_of)
    attacks = [await attempt(client, csrf, users["it"], WRONG, "203.0.113.66") for _ in range(MAX_LOGIN_FAILURES + 1)]
    assert attacks == [401] * MAX_LOGIN_FAILURES + [429]
    assert await attempt(client, csrf, users["it"], password, "198.51.100.7") == 303  # signed in


async def test_a_client_that_is_no_trusted_proxy_cannot_pick_its_address(client, users, password, csrf_of):
    csrf = await login_csrf(client, csrf_of)
    for n in range(MAX_LOGIN_FAILURES):
        assert await attempt(client, csrf, users["it"], WRONG, f"203.0.113.{n}") == 401
    assert await attempt(client, csrf, users["it"], password, "198.51.100.7") == 429


async def test_one_address_trying_many_names_is_stopped(client, users, password, csrf_of, hasher):
    csrf = await login_csrf(client, csrf_of)
    tries = [await attempt(client, csrf, f"navn-{n}", WRONG) for n in range(MAX_ADDRESS_FAILURES + 1)]
    assert tries == [401] * MAX_ADDRESS_FAILURES + [429]
    assert await attempt(client, csrf, users["it"], password) == 429  # a name it never tried, from there
    assert hasher.checks == MAX_ADDRESS_FAILURES


async def test_one_name_tried_from_many_addresses_is_stopped(make_client, users, password, csrf_of, hasher):
    client = await make_client(trusted_proxies=PROXY)
    csrf = await login_csrf(client, csrf_of)
    tries = [
        await attempt(client, csrf, users["it"], WRONG, f"203.0.113.{n // MAX_LOGIN_FAILURES}")
        for n in range(MAX_ACCOUNT_FAILURES + 1)
    ]
    assert tries == [401] * MAX_ACCOUNT_FAILURES + [429]
    assert hasher.checks == MAX_ACCOUNT_FAILURES
    # The price of that ceiling: while it holds, the name cannot sign in from anywhere.
    assert await attempt(client, csrf, users["it"], password, "198.51.100.7") == 429
    assert await attempt(client, csrf, users["admin"], password, "198.51.100.7") == 303


async def test_two_web_replicas_sharing_redis_enforce_one_login_limit(make_client, users, password, csrf_of, hasher):
    shared = {"rate_limit_url": redis_url(), "rate_limit_prefix": unique_prefix()}
    replicas = [await make_client(**shared), await make_client(**shared)]
    csrfs = [await login_csrf(replica, csrf_of) for replica in replicas]
    statuses = await asyncio.gather(*(attempt(replicas[n % 2], csrfs[n % 2], users["it"], WRONG) for n in range(25)))
    assert sorted(statuses) == [401] * MAX_LOGIN_FAILURES + [429] * (25 - MAX_LOGIN_FAILURES)
    assert hasher.checks == MAX_LOGIN_FAILURES
    for replica, csrf in zip(replicas, csrfs):
        assert await attempt(replica, csrf, users["it"], password) == 429
    assert await attempt(replicas[1], csrfs[1], users["admin"], password) == 303


async def test_sign_in_is_refused_in_norwegian_while_redis_is_down(
    make_client, users, password, csrf_of, hasher, unused_tcp_port_factory, caplog
):
    client = await make_client(rate_limit_url=f"redis://127.0.0.1:{unused_tcp_port_factory()}/0")
    csrf = await login_csrf(client, csrf_of)
    data = {"name": users["it"], "password": password, "csrf": csrf}
    async with client.post("/admin/login", data=data, allow_redirects=False) as response:
        assert response.status == 503
        assert LOGIN_UNAVAILABLE in await response.text()
    assert hasher.checks == 0
    assert "login refused: the rate limit store did not answer" in caplog.text
    assert password not in caplog.text


async def test_signing_in_to_an_account_of_ones_own_does_not_reset_the_address_ceiling(
    client, users, password, csrf_of
):
    csrf = await login_csrf(client, csrf_of)
    for n in range(MAX_ADDRESS_FAILURES - 1):
        assert await attempt(client, csrf, f"navn-{n}", WRONG) == 401
    assert await attempt(client, csrf, users["it"], password) == 303  # the 20th attempt from this address
    csrf = await login_csrf(client, csrf_of)
    assert await attempt(client, csrf, "navn-neste", WRONG) == 429
