"""The trainer page's versions at /admin/trainer/versjoner (roles trainer and admin): «Lag ny versjon»
queues a training (bot.training.queue; `bot training worker` runs it), the current or last training
with its stage (the page refreshes itself while one waits or runs), the newest version's evaluation
beside the version in service in Norwegian (bot.training.summary), «Ta i bruk» for a version the rule
did not promote (with a confirmation) and «Gå tilbake til forrige versjon» (the registry's rollback,
as `bot model rollback`), and the history of versions. Promotions and rollbacks are audited
(model_changes). A running local Rasa is switched as `bot model rollback` does; a cluster's replicas
pull the version in service from the model server. Nothing is written into the project's files."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from urllib.parse import urlencode

from aiohttp import web

from bot.training import queue, registry, serving, summary
from bot.training.models import ModelChange
from bot.training.names import display_names
from bot.web.admin import pages
from bot.web.admin.auth import require
from bot.web.admin.trainer import TRAINER_ROLES, TRAINING_PROJECT
from bot.web.database import in_session

log = logging.getLogger(__name__)
URL = "/admin/trainer/versjoner"
NOTICES = {
    "lagt": "En ny versjon er lagt i kø. Siden viser hvor langt treningen har kommet.",
    "tatt": "Versjonen er tatt i bruk. Roboten svarer med den innen et par minutter.",
    "tilbake": "Den forrige versjonen er tatt i bruk igjen. Roboten svarer med den innen et par minutter.",
}
STATE_NAMES = {queue.QUEUED: "I kø", queue.RUNNING: "Trener", queue.SUCCEEDED: "Ferdig", queue.FAILED: "Feilet"}


def _models_dir(request: web.Request) -> Path:
    return Path(request.app["settings"].models_dir)


def _page(session, request: web.Request) -> dict:
    models_dir = _models_dir(request)
    floor = request.app["settings"].quality_floor
    names = display_names(session, request.app[TRAINING_PROJECT])
    current = registry.in_service(models_dir)
    models = registry.models(models_dir) if models_dir.is_dir() else []
    latest = queue.latest(session)
    shown = None
    if latest is not None and latest.candidate and (models_dir / latest.candidate).is_file():
        shown = models_dir / latest.candidate
    elif models:
        shown = models[-1]
    evaluation = None
    if shown is not None:
        record = registry.read_record(shown)
        compared_name = (record.get("compared_with") or {}).get("model")
        compared = registry.read_record(models_dir / compared_name) if compared_name else {}
        evaluation = {
            "name": shown.name.removesuffix(".tar.gz"),
            "file": shown.name,
            "compared": compared_name.removesuffix(".tar.gz") if compared_name else None,
            "rows": summary.rows(record),
            "decision": summary.decision(record, floor),
            "below_floor": summary.floor_problems(record, floor),
            "changes": summary.example_changes(record, compared, names),
            "in_service": shown == current,
            "can_promote": shown != current and bool(record.get("scores")),
        }
    try:
        rollback_to = registry.rollback_target(models_dir).name.removesuffix(".tar.gz") if current else None
    except registry.RegistryError:
        rollback_to = None
    history = [
        {
            "name": m.name.removesuffix(".tar.gz"),
            "trained": registry.read_record(m).get("trained_at", ""),
            "score": summary.percent((registry.read_record(m).get("scores") or {}).get("macro_f1")),
            "status": summary.status_name(m, current),
            "weak": bool(registry.quality_problems(m)),
        }
        for m in reversed(models)
    ]
    return {
        "training": latest,
        "active": latest is not None and latest.active is not None,
        "state_names": STATE_NAMES,
        "current": current.name.removesuffix(".tar.gz") if current else None,
        "current_weak": summary.floor_problems(registry.read_record(current), floor) if current else [],
        "evaluation": evaluation,
        "rollback_to": rollback_to,
        "history": history,
    }


async def _render(request: web.Request, *, status: int = 200, notices=(), errors=()) -> web.Response:
    context = await in_session(request, _page, request)
    return pages.render(
        request, "versions.html", {**context, "notices": list(notices), "errors": list(errors)}, status=status
    )


@require(*TRAINER_ROLES)
async def versions_page(request: web.Request) -> web.Response:
    notices = [text for key, text in NOTICES.items() if request.query.get(key) == "1"]
    return await _render(request, notices=notices)


def _done(**outcome: int) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(URL + "?" + urlencode(outcome))


@require(*TRAINER_ROLES)
async def new_version(request: web.Request) -> web.StreamResponse:
    try:
        await in_session(request, queue.request, request["user"].name)
    except queue.QueueBusy as error:
        return await _render(request, status=409, errors=[str(error)])
    raise _done(lagt=1)


def _audit(session, action: str, model: Path, replaced: Path | None, by: str) -> None:
    session.add(
        ModelChange(action=action, model=model.name, replaced=replaced.name if replaced else None, changed_by=by)
    )


async def _switch(request: web.Request, model: Path) -> None:
    """Switch a running local Rasa as `bot model rollback` does (the app's BOT_RASA_URLS, else those
    `bot run` announced); a cluster's replicas pull it anyway."""
    from bot.running import running_rasa_urls

    config = request.app["settings"]
    urls = config.rasa_replicas or running_rasa_urls() or config.rasa_urls
    switch = await asyncio.get_running_loop().run_in_executor(None, serving.switch_running, model, urls)
    if not switch.complete:
        log.info("switch after a change on the trainer page: %s", switch.message)


@require(*TRAINER_ROLES)
async def promote(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    name, confirmed = str(form.get("name", "")), form.get("bekreft") == "ja"
    models_dir = _models_dir(request)
    try:
        model = registry.resolve(models_dir, name)
    except registry.RegistryError:
        return await _render(request, status=400, errors=["Fant ikke den versjonen. Last siden på nytt."])
    if not confirmed:
        return await _render(
            request, status=400, errors=["Kryss av for at du vil ta i bruk versjonen, og trykk «Ta i bruk» igjen."]
        )
    current = registry.in_service(models_dir)
    if model == current:
        return await _render(request, status=400, errors=["Den versjonen er allerede i bruk."])
    by = request["user"].name
    registry.put_in_service(model, f"tatt i bruk på trenersiden av {by}")
    await in_session(request, _audit, "promote", model, current, by)
    await _switch(request, model)
    raise _done(tatt=1)


@require(*TRAINER_ROLES)
async def roll_back(request: web.Request) -> web.StreamResponse:
    models_dir = _models_dir(request)
    try:
        old, new = registry.rollback(models_dir)
    except registry.RegistryError:
        return await _render(request, status=400, errors=["Det finnes ingen tidligere versjon å gå tilbake til."])
    await in_session(request, _audit, "rollback", new, old, request["user"].name)
    await _switch(request, new)
    raise _done(tilbake=1)


def routes() -> list[web.RouteDef]:
    return [
        web.get(URL, versions_page),
        web.post(URL + "/lag", new_version),
        web.post(URL + "/ta-i-bruk", promote),
        web.post(URL + "/tilbake", roll_back),
    ]
