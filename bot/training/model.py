"""Models in `models/`: a fingerprint of the training inputs decides when to train again.

Each trained model `models/NAME.tar.gz` has a record `models/NAME.json` with the fingerprint of
the inputs it was trained on and when; `ensure_model()` trains only when no model matches the
current inputs.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from bot.config import PROJECT_ROOT, settings

log = logging.getLogger(__name__)

CONFIG_FILES = ("config.yml", "domain.yml")
TRAINING_DATA = ("data/nlu", "data/rules.yml", "data/stories.yml")
SPACY_MODEL_DIR = PROJECT_ROOT / "var" / "spacy-nb"


def training_files(root: Path = PROJECT_ROOT) -> list[Path]:
    """Every file that goes into a model, in a stable order."""
    files: list[Path] = []
    for name in (*CONFIG_FILES, *TRAINING_DATA):
        path = root / name
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in (".yml", ".yaml"))
        elif path.is_file():
            files.append(path)
    return files


def fingerprint(root: Path = PROJECT_ROOT) -> str:
    digest = hashlib.sha256()
    for path in training_files(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def latest_model(models_dir: Path | None = None) -> Path | None:
    models_dir = models_dir or settings().models_dir
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def model_record(model: Path) -> dict:
    record = model.with_name(model.name.removesuffix(".tar.gz") + ".json")
    try:
        return json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def is_current(model: Path | None) -> bool:
    return model is not None and model_record(model).get("fingerprint") == fingerprint()


def ensure_spacy_model() -> Path:
    """The blank Norwegian spaCy pipeline that Rasa's SpacyNLP loads (no model download exists)."""
    if not (SPACY_MODEL_DIR / "config.cfg").exists():
        import spacy

        spacy.blank("nb").to_disk(SPACY_MODEL_DIR)
    return SPACY_MODEL_DIR


def rasa_executable() -> str:
    return str(Path(sys.executable).with_name("rasa"))


def train(models_dir: Path | None = None) -> Path:
    """Run `rasa train` on the project's data and record the fingerprint beside the model."""
    models_dir = models_dir or settings().models_dir
    models_dir.mkdir(parents=True, exist_ok=True)
    ensure_spacy_model()
    name = "digihjelpen-" + datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    stamp = fingerprint()
    started = time.monotonic()
    command = [
        rasa_executable(), "train", "--config", "config.yml", "--domain", "domain.yml",
        "--data", *[p for p in TRAINING_DATA if (PROJECT_ROOT / p).exists()],
        "--out", str(models_dir), "--fixed-model-name", name,
    ]
    subprocess.run(command, cwd=PROJECT_ROOT, check=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "RASA_TELEMETRY_ENABLED": "false"})
    model = models_dir / f"{name}.tar.gz"
    record = {
        "model": model.name,
        "fingerprint": stamp,
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "training_seconds": round(time.monotonic() - started, 1),
    }
    model.with_name(f"{name}.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return model


def ensure_model(models_dir: Path | None = None) -> Path:
    """The newest model, trained first when there is none or the inputs changed since."""
    model = latest_model(models_dir)
    if is_current(model):
        log.info("model %s is up to date", model.name)
        ensure_spacy_model()
        return model
    print("Training a model: " + ("there is none yet." if model is None else "training data or config changed."), flush=True)
    return train(models_dir)
