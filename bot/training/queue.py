"""The training queue: «Lag ny versjon» on the trainer page queues a training, `bot training worker`
runs it (bot.training.worker). One training waits or runs at a time: a second request while one is
queued or running is refused (the unique `active` column of training_requests, so two web replicas
cannot both queue one). A running training whose worker stopped beating for STALE_MINUTES is marked
failed, so a killed worker never blocks the queue."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db import utc_now
from bot.training import summary
from bot.training.models import TrainingRequest

QUEUED, RUNNING, SUCCEEDED, FAILED = "queued", "running", "succeeded", "failed"
STALE_MINUTES = 20  # a running training's worker beats each stage and each minute of Rasa's log

# Stages, as the trainer page shows them.
WAITING = "Venter på at treningen starter"
CHECKING = summary.STAGE_NAMES["checking"]
TRAINING = summary.STAGE_NAMES["training"]
EVALUATING = summary.STAGE_NAMES["evaluating"]
DONE = "Ferdig"
STOPPED = "Stoppet"

BUSY = "En ny versjon er allerede i kø eller under trening. Vent til den er ferdig, og prøv igjen."
STALE = "Treningen stoppet uten å bli ferdig (treningsprosessen ble avbrutt). Modellen i bruk er ikke endret."


class QueueBusy(Exception):
    """A training is already queued or running; the message says so in Norwegian."""


def request(session: Session, by: str) -> TrainingRequest:
    """Queue a training asked for by `by`; raises QueueBusy when one is queued or running."""
    fail_stale(session)
    row = TrainingRequest(requested_by=by, state=QUEUED, active=1, stage=WAITING, requested_at=utc_now())
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise QueueBusy(BUSY) from None
    return row


def active(session: Session) -> TrainingRequest | None:
    return session.scalars(select(TrainingRequest).where(TrainingRequest.active.is_not(None))).first()


def latest(session: Session) -> TrainingRequest | None:
    """The training queued or running, else the last one asked for."""
    return (
        active(session) or session.scalars(select(TrainingRequest).order_by(TrainingRequest.id.desc()).limit(1)).first()
    )


def claim(session: Session) -> TrainingRequest | None:
    """Mark the queued training running and return it; None when none is queued (or another worker
    claimed it first)."""
    fail_stale(session)
    row = session.scalars(select(TrainingRequest).where(TrainingRequest.state == QUEUED)).first()
    if row is None:
        return None
    now = utc_now()
    claimed = session.execute(
        update(TrainingRequest)
        .execution_options(synchronize_session=False)
        .where(TrainingRequest.id == row.id, TrainingRequest.state == QUEUED)
        .values(state=RUNNING, stage=CHECKING, started_at=now, heartbeat_at=now)
    ).rowcount
    if not claimed:
        return None
    session.refresh(row)
    return row


def set_stage(session: Session, request_id: int, stage: str | None = None) -> None:
    """Record the running training's stage (None: only that its worker is alive)."""
    values: dict = {"heartbeat_at": utc_now()}
    if stage is not None:
        values["stage"] = stage
    session.execute(
        update(TrainingRequest)
        .execution_options(synchronize_session=False)
        .where(TrainingRequest.id == request_id, TrainingRequest.state == RUNNING)
        .values(values)
    )


def finish(
    session: Session,
    request_id: int,
    *,
    succeeded: bool,
    outcome: str,
    candidate: str | None = None,
    promoted: bool | None = None,
) -> None:
    session.execute(
        update(TrainingRequest)
        .execution_options(synchronize_session=False)
        .where(TrainingRequest.id == request_id)
        .values(
            state=SUCCEEDED if succeeded else FAILED,
            active=None,
            stage=DONE if succeeded else STOPPED,
            finished_at=utc_now(),
            outcome=outcome,
            candidate=candidate,
            promoted=None if promoted is None else int(promoted),
        )
    )


def fail_stale(session: Session, minutes: float = STALE_MINUTES) -> int:
    """Mark running trainings whose worker has not beaten for `minutes` failed; how many."""
    limit = utc_now() - timedelta(minutes=minutes)
    return session.execute(
        update(TrainingRequest)
        .execution_options(synchronize_session=False)
        .where(TrainingRequest.state == RUNNING, TrainingRequest.heartbeat_at < limit)
        .values(state=FAILED, active=None, stage=STOPPED, finished_at=utc_now(), outcome=STALE)
    ).rowcount


def history(session: Session, limit: int = 20) -> list[TrainingRequest]:
    return list(session.scalars(select(TrainingRequest).order_by(TrainingRequest.id.desc()).limit(limit)))
