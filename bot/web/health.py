"""Health of the web service and of what the assistant depends on.

`/health/live` says only that the process answers: liveness probes use it, so a slow database can
never make a container restart. `/health` checks, at once and each within CHECK_SECONDS, the
database, every Rasa replica (its `/`) and every action server (its `/health/ready`: its own view
of the database and the records waiting in its spool). It answers 503 when the database or every
Rasa replica is unreachable (the assistant cannot answer), else 200: "ok", or "degraded" when a
replica or an action server is down or records wait in a spool. The body names each check's
state, never an address or an error text; the reasons go to the log.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import text

from bot.db import session_scope

log = logging.getLogger(__name__)

CHECK_SECONDS = 2.0
OK, DEGRADED, UNAVAILABLE = "ok", "degraded", "unavailable"
HTTP = web.AppKey("health.http", aiohttp.ClientSession)


async def live(request: web.Request) -> web.Response:
    return web.json_response({"status": OK})


def _select_one(database_url: str) -> None:
    with session_scope(database_url) as session:
        session.execute(text("SELECT 1"))


async def _database(database_url: str) -> str:
    loop = asyncio.get_running_loop()
    try:
        await asyncio.wait_for(loop.run_in_executor(None, _select_one, database_url), CHECK_SECONDS)
    except Exception as error:  # any failure of the check means "unavailable"
        log.warning("health: database unavailable: %s", type(error).__name__)
        return UNAVAILABLE
    return OK


async def _get(http: aiohttp.ClientSession, url: str) -> dict[str, Any] | None:
    """The JSON (or {} for another body) of a 2xx answer at `url`, or None."""
    try:
        async with http.get(url, timeout=aiohttp.ClientTimeout(total=CHECK_SECONDS)) as response:
            if response.status >= 300:
                log.warning("health: %s answered %s", url, response.status)
                return None
            if response.content_type == "application/json":
                body = await response.json()
                return body if isinstance(body, dict) else {}
            return {}
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        log.warning("health: %s unreachable: %s", url, type(error).__name__)
        return None


async def _action_server(http: aiohttp.ClientSession, base_url: str) -> dict[str, Any]:
    body = await _get(http, f"{base_url.rstrip('/')}/health/ready")
    if body is None:
        return {"status": UNAVAILABLE}
    waiting = body.get("spool")
    return {"status": body.get("status", OK), "spool": waiting if isinstance(waiting, int) else None}


async def gather(app: web.Application) -> dict[str, Any]:
    """Every check at once: {"status": ok/degraded/unavailable, "checks": {...}} (also shown on the
    admin status page)."""
    config, http = app["settings"], app[HTTP]
    database, rasa, actions = await asyncio.gather(
        _database(config.database_url),
        asyncio.gather(*(_get(http, f"{url.rstrip('/')}/") for url in config.rasa_urls)),
        asyncio.gather(*(_action_server(http, url) for url in config.action_urls)),
    )
    rasa_up = sum(answer is not None for answer in rasa)
    checks = {
        "database": database,
        "rasa": {"up": rasa_up, "of": len(rasa)},
        "action_servers": {"up": sum(a["status"] != UNAVAILABLE for a in actions), "of": len(actions)},
        "spool": sum(a.get("spool") or 0 for a in actions),
    }
    if database != OK or rasa_up == 0:
        status = UNAVAILABLE
    elif rasa_up < len(rasa) or any(a["status"] != OK for a in actions) or checks["spool"]:
        status = DEGRADED
    else:
        status = OK
    return {"status": status, "checks": checks}


async def readiness(request: web.Request) -> web.Response:
    result = await gather(request.app)
    return web.json_response(result, status=503 if result["status"] == UNAVAILABLE else 200)


async def _http_session(app: web.Application):
    app[HTTP] = aiohttp.ClientSession()
    yield
    await app[HTTP].close()


def setup(app: web.Application) -> None:
    app.cleanup_ctx.append(_http_session)
    app.router.add_get("/health/live", live)
    app.router.add_get("/health", readiness)
