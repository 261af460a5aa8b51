"""A new intent with its answer written into a project's files: examples in
`data/nlu/<intent>.yml`, the intent and its response `utter_<intent>` in domain.yml, and a rule in
data/rules.yml (intent -> utter_<intent>). Trainers' new intents live in the database
(bot.training.additions); this writes them into a training copy or, on export, a checkout.

domain.yml and data/rules.yml are read with ruamel.yaml to find where each section ends, and the
new lines are inserted there as text, so every other byte of those files (comments, order,
quoting, blank lines) stays as it was. Everything is checked before any file is written.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from bot.training.examples import (
    ExampleError,
    Outcome,
    block_end,
    check_intent_name,
    check_new,
    inserted,
    intents_with_examples,
    new_intent_file,
    round_trip_yaml,
)
from bot.training.project import Project

MAX_RESPONSE_LENGTH = 1000
RESERVED = {"nlu_fallback", "restart", "session_start", "back", "out_of_scope"}


@dataclass(frozen=True)
class NewIntent:
    intent: str
    response: str
    nlu_file: Path
    examples: list[Outcome]


def check_response(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ExampleError("A new intent needs the answer the bot should give.", "response")
    if len(text) > MAX_RESPONSE_LENGTH:
        raise ExampleError(
            f"The answer is {len(text)} characters long; at most {MAX_RESPONSE_LENGTH} are allowed.", "response"
        )
    return text


def _render(value) -> str:
    """`value` as YAML in the project's style (2-space mappings, lists indented by 2), at column 0."""
    out = io.StringIO()
    round_trip_yaml().dump(value, out)
    return textwrap.dedent(out.getvalue())


def response_yaml(intent: str, response: str) -> str:
    """The domain's `utter_<intent>` response entry, at column 0."""
    return _render(CommentedMap({f"utter_{intent}": [CommentedMap(text=DoubleQuotedScalarString(response))]}))


def rule_yaml(intent: str) -> str:
    """The rule intent -> utter_<intent> as a list entry, at column 0."""
    steps = [CommentedMap(intent=intent), CommentedMap(action=f"utter_{intent}")]
    return _render([CommentedMap(rule=f"{intent} (added by a trainer)", steps=steps)])


def _append_to_section(text: str, key: str, item_yaml: str, name: str) -> str:
    """`text` (of the file `name`) with `item_yaml` (rendered at column 0) added at the end of the
    top-level section `key`, indented like the section's existing entries; a missing or empty
    section is started at the end of the file (domain.yml has no responses of its own)."""
    lines = text.splitlines(keepends=True)
    document = round_trip_yaml().load(text) or {}
    if document.get(key) is None:  # no such section, or an empty one: the item starts it at the end
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        empty_line = document.lc.key(key)[0] if key in document else None  # type: ignore[union-attr]  # ruamel
        kept = [line for number, line in enumerate(lines) if number != empty_line]
        return "".join([*kept, f"{key}:\n", *("  " + line for line in item_yaml.splitlines(keepends=True))])
    end = block_end(lines, *document.lc.key(key))  # type: ignore[union-attr]  # ruamel: a CommentedMap
    if end is None:
        raise ExampleError(f"The {key} section of {name} is empty or not indented; add the first entry by hand.")
    at, indent = end
    return inserted(lines, at, [indent + line for line in item_yaml.splitlines(keepends=True)])


def check_free(intent: str, project: Project, taken: Iterable[str] = ()) -> None:
    """ExampleError unless `intent` is a valid name that neither the project's files nor `taken`
    (the intents in the database) use, for an intent or its response utter_<intent>."""
    check_intent_name(intent)
    domain = round_trip_yaml().load(project.domain.read_text(encoding="utf-8")) or {}
    utterance = f"utter_{intent}"
    if (
        intent in RESERVED
        or intent in (domain.get("intents") or [])
        or intent in intents_with_examples(project.nlu_dir)
        or intent in set(taken)
    ):
        raise ExampleError(f"The intent {intent!r} exists already; add the examples to it instead.", "name")
    if utterance in (domain.get("responses") or {}) or utterance in (domain.get("actions") or []):
        raise ExampleError(f"The domain already has a response or action {utterance!r}.", "name")
    nlu_file = project.nlu_dir / f"{intent}.yml"
    if nlu_file.exists():
        raise ExampleError(f"{nlu_file.name} exists already.", "name")


def write_intent(intent: str, response: str, texts: list[str], project: Project | None = None) -> NewIntent:
    """Write `intent` answered by `response` into the project's files, with the examples among
    `texts` that are new.

    Refused (ExampleError, nothing written) when the name is invalid or taken, the answer is empty
    or too long, or no example can be added."""
    project = project or Project()
    check_free(intent, project)
    response = check_response(response)
    nlu_file = project.nlu_dir / f"{intent}.yml"
    outcomes = check_new(project.nlu_dir, intent, texts)
    added = [o.text for o in outcomes if o.status == "added"]
    if not added:
        reasons = "; ".join(f"{o.text!r}: {o.reason}" for o in outcomes) or "no examples given"
        raise ExampleError(f"A new intent needs at least one new example ({reasons}).")

    domain_text = project.domain.read_text(encoding="utf-8")
    domain_text = _append_to_section(domain_text, "intents", _render([intent]), project.domain.name)
    domain_text = _append_to_section(domain_text, "responses", response_yaml(intent, response), project.domain.name)
    rules_text = _append_to_section(
        project.rules.read_text(encoding="utf-8"), "rules", rule_yaml(intent), project.rules.name
    )
    nlu_file.write_text(new_intent_file(intent, added), encoding="utf-8")
    project.domain.write_text(domain_text, encoding="utf-8")
    project.rules.write_text(rules_text, encoding="utf-8")
    return NewIntent(intent, response, nlu_file, outcomes)
