"""Deterministic hostile requests for the chat relay and Rasa's REST channel.

`cases(count, wrap)` yields `count` requests, the same every run: hostile texts (empty, blank,
100 KB, control characters, lone surrogates, HTML and script, SQL fragments, emoji, right-to-left
and zero-width text) wrapped into a JSON body by `wrap(message)`, and malformed bodies (invalid
UTF-8, truncated or deeply nested JSON, huge JSON, wrong content types, missing fields, numbers,
objects, lists and null where a string belongs). The soak (bench/hostile_soak.py) uses the same
generator with a larger count, one request at a time.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

JSON = "application/json"
SEED = 8  # issue 8

SQL = [
    "'; DROP TABLE tools; --",
    '" OR 1=1 --',
    "1; DELETE FROM gaps WHERE 1=1",
    "' UNION SELECT password FROM users --",
    "%' AND 1=0 UNION ALL SELECT NULL,NULL --",
    "admin'/*",
    "'); TRUNCATE events; --",
]
MARKUP = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg/onload=alert(1)>',
    "javascript:alert(1)",
    "<iframe src=//evil.example>",
    "{{7*7}}",
    "${7*7}",
    "{% raw %}{{ config }}",
    "<!--",
    "]]>",
    "&lt;b&gt;&#0;",
]
EMOJI = ["👍", "🤖💬", "👩🏽‍💻", "🏳️‍🌈", "🇳🇴", "😀" * 200, "\U0001f9d1\u200d\U0001f91d\u200d\U0001f9d1"]
RIGHT_TO_LEFT = ["مرحبا كيف حالك", "שלום עולם", "\u202eslett alt\u202c", "abc\u200fdef", "\u061c\u200e\u200f"]
INVISIBLE = ["\u200b" * 50, "\ufeff", "\u2028\u2029", "\u00a0\u3000", "\ufffd", "\ud800", "a\udfffb"]
NORWEGIAN = ["hvordan bytter jeg vakt?", "kan jeg bruke WhatsApp?", "æøå ÆØÅ", "Teams", "passord"]


@dataclass(frozen=True)
class Case:
    label: str
    body: bytes
    content_type: str = JSON


def _control(rng: random.Random) -> str:
    return "".join(chr(rng.choice([*range(0, 32), 127, *range(0x80, 0xA0)])) for _ in range(rng.randint(1, 40)))


def _text(rng: random.Random) -> tuple[str, str]:
    """One hostile message text and its kind."""
    kind = rng.choice(
        ["empty", "blank", "huge", "control", "sql", "markup", "emoji", "rtl", "invisible", "mixed", "long"]
    )
    if kind == "empty":
        return kind, ""
    if kind == "blank":
        return kind, "".join(rng.choice(" \t\r\n\u00a0\u2003") for _ in range(rng.randint(1, 500)))
    if kind == "huge":
        return kind, rng.choice("aæ<'😀") * (100 * 1024 // 4)
    if kind == "long":
        return kind, rng.choice(NORWEGIAN) + " " + "x" * rng.choice([999, 1000, 1001, 4999, 5001, 20000])
    if kind == "control":
        return kind, _control(rng)
    pools = {"sql": SQL, "markup": MARKUP, "emoji": EMOJI, "rtl": RIGHT_TO_LEFT, "invisible": INVISIBLE}
    if kind in pools:
        return kind, rng.choice(pools[kind])
    parts = [rng.choice(pool) for pool in (NORWEGIAN, SQL, MARKUP, EMOJI, RIGHT_TO_LEFT, INVISIBLE)]
    rng.shuffle(parts)
    return kind, " ".join(parts) + _control(rng)


def _encode(value: Any) -> bytes:
    # ensure_ascii keeps lone surrogates sendable (as \ud800 escapes), as a browser's JSON.stringify does
    return json.dumps(value).encode("ascii")


def _nested(depth: int, opening: str, closing: str) -> bytes:
    return (opening * depth + closing * depth).encode()


def _malformed(rng: random.Random, wrap: Callable[[Any], dict]) -> tuple[str, bytes, str]:
    """A body that is not the JSON object with a string message the service expects."""
    kind = rng.choice(
        [
            "invalid-utf8",
            "truncated",
            "not-json",
            "empty-body",
            "deep-array",
            "deep-object",
            "huge-json",
            "wrong-type",
            "missing-field",
            "top-level",
            "wrong-content-type",
            "duplicate-keys",
        ]
    )
    if kind == "invalid-utf8":
        junk = bytes(
            rng.choice([0x80, 0xC0, 0xC3, 0xE2, 0xED, 0xF0, 0xF8, 0xFE, 0xFF]) for _ in range(rng.randint(1, 20))
        )
        return kind, b'{"sender": "x", "message": "' + junk + b'"}', JSON
    if kind == "truncated":
        body = _encode(wrap(rng.choice(NORWEGIAN)))
        return kind, body[: rng.randint(0, len(body) - 1)], JSON
    if kind == "not-json":
        return kind, rng.choice([b"hei", b"<xml/>", b"message=hei", b"NaN", b"{'message': 'hei'}", b"\x00" * 64]), JSON
    if kind == "empty-body":
        return kind, b"", rng.choice([JSON, "text/plain", ""])
    if kind == "deep-array":
        return kind, _nested(rng.choice([100, 1000, 20000]), "[", "]"), JSON
    if kind == "deep-object":
        depth = rng.choice([100, 1000, 5000])
        return kind, ('{"message":' * depth + '"x"' + "}" * depth).encode(), JSON
    if kind == "huge-json":
        size = rng.choice([60_000, 200_000, 1_000_000])
        filler = {f"k{i}": "v" * 90 for i in range(size // 100)}
        return kind, _encode({**wrap(rng.choice(NORWEGIAN)), "filler": filler}), JSON
    if kind == "wrong-type":
        value = rng.choice([0, -1, 3.14, 1e308, True, None, [], ["hei"], {}, {"text": "hei"}, [[[]]]])
        return kind, _encode(wrap(value)), JSON
    if kind == "missing-field":
        body = wrap("hei")
        body.pop(rng.choice(sorted(body)))
        return kind, _encode(body), JSON
    if kind == "top-level":
        return kind, _encode(rng.choice([[], ["hei"], "hei", 42, None, True, [wrap("hei")]])), JSON
    if kind == "wrong-content-type":
        content_type = rng.choice(
            [
                "text/plain",
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x",
                "application/xml",
                "application/json; charset=latin-1",
                "application/octet-stream",
            ]
        )
        body = rng.choice(
            [_encode(wrap("hei")), b"message=hei&sender=x", b"--x\r\n\r\nhei\r\n--x--", "æøå".encode("latin-1")]
        )
        return kind, body, content_type
    body = _encode(wrap("hei"))  # duplicate keys: the last one wins in Python's json, may differ elsewhere
    return kind, body[:-1] + b', "message": {"$gt": ""}}', JSON


def cases(count: int, wrap: Callable[[Any], dict], seed: int = SEED) -> Iterator[Case]:
    """`count` hostile requests, half hostile texts in a well-formed body, half malformed bodies."""
    rng = random.Random(seed)
    for number in range(count):
        if number % 2 == 0:
            kind, text = _text(rng)
            yield Case(f"{number}-text-{kind}", _encode(wrap(text)))
        else:
            kind, body, content_type = _malformed(rng, wrap)
            yield Case(f"{number}-body-{kind}", body, content_type)
