"""Helpers for the training tests: copies of the project's training files, and file comparison."""

from __future__ import annotations

import difflib
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.training.project import Project

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


@contextmanager
def read_only(project: Project) -> Iterator[None]:
    """The project's files read-only (as in the production image) for the block, and the same
    bytes after it: tests run as root, whom file modes do not stop, so the bytes are compared too."""
    files = sorted(p for p in project.root.rglob("*") if p.is_file())
    before = {path: path.read_bytes() for path in files}
    for path in [*files, *(p for p in project.root.rglob("*") if p.is_dir()), project.root]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        yield
    finally:
        for path in [project.root, *project.root.rglob("*")]:
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
    assert sorted(p for p in project.root.rglob("*") if p.is_file()) == files, "files were added or removed"
    assert {path: path.read_bytes() for path in files} == before, "the project's files changed"
