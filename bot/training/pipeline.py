"""`bot train`: validate the data, train a candidate, evaluate it beside the model in service,
promote it when it is not worse, and switch the running Rasa (every replica) to it. Also `ensure`
(what `make run` does: the same, but only when the inputs changed), rollback and `switch`.

The inputs are the project's files merged with the trainers' additions from the database, in a
temporary copy (bot.training.inputs); the fingerprint of a model is that copy's.

Every step reports through `say` (a line of text), `stage` (checking, training, evaluating: what
the queue's worker records for the trainer page) and `progress` (Rasa's log while it works), which
the command line shows. A candidate's record keeps its examples per intent, so the page can show
which examples changed since the model in service.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.config import settings
from bot.training import evaluation, inputs, promotion, registry, serving
from bot.training.examples import read_examples
from bot.training.model import Progress, fingerprint, is_current, train, validate_data
from bot.training.project import Project

Say = Callable[[str], None]
Stage = Callable[[str], None]
CHECKING, TRAINING, EVALUATING = "checking", "training", "evaluating"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    candidate: Path
    promoted: bool
    reason: str
    table: str
    in_service: Path | None  # after the decision
    switch: serving.Switch | None  # None when nothing was promoted
    below_floor: tuple[str, ...] = ()  # why the candidate is below the quality floor (promotion.py)


def train_and_promote(
    project: Project | None = None,
    *,
    tolerance: float | None = None,
    say: Say = print,
    progress: Progress | None = None,
    rasa_urls: Sequence[str] | None = None,
    secret: str | None = None,
    database_url: str | None = None,
    stage: Stage | None = None,
) -> Outcome:
    """The whole `bot train` on the project's files and the trainers' additions in the database
    at `database_url` (default BOT_DATABASE_URL); raises TrainingError when the data is invalid or
    training fails."""
    with inputs.merged(project or Project(), database_url) as training:
        return _train_and_promote(
            training,
            tolerance=tolerance,
            say=say,
            progress=progress,
            rasa_urls=rasa_urls,
            secret=secret,
            stage=stage,
        )


def _train_and_promote(
    project: Project,
    *,
    tolerance: float | None,
    say: Say,
    progress: Progress | None,
    rasa_urls: Sequence[str] | None = None,
    secret: str | None = None,
    stage: Stage | None = None,
) -> Outcome:
    stage = stage or (lambda _name: None)
    tolerance = settings().promote_tolerance if tolerance is None else tolerance
    project.models_dir.mkdir(parents=True, exist_ok=True)

    stage(CHECKING)
    say("Checking the training data (rasa data validate)...")
    validate_data(project, progress)
    stage(TRAINING)
    say("Training a candidate model...")
    started = time.monotonic()
    candidate = train(project, progress, validated=True)
    say(f"Trained {candidate.name} in {time.monotonic() - started:.0f} s.")
    registry.update_record(candidate, examples=examples_by_intent(project))

    current = registry.in_service(project.models_dir)
    models = [candidate] + ([current] if current else [])
    stage(EVALUATING)
    say(
        "Evaluating "
        + (f"it and the model in service ({current.name})" if current else "it")
        + " on the held-out messages and the test stories..."
    )
    started = time.monotonic()
    scores = evaluation.evaluate(models, project)
    new, old = scores[0], (scores[1] if current else None)
    say(f"Evaluated in {time.monotonic() - started:.0f} s.")
    decision = promotion.decide(new, old, tolerance, settings().quality_floor)
    report = promotion.table(new, old)
    registry.update_record(
        candidate,
        scores=new.to_dict(),
        evaluated_at=registry.now(),
        tolerance=tolerance,
        compared_with={"model": current.name, "scores": old.to_dict()} if current and old else None,
        status=registry.PROMOTED if decision.promote else registry.REJECTED,
        reason=decision.reason,
        below_floor=list(decision.below_floor),
    )
    switch = None
    if decision.promote:
        registry.put_in_service(candidate, decision.reason)
        switch = serving.switch_running(candidate, rasa_urls, secret)
    warning = promotion.quality_warning(candidate.name, decision)
    if warning:
        log.warning("%s is in service below the quality floor: %s", candidate.name, "; ".join(decision.below_floor))
        say(warning)
    in_service = registry.in_service(project.models_dir)
    return Outcome(candidate, decision.promote, decision.reason, report, in_service, switch, decision.below_floor)


def examples_by_intent(project: Project) -> dict[str, list[str]]:
    """The NLU examples `project` (a merged copy) trains on, by intent, sorted."""
    found: dict[str, set[str]] = {}
    for example in read_examples(project.nlu_dir):
        found.setdefault(example.intent, set()).add(example.text)
    return {intent: sorted(texts) for intent, texts in sorted(found.items())}


def turned_down_on_current_data(project: Project) -> Path | None:
    """The newest model trained on exactly the inputs of `project` (a merged copy) that was
    rejected or rolled back."""
    stamp = fingerprint(project)
    turned_down = [
        m
        for m in registry.models(project.models_dir)
        if registry.read_record(m).get("status") in (registry.REJECTED, registry.WITHDRAWN)
        and registry.read_record(m).get("fingerprint") == stamp
    ]
    return turned_down[-1] if turned_down else None


def ensure(
    project: Project | None = None,
    *,
    say: Say = print,
    progress: Progress | None = None,
    database_url: str | None = None,
) -> Outcome | None:
    """Train, evaluate and promote only when no model is in service or the inputs (the files and
    the trainers' additions) changed since it was trained, and no model trained on these inputs was
    rejected or rolled back already (so `make run` never undoes a rollback). Returns None when
    nothing had to be done."""
    with inputs.merged(project or Project(), database_url) as training:
        return _ensure(training, say=say, progress=progress)


def _ensure(project: Project, *, say: Say, progress: Progress | None) -> Outcome | None:
    current = registry.in_service(project.models_dir)
    if current is not None and is_current(current, project):
        say(f"The model in service ({current.name}) was trained on the current data.")
        return None
    turned_down = turned_down_on_current_data(project) if current else None
    if current is not None and turned_down is not None:
        record = registry.read_record(turned_down)
        how = "rejected" if record.get("status") == registry.REJECTED else "rolled back"
        say(
            f"The model in service ({current.name}) stays: {turned_down.name}, trained on the current data, was "
            f"{how} ({record.get('reason')}). Change the data and run `bot train` to try again."
        )
        return None
    say(
        "No model is in service yet."
        if current is None
        else "The training data or config changed since the model in service was trained."
    )
    return _train_and_promote(project, tolerance=None, say=say, progress=progress)


def rollback(
    project: Project | None = None,
    name: str | None = None,
    *,
    rasa_urls: Sequence[str] | None = None,
    secret: str | None = None,
) -> tuple[Path | None, Path, serving.Switch]:
    """Put the previous promoted model (or NAME) back in service and switch the running Rasa to it."""
    project = project or Project()
    old, new = registry.rollback(project.models_dir, name)
    return old, new, serving.switch_running(new, rasa_urls, secret)


def switch(
    project: Project | None = None, *, rasa_urls: Sequence[str] | None = None, secret: str | None = None
) -> serving.Switch:
    """Switch every running Rasa replica to the model in service (after a switch failed on one)."""
    project = project or Project()
    current = registry.in_service(project.models_dir)
    if current is None:
        raise registry.RegistryError(
            "No model is in service, so there is nothing to switch to. Train one with `bot train`."
        )
    return serving.switch_running(current, rasa_urls, secret)
