"""Who the client is and whether it came over TLS, behind a proxy: X-Forwarded-For and
X-Forwarded-Proto count only when the direct peer is a configured trusted proxy
(BOT_TRUSTED_PROXIES); then the client is the nearest address in X-Forwarded-For that is not a
trusted proxy itself, so a client cannot choose its own address by sending the header."""

from __future__ import annotations

from ipaddress import ip_network

import pytest

from bot.config import settings
from bot.web.app import forwarded_client

PROXIES = (ip_network("10.0.0.0/8"), ip_network("fd00::/8"))


@pytest.mark.parametrize(
    "peer, forwarded_for, client",
    [
        ("10.1.1.1", ["203.0.113.9"], "203.0.113.9"),  # one proxy, as Caddy and ingress-nginx send it
        ("10.1.1.1", ["198.51.100.1, 203.0.113.9"], "203.0.113.9"),  # the client's own header comes first
        ("10.1.1.1", ["198.51.100.1", "203.0.113.9, 10.2.2.2"], "203.0.113.9"),  # two proxies, two header lines
        ("10.1.1.1", ["10.3.3.3, 10.2.2.2"], "10.3.3.3"),  # every hop a proxy: the farthest one
        ("10.1.1.1", [], "10.1.1.1"),  # no header: the proxy itself
        ("10.1.1.1", ["not an address, 203.0.113.9"], "203.0.113.9"),
        ("10.1.1.1", ["203.0.113.9, garbage"], "10.1.1.1"),  # a hop the proxy wrote is unreadable: trust nothing
        ("fd00::5", ["2001:db8::7"], "2001:db8::7"),
        ("192.0.2.50", ["203.0.113.9"], "192.0.2.50"),  # not a trusted proxy: the header is ignored
    ],
)
def test_the_client_is_the_nearest_untrusted_hop(peer, forwarded_for, client):
    assert forwarded_client(peer, forwarded_for, PROXIES) == client


def test_without_trusted_proxies_the_peer_is_the_client():
    assert forwarded_client("127.0.0.1", ["203.0.113.9"], ()) == "127.0.0.1"


def test_the_setting_takes_addresses_and_networks(monkeypatch):
    monkeypatch.setenv("BOT_TRUSTED_PROXIES", " 10.0.0.0/8, 127.0.0.1 ,fd00::/8,")
    assert settings().trusted_proxies == (ip_network("10.0.0.0/8"), ip_network("127.0.0.1/32"), ip_network("fd00::/8"))
    monkeypatch.delenv("BOT_TRUSTED_PROXIES")
    assert settings().trusted_proxies == ()


@pytest.mark.parametrize("value", ["10.0.0.300", "proxy", "10.0.0.1/8"])
def test_a_wrong_proxy_setting_stops_with_a_clear_message(monkeypatch, value):
    monkeypatch.setenv("BOT_TRUSTED_PROXIES", value)
    with pytest.raises(SystemExit, match=r"^Setting BOT_TRUSTED_PROXIES .*10\.0\.0\.0/8"):
        settings()


async def test_the_app_sees_the_forwarded_client_and_scheme_only_from_a_trusted_proxy(make_client, users, password):
    """Observed through the admin login: its limit is keyed by the client address, its cookie is
    Secure when the request came over TLS."""
    forwarded = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    trusted = await make_client(trusted_proxies=(ip_network("127.0.0.0/8"),))
    untrusted = await make_client()
    assert (await trusted.get("/admin/login", headers=forwarded)).cookies["dh_admin"]["secure"]
    assert not (await untrusted.get("/admin/login", headers=forwarded)).cookies["dh_admin"]["secure"]


async def test_the_widget_cookie_is_secure_only_when_a_trusted_proxy_says_tls(make_client):
    """A client cannot make the conversation cookie Secure (and so lose it on plain HTTP) by
    sending X-Forwarded-Proto itself: the header counts from a trusted proxy only."""
    forwarded = {"X-Forwarded-Proto": "https"}
    trusted = await make_client(trusted_proxies=(ip_network("127.0.0.0/8"),))
    untrusted = await make_client()
    assert (await trusted.get("/api/history", headers=forwarded)).cookies["dh_conversation"]["secure"]
    assert not (await untrusted.get("/api/history", headers=forwarded)).cookies["dh_conversation"]["secure"]
