"""The admin pages under /admin: sign-in (password, or the identity provider: oidc.py), IT's view
of the gap log (overview, list, one gap, groups, CSV), the catalogue editor, service messages, the trainer inbox and the status page. Each page checks the
user's role. The trainer inbox writes the training files of app[trainer.TRAINING_PROJECT], the
project itself unless a caller (a test) sets a copy before the app starts."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from bot.training.project import Project
from bot.web.admin import auth, catalogue, oidc, pages, service_messages, status, trainer, versions, views
from bot.web.admin.security import Sessions, login_limiter, session_key

STATIC_DIR = Path(__file__).resolve().parent / "static"


async def _to_dashboard(request: web.Request) -> web.StreamResponse:
    raise web.HTTPMovedPermanently("/admin/")


def setup(app: web.Application) -> None:
    app[auth.SESSIONS] = Sessions(session_key(app["settings"].session_secret))
    app[auth.LIMITER] = login_limiter(app)
    pages.setup(app)
    app.router.add_get("/admin", _to_dashboard)
    app.router.add_get("/admin/login", auth.login_form)
    app.router.add_post("/admin/login", auth.login)
    app.router.add_post("/admin/logout", auth.logout)
    oidc.setup(app)
    app.router.add_routes(views.routes())
    app[trainer.TRAINING_PROJECT] = Project()
    app.router.add_routes(trainer.routes())
    app.router.add_routes(versions.routes())
    app.router.add_routes(status.routes())
    app.router.add_routes(service_messages.routes())
    app.router.add_routes(catalogue.routes())
    app.router.add_static("/admin/static/", STATIC_DIR)
