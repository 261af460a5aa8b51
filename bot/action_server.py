"""The action server: `python -m bot.action_server --port 5055`.

rasa-sdk's app with our actions (actions/), answering only Rasa: Rasa 3.6 and rasa-sdk have no
authentication, so every request except the `/health` probe must carry BOT_ACTION_SECRET in
`X-Digihjelpen-Secret` (Rasa sends it from endpoints.yml's action_endpoint headers), else 401/403.
No CORS headers: no browser has any business here. It binds to SANIC_HOST (default 0.0.0.0, for
containers) as rasa-sdk does; `bot run` sets 127.0.0.1.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading

# spaCy (through thinc) imports TensorFlow whenever it is installed; the actions never need it.
sys.modules.setdefault("tensorflow", None)  # type: ignore[arg-type]  # None makes the import fail fast

from rasa_sdk import endpoint, utils  # noqa: E402
from sanic import Sanic  # noqa: E402

from bot.config import handoff_settings, settings  # noqa: E402
from bot.service_secrets import action_secret, sanic_guard  # noqa: E402

ACTIONS_PACKAGE = "actions"
# Cases waiting for the service desk are sent this often (docs/handoff.md): every deployment runs
# action servers, with the database, the handoff settings and the way to the desk they already need
# to send a case at once; replicas never send a case twice (the outbox claims each case).
HANDOFF_DELIVERY_MINUTES = 5.0
OPEN_PATHS = ("/health", "/health/ready")


def readiness() -> dict:
    """What `/health/ready` reports: whether this server reaches the database (it answers from its
    last catalogue copy and spools records when not: "degraded") and how many records wait in its
    spool. The web service's `/health` gathers these (bot/web/health.py)."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    from bot import spool
    from bot.db import session_scope

    try:
        with session_scope() as session:
            session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError:
        database = "unavailable"
    return {"status": "ok" if database == "ok" else "degraded", "database": database, "spool": spool.pending()}


def create_app(secret: str) -> Sanic:
    """rasa-sdk's app with our actions, refusing requests without `secret` (except OPEN_PATHS)."""
    from sanic.response import json

    app = endpoint.create_app(ACTIONS_PACKAGE, cors_origins=None)
    app.register_middleware(sanic_guard(secret, OPEN_PATHS), "request")

    @app.get("/health/ready")
    async def ready(request):
        return json(await app.loop.run_in_executor(None, readiness))

    return app


def warm_up() -> None:
    """Build the catalogue's search indexes (embedding every passage: seconds for a catalogue of a
    few hundred tools) before the first employee asks; best effort, in a background thread."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.catalogue import search
    from bot.db import session_scope

    try:
        with session_scope() as session:
            search.lexical_index(session)
            search.semantic_index(session)
    except SQLAlchemyError:
        logging.getLogger(__name__).warning("catalogue not readable yet; the search builds its indexes on first use")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Digihjelpen's action server (rasa-sdk behind a shared secret)")
    parser.add_argument("--port", type=int, default=settings().action_port)
    args = parser.parse_args(argv)
    utils.configure_colored_logging(logging.INFO)
    utils.update_sanic_log_level()
    app = create_app(action_secret())
    threading.Thread(target=warm_up, name="search-warm-up", daemon=True).start()
    if handoff_settings().adapter != "off":
        from bot.handoff import outbox

        threading.Thread(
            target=outbox.deliver_every,
            args=(HANDOFF_DELIVERY_MINUTES, threading.Event()),
            name="handoff-delivery",
            daemon=True,
        ).start()
    app.run(os.environ.get("SANIC_HOST", "0.0.0.0"), args.port, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()
