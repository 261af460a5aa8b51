"""The model server every Rasa of a cluster polls for the model in service (internal surface).

Rasa's own mechanism (rasa/core/agent.py, `models:` in deploy/endpoints.production.yml): every
BOT_MODEL_PULL_SECONDS each Rasa sends GET with `If-None-Match: <the ETag of the model it loaded>`;
we answer 304 while that is still the model in service, or the archive with its ETag, and Rasa
loads it into its running agent (same tracker and lock store: conversations go on). 404 while no
model is in service (Rasa keeps what it has). The model in service is the registry's
(bot/training/registry.py) in BOT_MODELS_DIR, a volume every web replica shares (docs/deploy.md).

The ETag is a digest of the model's file name and content, so a rollback to an older model (or to
a copy under another name) is a change, and every web replica computes the same one. The archive is
streamed from disk in chunks, never held in memory whole.

Rasa sends the token BOT_MODEL_SERVER_TOKEN in the header X-Digihjelpen-Secret (`headers:` in the
endpoints file), never as Rasa's `token:` query parameter, which would put it in access logs; a
request with a token in its query string is refused.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web

from bot.service_secrets import HEADER, model_server_token, refusal
from bot.training.registry import in_service

PATH = "/models/in-service"
CHUNK = 1024 * 1024
TOKEN_IN_URL = f"Send the token in the {HEADER} header, never in the URL (access logs keep URLs)."
TOKEN = web.AppKey("model_server.token", str)
ETAGS = web.AppKey("model_server.etags", dict)


def _digest(model: Path) -> str:
    digest = hashlib.sha256(model.name.encode("utf-8") + b"\0")
    with model.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


async def etag(app: web.Application, model: Path) -> str:
    """The model's ETag value (unquoted), computed once per file version and process."""
    stat = model.stat()
    key = (str(model), stat.st_ino, stat.st_size, stat.st_mtime_ns)
    known: dict = app[ETAGS]
    if key not in known:
        value = await asyncio.to_thread(_digest, model)
        known.clear()  # only the model in service is asked for
        known[key] = value
    return known[key]


async def model_in_service(request: web.Request) -> web.StreamResponse:
    if "token" in request.query:
        return web.json_response({"error": TOKEN_IN_URL}, status=400)
    problem = refusal(request.headers.get(HEADER), request.app[TOKEN])
    if problem:
        return web.json_response({"error": problem[1]}, status=problem[0])
    model = in_service(request.app["settings"].models_dir)
    if model is None:
        return web.json_response({"error": "no model is in service"}, status=404)
    value = await etag(request.app, model)
    if any(tag.value == value for tag in request.if_none_match or ()):
        return web.Response(status=304, headers={"ETag": f'"{value}"'})
    with model.open("rb") as file:
        response = web.StreamResponse(headers={"ETag": f'"{value}"', "filename": model.name})
        response.content_type = "application/gzip"
        response.content_length = os.fstat(file.fileno()).st_size  # the file being sent, even if replaced since
        await response.prepare(request)
        while chunk := await asyncio.to_thread(file.read, CHUNK):
            await response.write(chunk)
    await response.write_eof()
    return response


async def _token(app: web.Application) -> AsyncIterator[None]:
    app[TOKEN] = model_server_token(app["settings"])  # a weak token stops the service here
    yield


def setup(app: web.Application) -> None:
    app[ETAGS] = {}
    app.cleanup_ctx.append(_token)
    app.router.add_get(PATH, model_in_service, allow_head=False)
