"""The web service believes X-Forwarded-For and X-Forwarded-Proto from the proxy in front of it in
both deploy variants (BOT_TRUSTED_PROXIES), and from nothing else: the setting parses, and Caddy
is left to replace a client's own X-Forwarded-For (no `trusted_proxies` of its own)."""

from __future__ import annotations

from ipaddress import ip_address

import pytest
import yaml

from bot.config import PROJECT_ROOT, settings

DEPLOY = PROJECT_ROOT / "deploy"


def deployed_values() -> dict[str, str]:
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))
    k8s = yaml.safe_load_all((DEPLOY / "k8s" / "web.yaml").read_text(encoding="utf-8"))
    web = next(d for d in k8s if d and d["kind"] == "Deployment")["spec"]["template"]["spec"]["containers"][0]
    return {
        "compose": compose["services"]["web"]["environment"]["BOT_TRUSTED_PROXIES"],
        "k8s": next(e["value"] for e in web["env"] if e["name"] == "BOT_TRUSTED_PROXIES"),
    }


@pytest.mark.parametrize("variant", ["compose", "k8s"])
def test_the_proxy_in_front_is_trusted(monkeypatch, variant):
    monkeypatch.setenv("BOT_TRUSTED_PROXIES", deployed_values()[variant])
    proxies = settings().trusted_proxies
    for proxy in ("172.18.0.2", "192.168.16.3", "10.244.1.7"):  # docker networks, pod networks
        assert any(ip_address(proxy) in network for network in proxies), proxy
    assert not any(ip_address("203.0.113.9") in network for network in proxies)


def test_caddy_replaces_the_clients_own_forwarded_headers():
    assert "trusted_proxies" not in (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
