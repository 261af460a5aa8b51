"""The status page (/admin/status) for every admin role: the model in service (and whether it is
below the quality floor), the last training, the catalogue's revision, the records waiting in the
action servers' spools, and the last retention purge. Read-only; the same checks as /health."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from aiohttp import web

from bot import maintenance, retention
from bot.catalogue import store
from bot.roles import ROLES
from bot.training import registry
from bot.web import health
from bot.web.admin import pages
from bot.web.admin.auth import require
from bot.web.database import in_session

STORE_LABELS = {
    "conversations": "Samtaler",
    "inbox": "Trenerinnboksen",
    "spool": "Ventende poster (spool)",
    "event-broker": "Hendelseskøen",
    "handoff": "Saker til brukerstøtten",
}
STATUS_LABELS = {
    registry.CANDIDATE: "ikke vurdert",
    registry.PROMOTED: "tatt i bruk",
    registry.REJECTED: "avvist",
    registry.WITHDRAWN: "trukket tilbake",
}


@dataclass(frozen=True)
class ModelView:
    name: str
    trained_at: datetime | None
    status: str
    macro_f1: float | None
    below_floor: tuple[str, ...]


def _model(path: Path | None) -> ModelView | None:
    if path is None:
        return None
    record = registry.read_record(path)
    trained = record.get("trained_at")
    scores = record.get("scores") or {}
    return ModelView(
        name=path.name.removesuffix(".tar.gz"),
        trained_at=datetime.fromisoformat(trained) if trained else None,
        status=STATUS_LABELS.get(record.get("status", ""), record.get("status", "ukjent")),
        macro_f1=scores.get("macro_f1"),
        below_floor=tuple(registry.quality_problems(path)),
    )


def _stored(session) -> dict:
    revision, updated_at = store.stamp(session)
    purges = {name: maintenance.last(session, retention.purge_task(name)) for name in retention.STORES}
    return {"revision": revision, "catalogue_updated": updated_at, "purges": purges}


@require(*ROLES)
async def status_page(request: web.Request) -> web.Response:
    models_dir = request.app["settings"].models_dir
    every = registry.models(models_dir)
    checks = await health.gather(request.app)
    return pages.render(
        request,
        "status.html",
        {
            "in_service": _model(registry.in_service(models_dir)),
            "latest": _model(every[-1] if every else None),
            "checks": checks,
            "store_labels": STORE_LABELS,
            "retention_days": request.app["settings"].retention_days,
            **await in_session(request, _stored),
        },
    )


def routes() -> list[web.RouteDef]:
    return [web.get("/admin/status", status_page)]
