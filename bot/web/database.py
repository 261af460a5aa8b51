"""Database work for request handlers, run in a worker thread so the event loop keeps serving."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from aiohttp import web

from bot.db import session_scope

T = TypeVar("T")


async def in_session(request: web.Request, work: Callable[..., T], *args, **kwargs) -> T:
    """`work(session, *args, **kwargs)` in one transaction on the app's database, off the loop."""

    def run() -> T:
        with session_scope(request.app["settings"].database_url) as session:
            return work(session, *args, **kwargs)

    return await asyncio.get_running_loop().run_in_executor(None, run)
