"""The training inputs: the project's files plus what trainers added in the database
(bot.training.additions), merged into a temporary copy that training reads (never into the
project's tree, which is read-only in the production image).

`apply` writes the additions into a project's files as a trainer's assignment once did: examples at
the end of their intent's block, a new intent in its own NLU file with its response, rule and
Norwegian name. Rows the files hold already are skipped, so once a developer has committed what
`bot trainer export --into` wrote, the rows change nothing (and the merged copy, and so the model
fingerprint, is the files alone). When the files hold the same example under another intent, the
files win: the row is skipped. The order is the rows' (oldest first), so the same rows and files
always give the same bytes and the same fingerprint.
"""

from __future__ import annotations

import shutil
import tempfile
import textwrap
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bot import db
from bot.training import additions, examples, intents
from bot.training.examples import ExampleError
from bot.training.names import file_names
from bot.training.project import CONFIG_FILES, INTENT_NAMES, TRAINING_DATA, Project


@dataclass
class Applied:
    """What `apply` wrote: the new intents, the examples added, and the rows skipped because the
    files hold them already (or under another intent)."""

    intents: list[str] = field(default_factory=list)
    examples: int = 0
    skipped: int = 0


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _add_name(project: Project, intent: str, display_name: str) -> None:
    """Append `intent: "display name"` to the project's intent names file, if it has one."""
    path = project.intent_names
    if path.is_file() and intent not in file_names(project):
        text = path.read_text(encoding="utf-8")
        separator = "" if not text or text.endswith("\n") else "\n"
        path.write_text(f"{text}{separator}{intent}: {_quoted(display_name)}\n", encoding="utf-8")


def apply(project: Project, rows: additions.Additions) -> Applied:
    """Write the trainers' intents and examples into the project's files (see the module's doc)."""
    applied = Applied()
    by_intent: dict[str, list[str]] = defaultdict(list)
    for row in rows.examples:
        by_intent[row.intent].append(row.text)
    for new in rows.intents:
        texts = by_intent.pop(new.name, [])
        try:
            written = intents.write_intent(new.name, new.response, texts, project)
        except ExampleError:  # the files have the intent already, or none of its examples is new
            by_intent[new.name] = texts
            continue
        applied.intents.append(new.name)
        applied.examples += sum(1 for o in written.examples if o.status == "added")
        applied.skipped += sum(1 for o in written.examples if o.status != "added")
        _add_name(project, new.name, new.display_name)
    for intent, texts in by_intent.items():
        try:
            outcomes = examples.add_examples(project.nlu_dir, intent, texts)
        except ExampleError:  # no intent of that name with examples in the files: nothing to add to
            applied.skipped += len(texts)
            continue
        applied.examples += sum(1 for o in outcomes if o.status == "added")
        applied.skipped += sum(1 for o in outcomes if o.status != "added")
    return applied


def _copy(project: Project, target: Path) -> Project:
    for name in (*CONFIG_FILES, *TRAINING_DATA, INTENT_NAMES):
        source, destination = project.root / name, target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, destination)
        elif source.is_file():
            shutil.copy2(source, destination)
    return Project(target, project.models_dir, project.evaluation_root)


@contextmanager
def merged(project: Project, database_url: str | None = None) -> Iterator[Project]:
    """A temporary copy of the project's training files with the trainers' additions (from
    `database_url`, default BOT_DATABASE_URL) applied; it shares the project's models and evaluation
    data. Removed when the block ends."""
    with db.session_scope(database_url) as session:
        rows = additions.read(session)
    with tempfile.TemporaryDirectory(prefix="digihjelpen-training-") as directory:
        copy = _copy(project, Path(directory))
        apply(copy, rows)
        yield copy


def export_yaml(rows: additions.Additions, note: str = "") -> str:
    """The trainers' additions as one Rasa training-data YAML file: `nlu` (the examples, one block
    per intent), and for new intents the `rules` and the domain.yml pieces (`intents`, `responses`)
    they need, with their Norwegian names in comments. `bot trainer export --into` writes each piece
    where it belongs instead."""
    by_intent: dict[str, list[str]] = defaultdict(list)
    for row in rows.examples:
        if row.text not in by_intent[row.intent]:
            by_intent[row.intent].append(row.text)
    lines = ['version: "3.1"', f"# What trainers added in the database{note}.", "nlu:" if by_intent else "nlu: []"]
    for intent, texts in by_intent.items():
        lines += [f"  - intent: {intent}", "    examples: |", *(f"      - {text}" for text in texts)]
    if rows.intents:
        lines += ["rules:"]
        lines += [_indented(intents.rule_yaml(row.name)) for row in rows.intents]
        lines += ["# For domain.yml (and data/intent_names.yml: the Norwegian names):", "intents:"]
        lines += [f"  - {row.name}  # {row.display_name}" for row in rows.intents]
        lines += ["responses:", *(_indented(intents.response_yaml(row.name, row.response)) for row in rows.intents)]
    return "\n".join(lines) + "\n"


def _indented(entry: str) -> str:
    return textwrap.indent(entry, "  ").rstrip("\n")
