"""A real OpenID Connect provider for the sign-in tests: panva's oidc-provider (tests/oidc_provider,
installed by `npm ci`) on a free port of 127.0.0.1, with one client (ours) and test accounts whose
groups a test may change while it runs."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.request import urlopen

import pytest

from bot.config import OidcSettings

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc_provider"
CLIENT_ID = "digihjelpen-admin"
CLIENT_SECRET = base64.urlsafe_b64encode(hashlib.sha256(b"tests oidc client secret").digest()).decode()
GROUP = {"admin": "0b7c1d6e-admin", "it": "5f2a9e41-it", "trainer": "c93d07b2-trainer"}  # role → group id


@dataclass
class RunningProvider:
    issuer: str
    accounts_file: Path

    def set_accounts(self, accounts: dict[str, dict]) -> None:
        """The provider's accounts from now on: sub → claims (groups, preferred_username …)."""
        self.accounts_file.write_text(json.dumps(accounts), encoding="utf-8")


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("node is not installed, and CI must run the OpenID Connect sign-in tests (tests/oidc_provider)")
        pytest.skip("node is not installed: the OpenID Connect sign-in tests need Node 20 or newer")
    if not (PROVIDER_DIR / "node_modules").is_dir():
        installed = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"], cwd=PROVIDER_DIR, capture_output=True, text=True
        )
        if installed.returncode != 0:
            pytest.fail(
                f"npm ci in {PROVIDER_DIR} failed (it needs the npm registry once):\n{installed.stderr[-2000:]}"
            )
    return node


@contextmanager
def running_provider(
    redirect_uri: str, directory: Path, accounts: dict[str, dict], issuer_host: str = "127.0.0.1"
) -> Iterator[RunningProvider]:
    """The provider, once its discovery document answers, with our client sending browsers back to
    `redirect_uri` and `issuer_host` in its URLs (it listens on 127.0.0.1); stopped afterwards.
    Skips the test where node is missing (fails it on CI)."""
    node = _node()
    accounts_file, log_file = directory / "accounts.json", directory / "provider.log"
    accounts_file.write_text(json.dumps(accounts), encoding="utf-8")
    config = {
        "client": {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uri": redirect_uri},
        "accounts_file": str(accounts_file),
        "issuer_host": issuer_host,
    }
    with log_file.open("w") as log:
        process = subprocess.Popen(
            [node, "provider.mjs"],
            cwd=PROVIDER_DIR,
            env={**os.environ, "OIDC_TEST_CONFIG": json.dumps(config)},
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
    try:
        line = process.stdout.readline()  # printed once the provider listens; "" if it exited
        assert line, f"the test OpenID Connect provider did not start: {log_file.read_text()}"
        issuer = json.loads(line)["issuer"]
        with urlopen(issuer + "/.well-known/openid-configuration", timeout=10) as discovery:
            assert json.load(discovery)["issuer"] == issuer
        yield RunningProvider(issuer, accounts_file)
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def oidc_settings(issuer: str, redirect_url: str) -> OidcSettings:
    """Our side of the client: GROUP's group ids mapped to their roles."""
    return OidcSettings(
        issuer=issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_url=redirect_url,
        groups=tuple((group, role) for role, group in GROUP.items()),
    )
