"""The mitigations docs/security.md ("Dependency audit") relies on for known vulnerabilities in
pins Rasa 3.6.21 forces on us, checked so that they cannot silently stop holding:

- aiohttp 3.9.5's request-smuggling advisories (GHSA-8495-4g3g-x7pr, GHSA-9548-qrrj-x5pj,
  GHSA-69f9-5gxw-wvc2) only hit its pure-Python HTTP parser: our venv must use the C parser, and
  nothing we ship may set AIOHTTP_NO_EXTENSIONS.
- aiohttp's DoS through `assert` statements (GHSA-jj3x-wxrx-4x23) needs Python's -O: nothing we
  ship may set PYTHONOPTIMIZE.
- protobuf 4.23.3's recursion DoS (GHSA-8qvm-5x2c-j2w7) only hits the pure-Python backend: the
  venv must use upb (or cpp), and nothing may force PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION=python.
- sentry-sdk 1.14.0 (GHSA-g92j-qhmh-64v2) is only initialised by Rasa's telemetry: every way we
  start Rasa must keep RASA_TELEMETRY_ENABLED=false.
- every id in .ci/known-vulnerabilities is documented in docs/security.md.
"""

from __future__ import annotations

import re

from bot.config import PROJECT_ROOT

KNOWN = PROJECT_ROOT / ".ci" / "known-vulnerabilities"
SECURITY_DOC = PROJECT_ROOT / "docs" / "security.md"
# Everything that sets the environment of a process we ship or start.
SHIPPED = sorted(
    [p for p in (PROJECT_ROOT / "deploy").rglob("*") if p.is_file() and p.suffix not in {".crt", ".key", ".pem"}]
    + [PROJECT_ROOT / "Makefile", PROJECT_ROOT / "bot" / "runner.py"]
)
ID = re.compile(r"^(GHSA(-[23456789cfghjmpqrvwx]{4}){3}|CVE-\d{4}-\d{4,}|PYSEC-\d{4}-\d+)$")


def shipped_text() -> dict[str, str]:
    return {str(p.relative_to(PROJECT_ROOT)): p.read_text(encoding="utf-8", errors="replace") for p in SHIPPED}


def known_ids() -> list[str]:
    lines = KNOWN.read_text(encoding="utf-8").splitlines()
    return [line.split()[0] for line in lines if line.strip() and not line.lstrip().startswith("#")]


def test_aiohttp_uses_its_c_http_parser():
    import aiohttp.http_parser as parser

    assert parser.HttpRequestParser.__module__ == "aiohttp._http_parser", parser.HttpRequestParser
    assert parser.HttpResponseParser.__module__ == "aiohttp._http_parser", parser.HttpResponseParser


def test_protobuf_does_not_use_the_pure_python_backend():
    from google.protobuf.internal import api_implementation

    assert api_implementation.Type() in {"upb", "cpp"}, api_implementation.Type()


def test_nothing_shipped_disables_the_c_extensions_or_enables_optimisation():
    for name, text in shipped_text().items():
        assert "AIOHTTP_NO_EXTENSIONS" not in text, name
        assert "PYTHONOPTIMIZE" not in text, name
        assert not re.search(r"PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION\W+python", text), name
        assert not re.search(r"\bpython3?(\.\d+)? +-O", text), name


def test_rasa_telemetry_and_so_sentry_stay_off():
    texts = shipped_text()
    assert re.search(r"RASA_TELEMETRY_ENABLED=false", texts["deploy/Dockerfile"])
    assert re.search(r"RASA_TELEMETRY_ENABLED \?= false", texts["Makefile"])
    assert '"RASA_TELEMETRY_ENABLED": "false"' in texts["bot/runner.py"]
    for name, text in texts.items():
        assert not re.search(r"RASA_TELEMETRY_ENABLED\W+(true|1)\b", text, re.IGNORECASE), name


def test_every_known_vulnerability_is_well_formed_and_documented():
    ids = known_ids()
    assert ids, "no known vulnerabilities listed"
    assert len(ids) == len(set(ids)), "an id is listed twice"
    doc = SECURITY_DOC.read_text(encoding="utf-8")
    section = doc.split("## Dependency audit", 1)[1].split("\n## ", 1)[0]
    for vuln in ids:
        assert ID.match(vuln), vuln
        assert vuln in section, f"{vuln} is ignored by CI but not documented in docs/security.md"
