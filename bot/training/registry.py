"""The models in `models/`: one record per model and a pointer to the model in service.

Each model `NAME.tar.gz` has a record `NAME.json`: when it was trained and on which inputs
(fingerprint), its scores, and its status:

  candidate  trained, not judged yet
  promoted   judged not worse than the model in service (or the first model), and put in service
  rejected   judged worse; never served
  withdrawn  was in service, then rolled back

A model judged below the quality floor (bot/training/promotion.py) has the reasons in `below_floor`.

`in-service.json` names the model `bot run` serves, and the model server hands every Rasa of a
cluster (bot/web/model_server.py); deployed, BOT_MODELS_DIR is a volume the web replicas and
training share (docs/deploy.md). Files are replaced atomically, so a reader never sees half a record.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

CANDIDATE, PROMOTED, REJECTED, WITHDRAWN = "candidate", "promoted", "rejected", "withdrawn"
POINTER = "in-service.json"


class RegistryError(Exception):
    """A model or record that does not exist or cannot be used; the message says which."""


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def record_path(model: Path) -> Path:
    return model.with_name(model.name.removesuffix(".tar.gz") + ".json")


def _write_json(path: Path, data: dict) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(partial, path)


def read_record(model: Path) -> dict:
    try:
        return json.loads(record_path(model).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_record(model: Path, record: dict) -> None:
    _write_json(record_path(model), record)


def update_record(model: Path, **changes) -> dict:
    record = {**read_record(model), **changes}
    write_record(model, record)
    return record


def quality_problems(model: Path) -> list[str]:
    """Why `model` is below the quality floor, as `bot train` recorded when it judged it (empty when
    it is not, or was never judged): what a status page shows beside the model in service."""
    return list(read_record(model).get("below_floor") or [])


def models(models_dir: Path) -> list[Path]:
    """Every model file, oldest first (by the training time in its record, else the file's time)."""

    def trained(model: Path) -> str:
        return read_record(model).get("trained_at") or datetime.fromtimestamp(
            model.stat().st_mtime, timezone.utc
        ).isoformat(timespec="seconds")

    return sorted(models_dir.glob("*.tar.gz"), key=lambda m: (trained(m), m.name))


def in_service(models_dir: Path) -> Path | None:
    """The model `bot run` serves, or None when none has been put in service (or its file is gone)."""
    try:
        pointer = json.loads((models_dir / POINTER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    model = models_dir / str(pointer.get("model", ""))
    return model if model.name.endswith(".tar.gz") and model.is_file() else None


def put_in_service(model: Path, reason: str) -> None:
    """Point at `model` as the one in service and mark its record promoted."""
    update_record(model, status=PROMOTED, promoted_at=now(), reason=reason)
    _write_json(model.parent / POINTER, {"model": model.name, "since": now(), "reason": reason})


def serve_alone(model: Path, models_dir: Path) -> Path:
    """Make `models_dir` a models directory whose model in service is `model` (linked, else copied,
    with its record): for a cluster started with one given model (tests, benchmarks)."""
    models_dir.mkdir(parents=True, exist_ok=True)
    served = models_dir / model.name
    if not served.exists():
        try:
            os.link(model, served)
        except OSError:  # another file system
            shutil.copy2(model, served)
    write_record(served, read_record(model))
    put_in_service(served, f"served alone from {model}")
    return served


def resolve(models_dir: Path, name: str) -> Path:
    """The model file called NAME (with or without .tar.gz)."""
    model = models_dir / (name if name.endswith(".tar.gz") else f"{name}.tar.gz")
    if "/" in name or not model.is_file():
        raise RegistryError(f"No model called {name!r} in {models_dir}. See: bot model history")
    return model


def rollback_target(models_dir: Path, name: str | None = None) -> Path:
    """The model to roll back to: NAME, or the newest promoted model older than the one in service."""
    current = in_service(models_dir)
    if name is not None:
        model = resolve(models_dir, name)
        if read_record(model).get("status") not in (PROMOTED, WITHDRAWN):
            raise RegistryError(
                f"{model.name} has never been in service (status: "
                f"{read_record(model).get('status', 'unknown')}); only such models can be rolled back to."
            )
        if model == current:
            raise RegistryError(f"{model.name} is already in service.")
        return model
    if current is None:
        raise RegistryError("No model is in service, so there is nothing to roll back from.")
    history = models(models_dir)
    earlier = [m for m in history[: history.index(current)] if read_record(m).get("status") == PROMOTED]
    if not earlier:
        raise RegistryError(
            f"{current.name} is the oldest model that has been in service; there is none to roll back to."
        )
    return earlier[-1]


def rollback(models_dir: Path, name: str | None = None) -> tuple[Path | None, Path]:
    """Put the rollback target in service and mark the model it replaces withdrawn; returns (old, new)."""
    target = rollback_target(models_dir, name)
    current = in_service(models_dir)
    if current is not None:
        update_record(current, status=WITHDRAWN, withdrawn_at=now(), reason=f"rolled back to {target.name}")
    put_in_service(target, f"rollback from {current.name}" if current else "rollback")
    return current, target
