"""The Norwegian names of intents (themes), as trainers see them: data/intent_names.yml for the
intents of the files, the database for the intents trainers added. Also the intent name a new
theme gets from its Norwegian name («Gjestenett for besøkende» -> gjestenett_for_besokende)."""

from __future__ import annotations

import re
from collections.abc import Iterable

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.training.examples import MAX_INTENT_LENGTH
from bot.training.models import TrainingIntent
from bot.training.project import Project

_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "é": "e", "è": "e", "ê": "e", "ó": "o", "ü": "u"})
_NOT_A_NAME_CHARACTER = re.compile(r"[^a-z0-9]+")


def file_names(project: Project) -> dict[str, str]:
    """intent -> Norwegian name, from the project's data/intent_names.yml (empty when it has none)."""
    if not project.intent_names.is_file():
        return {}
    names = yaml.safe_load(project.intent_names.read_text(encoding="utf-8")) or {}
    return {str(intent): str(name) for intent, name in names.items()}


def display_names(session: Session, project: Project) -> dict[str, str]:
    """intent -> Norwegian name, for the files' intents and the trainers' (the files win)."""
    added = {row.name: row.display_name for row in session.scalars(select(TrainingIntent))}
    return added | file_names(project)


def intent_name_for(display_name: str, taken: Iterable[str]) -> str:
    """A free intent name made from a Norwegian name: lower-case a-z, digits and _, starting with a
    letter (`tema_` in front otherwise), with _2, _3 ... when it is taken."""
    base = _NOT_A_NAME_CHARACTER.sub("_", display_name.casefold().translate(_LETTERS)).strip("_") or "tema"
    if not base[0].isalpha():
        base = f"tema_{base}"
    base = base[: MAX_INTENT_LENGTH - 4].rstrip("_")
    taken, name, number = set(taken), base, 1
    while name in taken:
        number += 1
        name = f"{base}_{number}"
    return name
