"""Start the web service: `python -m bot.web`."""

import logging

from aiohttp import web

from bot.config import settings
from bot.web.app import create_app

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    config = settings()
    web.run_app(create_app(config), host=config.host, port=config.web_port, print=None)
