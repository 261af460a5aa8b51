"""`bot training worker`: runs the trainings queued on the trainer page (bot.training.queue) with
bot.training.pipeline, one at a time, recording each stage for the page. The candidate and its
evaluation go into the registry (BOT_MODELS_DIR, shared with the web service's model server) and the
promotion rule decides. A promoted model reaches a cluster's Rasa replicas through the model server
(they pull it); a local `bot run`'s Rasa is switched as `bot train` does. A failed training leaves
the model in service as it was and records why."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from bot.config import settings
from bot.db import session_scope
from bot.training import pipeline, queue, registry, summary
from bot.training.model import TrainingError
from bot.training.project import Project

log = logging.getLogger(__name__)
POLL_SECONDS = 10.0
HEARTBEAT_SECONDS = 30.0


def run_once(
    project: Project | None = None, database_url: str | None = None, *, say: Callable[[str], None] = print
) -> bool:
    """Run the queued training, if any; False when none was queued."""
    url = database_url or settings().database_url
    with session_scope(url) as session:
        row = queue.claim(session)
        request_id = row.id if row is not None else None
    if request_id is None:
        return False
    say(f"Training request {request_id}: started.")
    current = queue.CHECKING

    def stage(name: str) -> None:
        nonlocal current
        current = summary.STAGE_NAMES.get(name, name)
        with session_scope(url) as session:
            queue.set_stage(session, request_id, current)

    stop = threading.Event()

    def beat() -> None:  # so the queue sees the worker alive however long a stage is quiet
        while not stop.wait(HEARTBEAT_SECONDS):
            try:
                with session_scope(url) as session:
                    queue.set_stage(session, request_id)
            except Exception:  # noqa: BLE001  # the next beat may reach the database again
                log.warning("training request %s: no heartbeat", request_id, exc_info=True)

    beating = threading.Thread(target=beat, name=f"training-{request_id}-heartbeat", daemon=True)
    beating.start()
    try:
        outcome = pipeline.train_and_promote(project, say=say, database_url=url, stage=stage)
    except Exception as error:  # noqa: BLE001  # any failure is recorded; the model in service stays
        if not isinstance(error, TrainingError):
            log.exception("training request %s failed", request_id)
        reason = (
            f"Treningen stoppet under «{current}». Modellen i bruk er ikke endret. "
            f"Årsak (fra treningsverktøyet): {error}"
        )
        with session_scope(url) as session:
            queue.finish(session, request_id, succeeded=False, outcome=reason)
        say(f"Training request {request_id}: failed: {error}")
        return True
    except BaseException:  # stopped (SIGTERM, Ctrl+C): say so now rather than when it goes stale
        with session_scope(url) as session:
            queue.finish(session, request_id, succeeded=False, outcome=queue.STALE)
        raise
    finally:
        stop.set()
        beating.join()
    text = summary.decision(registry.read_record(outcome.candidate), settings().quality_floor)
    if outcome.switch is not None and not outcome.switch.complete:
        log.info("switch after training request %s: %s", request_id, outcome.switch.message)
    with session_scope(url) as session:
        queue.finish(
            session,
            request_id,
            succeeded=True,
            outcome=text,
            candidate=outcome.candidate.name,
            promoted=outcome.promoted,
        )
    say(f"Training request {request_id}: {outcome.candidate.name} {'promoted' if outcome.promoted else 'rejected'}.")
    return True


def run_forever(
    project: Project | None = None, database_url: str | None = None, *, poll_seconds: float = POLL_SECONDS
) -> None:
    """Poll the queue and run each queued training, until interrupted."""
    while True:
        try:
            ran = run_once(project, database_url)
        except Exception:  # noqa: BLE001  # the database may be down for a while; keep polling
            log.exception("the training worker could not reach the queue")
            ran = False
        if not ran:
            time.sleep(poll_seconds)
