"""Start the web service: `python -m bot.web` serves the public surface (chat, Teams webhook) on
BOT_WEB_PORT and the internal one (admin pages, API) on BOT_ADMIN_PORT, from one process, until
SIGINT or SIGTERM."""

import asyncio
import logging
import signal
import sys

from aiohttp import web

from bot.config import Settings, settings
from bot.web.app import Surface, create_app

log = logging.getLogger("bot.web")


async def serve(config: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    runners: list[web.AppRunner] = []
    try:
        for surface, port in ((Surface.PUBLIC, config.web_port), (Surface.INTERNAL, config.admin_port)):
            runner = web.AppRunner(create_app(config, surface))
            runners.append(runner)
            await runner.setup()
            try:
                await web.TCPSite(runner, config.host, port).start()
            except OSError as error:
                raise SystemExit(f"Cannot serve the {surface.value} surface on {config.host}:{port}: {error}") from None
            log.info("Serving the %s surface on http://%s:%d/", surface.value, config.host, port)
        await stop.wait()
    finally:
        for runner in reversed(runners):
            await runner.cleanup()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    config = settings()
    if config.web_port == config.admin_port:
        sys.exit(f"BOT_WEB_PORT and BOT_ADMIN_PORT must differ (both are {config.web_port})")
    asyncio.run(serve(config))
