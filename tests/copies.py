"""Helpers for the training tests: copies of the project's training files, and file comparison."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.training.project import Project

SEED = PROJECT_ROOT / "data" / "catalogue" / "tools.yml"
COPIED = ("config.yml", "domain.yml", "data", "bench/data/nlu_heldout.yml", "tests/test_stories.yml")


def copy_project(target: Path) -> Project:
    """A copy of everything training and evaluation read, with its own models dir."""
    for name in COPIED:
        source, destination = PROJECT_ROOT / name, target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, destination)
        else:
            shutil.copy2(source, destination)
    return Project(target, target / "models")


def inserted_lines(before: str, after: str) -> list[str]:
    """The lines `after` adds to `before`; fails when anything else differs."""
    matcher = difflib.SequenceMatcher(
        a=before.splitlines(keepends=True), b=after.splitlines(keepends=True), autojunk=False
    )
    added = []
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        assert tag in ("equal", "insert"), f"{tag}: {matcher.a[a1:a2]} -> {matcher.b[b1:b2]}"
        if tag == "insert":
            added += matcher.b[b1:b2]
    return added
