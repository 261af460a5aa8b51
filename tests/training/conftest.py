"""Copies of the project's training files in temporary directories: the training functions run on
these, never on the project's own data/, domain.yml or models/."""

from __future__ import annotations

import pytest
from copies import copy_project

from bot.training.project import Project


@pytest.fixture
def project(tmp_path) -> Project:
    return copy_project(tmp_path / "project")
