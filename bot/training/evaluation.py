"""Scoring a model on data it was not trained on: the held-out NLU set and the test stories.

* NLU (bench/data/nlu_heldout.yml): accuracy and macro-F1 over the held-out intents, and F1 per
  intent. An `nlu_fallback` prediction counts as an error (the employee is asked to rephrase); it
  is not a class of its own, so it only lowers the recall of the true intent. This is how
  bench/nlu_heldout.py scores too.
* Dialogue (tests/test_stories.yml, `rasa test core --e2e`): how many stories fail when every
  message goes through the NLU and the dialogue policies.

Each model is evaluated in its own subprocess (`bot.training.evaluation_worker`); two models are
evaluated side by side. The NLU pipeline's catalogue component needs a catalogue database: the
configured one when it holds a catalogue, else a temporary SQLite database seeded from
data/catalogue/tools.yml.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bot.config import PROJECT_ROOT, settings
from bot.training.model import TrainingError, rasa_environment
from bot.training.project import Project

FALLBACK = "nlu_fallback"
TIMEOUT_SECONDS = 900


@dataclass(frozen=True)
class Scores:
    accuracy: float
    macro_f1: float
    per_intent_f1: dict[str, float]
    messages: int
    failed_stories: list[str] = field(default_factory=list)
    stories: int = 0

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Scores:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def nlu_scores(rows: list[dict]) -> tuple[float, float, dict[str, float]]:
    """(accuracy, macro-F1, F1 per intent) of rows with "gold" and "predicted" intents."""
    labels = sorted({r["gold"] for r in rows})
    per_intent = {}
    for label in labels:
        tp = sum(1 for r in rows if r["gold"] == label and r["predicted"] == label)
        fp = sum(1 for r in rows if r["gold"] != label and r["predicted"] == label)
        fn = sum(1 for r in rows if r["gold"] == label and r["predicted"] != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        per_intent[label] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = sum(1 for r in rows if r["gold"] == r["predicted"]) / len(rows) if rows else 0.0
    macro = sum(per_intent.values()) / len(per_intent) if per_intent else 0.0
    return accuracy, macro, per_intent


def scores_from(result: dict) -> Scores:
    """Scores from an evaluation worker's raw result."""
    accuracy, macro, per_intent = nlu_scores(result["nlu"])
    return Scores(
        accuracy=round(accuracy, 4),
        macro_f1=round(macro, 4),
        per_intent_f1={k: round(v, 4) for k, v in per_intent.items()},
        messages=len(result["nlu"]),
        failed_stories=list(result["stories"]["failed"]),
        stories=result["stories"]["total"],
    )


def _has_catalogue(url: str) -> bool:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.catalogue import store
    from bot.db import session_scope

    try:
        with session_scope(url) as session:
            return not store.is_empty(session)
    except SQLAlchemyError:
        return False


@contextmanager
def catalogue_database(project: Project) -> Iterator[str]:
    """The URL of a database with a catalogue: the configured one if it has one, else a temporary
    SQLite database seeded from the project's seed catalogue (removed afterwards)."""
    configured = settings().database_url
    if _has_catalogue(configured):
        yield configured
        return
    from bot import db
    from bot.catalogue import store

    with tempfile.TemporaryDirectory(prefix="bot-eval-db-") as directory:
        url = f"sqlite:///{Path(directory) / 'catalogue.db'}"
        db.upgrade(url)
        with db.session_scope(url) as session:
            store.load_and_import(
                session, project.catalogue_seed.read_text(encoding="utf-8"), str(project.catalogue_seed)
            )
        try:
            yield url
        finally:
            db.engine_for(url).dispose()


def _start(model: Path, project: Project, db_url: str, out: Path) -> subprocess.Popen:
    out.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "bot.training.evaluation_worker",
        str(model),
        str(project.heldout),
        str(project.test_stories),
        str(out),
    ]
    with (out / "worker.log").open("w") as log:  # the child keeps its own handle
        return subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=rasa_environment(BOT_DATABASE_URL=db_url),
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def evaluate(models: list[Path], project: Project | None = None) -> list[Scores]:
    """Score each model (in parallel subprocesses) on the project's held-out set and test stories."""
    project = project or Project()
    with catalogue_database(project) as db_url, tempfile.TemporaryDirectory(prefix="bot-eval-") as directory:
        outs = [Path(directory) / f"model{number}" for number in range(len(models))]
        workers = [_start(model, project, db_url, out) for model, out in zip(models, outs)]
        try:
            return [_result(model, worker, out) for model, worker, out in zip(models, workers, outs)]
        finally:
            for worker in workers:
                if worker.poll() is None:
                    worker.kill()
                    worker.wait()


def _result(model: Path, worker: subprocess.Popen, out: Path) -> Scores:
    try:
        worker.wait(TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
    result_file = out / "evaluation.json"
    if worker.returncode != 0 or not result_file.exists():
        log = (out / "worker.log").read_text(encoding="utf-8", errors="replace")
        raise TrainingError(f"Evaluating {model.name} failed (exit {worker.returncode}):\n{log[-3000:]}")
    return scores_from(json.loads(result_file.read_text(encoding="utf-8")))
