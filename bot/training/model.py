"""Training a candidate model: the fingerprint of its inputs, `rasa data validate` and `rasa train`.

Rasa runs in a subprocess from the project root (our config's SpacyNLP loads `var/spacy-nb` from
there, and the custom components are imported from there) with absolute paths to the inputs of
the `Project`, which may be a copy of the project's files. What happens to a candidate after
training (evaluation, promotion) is in `bot.training.pipeline`.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.training import registry
from bot.training.project import Project

SPACY_MODEL_DIR = PROJECT_ROOT / "var" / "spacy-nb"
LOG_TAIL_LINES = 30
# Our code inside a trained model: the NLU components (config.yml names them) and the language
# tools they use. A model trained with other code is not current, so a release retrains it.
NLU_CODE = (PROJECT_ROOT / "bot" / "nlu", PROJECT_ROOT / "bot" / "language")

# Called with (seconds since start, Rasa's latest log message) while Rasa works.
Progress = Callable[[float, str], None]


class TrainingError(Exception):
    """Rasa refused the data or failed to train; the message says why."""


def fingerprint(project: Project | None = None) -> str:
    """A hash of every training input file of `project` and of our NLU code (NLU_CODE), names and
    contents. Training hashes its merged copy (bot.training.inputs), so the trainers' additions in
    the database count too."""
    project = project or Project()
    digest = hashlib.sha256()
    code = sorted(path for directory in NLU_CODE for path in directory.rglob("*") if path.suffix in (".py", ".yml"))
    named = [(str(path.relative_to(project.root)), path) for path in project.training_files()]
    named += [(str(path.relative_to(PROJECT_ROOT)), path) for path in code]
    for name, path in named:
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def is_current(model: Path | None, project: Project | None = None) -> bool:
    """Whether `model` was trained on exactly the project's current inputs."""
    return model is not None and registry.read_record(model).get("fingerprint") == fingerprint(project)


def ensure_spacy_model() -> Path:
    """The blank Norwegian spaCy pipeline that Rasa's SpacyNLP loads (no model download exists)."""
    if not (SPACY_MODEL_DIR / "config.cfg").exists():
        import spacy

        SPACY_MODEL_DIR.parent.mkdir(parents=True, exist_ok=True)  # spaCy creates only the last level
        spacy.blank("nb").to_disk(SPACY_MODEL_DIR)
    return SPACY_MODEL_DIR


def rasa_executable() -> str:
    return str(Path(sys.executable).with_name("rasa"))


def rasa_environment(**extra: str) -> dict[str, str]:
    """The environment for Rasa subprocesses: quiet TensorFlow, no telemetry to Rasa's servers."""
    return {
        **os.environ,
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "RASA_TELEMETRY_ENABLED": "false",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def _log_message(line: str) -> str | None:
    """The message of one of Rasa's INFO/ERROR log lines ("... INFO  rasa.x  - message"), else None."""
    for level in (" INFO ", " ERROR ", " CRITICAL "):
        if level in line and " - " in line:
            return line.split(" - ", 1)[1].strip()
    return None


def run_rasa(args: list[str], log_file: Path, progress: Progress | None = None, env: dict | None = None) -> None:
    """Run `rasa ARGS`, writing its output to `log_file` and reporting its log messages to
    `progress`; raises TrainingError with the end of the output when Rasa fails."""
    started = time.monotonic()
    tail: deque[str] = deque(maxlen=LOG_TAIL_LINES)
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with (
        log_file.open("w", encoding="utf-8") as log,
        subprocess.Popen(
            [rasa_executable(), *args],
            cwd=PROJECT_ROOT,
            env=env or rasa_environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        ) as process,
    ):
        for line in process.stdout or ():
            log.write(line)
            tail.append(line.rstrip())
            message = _log_message(line)
            if progress and message:
                progress(time.monotonic() - started, message)
    if process.returncode != 0:
        shown = "\n".join(line for line in tail if line.strip() and "Warning" not in line and not line.startswith("  "))
        raise TrainingError(f"`rasa {args[0]}` failed (exit {process.returncode}); see {log_file}:\n{shown}")


def validate_data(
    project: Project | None = None, progress: Progress | None = None, log_file: Path | None = None
) -> None:
    """`rasa data validate` on the project's domain and data; TrainingError says what is wrong."""
    project = project or Project()
    args = ["data", "validate", "--domain", str(project.domain), "--data", *map(str, project.training_data)]
    run_rasa(args, log_file or project.models_dir / "validate.log", progress)


def new_model_name(models_dir: Path) -> str:
    name = "digihjelpen-" + datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    number = 1
    while (models_dir / f"{name}.tar.gz").exists() or (models_dir / f"{name}.json").exists():
        number += 1
        name = name.split("_")[0] + f"_{number}"
    return name


def train(project: Project | None = None, progress: Progress | None = None, *, validated: bool = False) -> Path:
    """Train a candidate into the project's models dir with `rasa train` (which validates the data
    first unless `validated`); its record (fingerprint, time, training seconds, status
    "candidate") is written beside it."""
    project = project or Project()
    project.models_dir.mkdir(parents=True, exist_ok=True)
    ensure_spacy_model()
    name = new_model_name(project.models_dir)
    stamp = fingerprint(project)
    started = time.monotonic()
    args = [
        "train",
        "--config",
        str(project.config),
        "--domain",
        str(project.domain),
        "--data",
        *map(str, project.training_data),
        "--out",
        str(project.models_dir),
        "--fixed-model-name",
        name,
        *(["--skip-validation"] if validated else []),
    ]
    run_rasa(args, project.models_dir / f"{name}.log", progress)
    model = project.models_dir / f"{name}.tar.gz"
    registry.write_record(
        model,
        {
            "model": model.name,
            "fingerprint": stamp,
            "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "training_seconds": round(time.monotonic() - started, 1),
            "status": registry.CANDIDATE,
        },
    )
    return model
