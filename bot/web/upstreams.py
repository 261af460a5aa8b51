"""The Rasa replicas behind the chat and Teams relays, and which replica a conversation goes to.

Rasa's Redis lock store hands out tickets non-atomically across replicas, so two replicas can
handle messages of one conversation at the same time. The relay therefore sends every message of
a conversation to the same replica: the one with the highest rendezvous (highest random weight)
score for the conversation id. When a replica goes away only its own conversations move, each to
its next-highest replica, and the others stay where they are.

A replica that refuses the connection never saw the message, so the next one in the
conversation's order gets it; the conversation continues there because the tracker store is
shared. A replica that accepted the connection and then failed (timeout, reset, HTTP error) may
have handled the message, so that is not retried: the caller reports the failure.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import aiohttp

log = logging.getLogger(__name__)


def score(upstream: str, key: str) -> int:
    """The rendezvous weight of `upstream` for `key`: stable across processes and restarts."""
    digest = hashlib.blake2b(f"{upstream}\x00{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


class Upstreams:
    def __init__(self, urls: Sequence[str]):
        self.urls = tuple(dict.fromkeys(url.strip().rstrip("/") for url in urls if url.strip()))
        if not self.urls:
            raise ValueError("at least one upstream URL is needed")

    def order(self, key: str) -> list[str]:
        """The replicas in the order `key` tries them: its own first, then its failover order."""
        return sorted(self.urls, key=lambda url: (score(url, key), url), reverse=True)

    @asynccontextmanager
    async def post(
        self, session: aiohttp.ClientSession, path: str, key: str, **request: Any
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """POST to `path` on `key`'s replica, failing over past replicas that refuse the connection,
        and yield the response (released afterwards). `request` goes to aiohttp as it is (json or
        data, headers, timeout). Raises aiohttp.ClientError or asyncio.TimeoutError when no replica
        answers."""
        refused: aiohttp.ClientConnectorError | None = None
        for url in self.order(key):
            try:
                response = await session.post(f"{url}{path}", **request)
            except aiohttp.ClientConnectorError as error:  # never connected: the request was not delivered
                log.warning("Rasa at %s refused the connection; trying the next replica", url)
                refused = error
                continue
            async with response:
                yield response
            return
        assert refused is not None
        raise refused

    async def post_json(
        self,
        session: aiohttp.ClientSession,
        path: str,
        key: str,
        payload: Any,
        timeout: aiohttp.ClientTimeout,
    ) -> Any:
        """POST `payload` to `path` on `key`'s replica and return the parsed JSON answer. Raises
        aiohttp.ClientError, asyncio.TimeoutError or ValueError (not JSON) when no replica answers
        properly."""
        async with self.post(session, path, key, json=payload, timeout=timeout) as response:
            response.raise_for_status()
            return await response.json()
