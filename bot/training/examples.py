"""Training examples in data/nlu/*.yml: reading them, checking new ones, and adding them to an
intent's `examples: |` block without touching anything else in the file.

A new example is cleaned (personal data masked, whitespace collapsed), must be 1-300 characters,
and is refused when the same text, normalised (entity markup removed, case, spacing and end
punctuation ignored), is already an example of any intent in any NLU file (or, given as `known`,
among the examples trainers added in the database). Tool names are marked up as the training data
does (`[Teams](tool)`) by `annotate_tools`, using the catalogue; whatever
else in a message looks like Rasa's markup (`[x](tool)`, `[x]{"entity": …}`) is made plain text
first, so an employee's message can neither add an annotation nor break the training data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from bot.privacy.masking import MASKS, mask

MAX_LENGTH = 300
MAX_INTENT_LENGTH = 64
INTENT_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
# Rasa's entity markup: [text](entity), [text](entity:value), [text]{"entity": ...}. No bracket
# of the same kind inside, so that each part is read once (linear, unlike [^\]]+? with .*).
_MARKUP = re.compile(r"\[([^\[\]]+)\](?:\([^()]*\)|\{[^{}]*\})")
# Our masks, which examples keep as the NLU sees them at run time, and any other square bracket.
_MASK_OR_BRACKET = re.compile("|".join(re.escape(label) for label in MASKS.values()) + r"|[\[\]]")
_EDGE_PUNCTUATION = " .,!?;:…\"'«»"


class ExampleError(ValueError):
    """An intent name or example that cannot be used; the message says why (shown to trainers).
    `field` names the form field it is about, when there is one ("examples", "name", "response");
    `outcomes` are the examples' when too few of them could be used."""

    def __init__(self, message: str, field: str | None = None, outcomes: tuple[Outcome, ...] = ()) -> None:
        super().__init__(message)
        self.field = field
        self.outcomes = outcomes


@dataclass(frozen=True)
class Example:
    intent: str
    text: str
    path: Path


@dataclass(frozen=True)
class Outcome:
    """What happened to one example: added, already there (same intent), or refused with a reason;
    `intent` is the intent that has it already ("exists", or "refused" as another intent's)."""

    text: str
    status: str  # "added" | "exists" | "refused"
    reason: str = ""
    intent: str = ""


def check_intent_name(name: str) -> str:
    if not INTENT_NAME.match(name or "") or len(name) > MAX_INTENT_LENGTH:
        raise ExampleError(
            f"{name!r} is not a valid intent name: use lower-case letters a-z, digits and _, starting with "
            f"a letter, at most {MAX_INTENT_LENGTH} characters (for example: wifi_guest).",
            "name",
        )
    return name


def normalise(text: str) -> str:
    """The form in which two examples count as the same."""
    text = _MARKUP.sub(r"\1", text)
    return " ".join(text.casefold().split()).strip(_EDGE_PUNCTUATION)


def clean(text: str) -> str:
    """The example as it will be written: masked, on one line; ExampleError when empty or too long."""
    text = " ".join(mask(text or "").split())
    if not normalise(text):
        raise ExampleError("The example is empty.")
    if len(text) > MAX_LENGTH:
        raise ExampleError(f"The example is {len(text)} characters long; at most {MAX_LENGTH} are allowed.")
    return text


def _plain(match: re.Match) -> str:
    found, follows = match.group(), match.string[match.end() : match.end() + 1]
    if found in "[]":
        return "(" if found == "[" else ")"
    return f"{found} " if follows and follows in "([{" else found


def as_text(text: str) -> str:
    """`text` with nothing in it that Rasa would read as entity markup ([x](entity),
    [x]{"entity": …}, [x][…]): square brackets become round ones, except our masks' ([telefon]),
    which are kept and get a space before a bracket right after them."""
    return _MASK_OR_BRACKET.sub(_plain, text)


def annotate_tools(session, text: str) -> str:
    """A message as a training example: masked, made plain text (`as_text`), and with the
    catalogue tools it names marked up as in the training data: [Teams](tool)."""
    from bot.catalogue import recognition

    text = as_text(mask(text))
    masks = [m.span() for m in _MASK_OR_BRACKET.finditer(text)]
    for mention in sorted(recognition.recognise(session, text), key=lambda m: m.start, reverse=True):
        inside_a_mask = any(start < mention.end and mention.start < end for start, end in masks)
        if mention.kind in ("tool", "private_tool") and not inside_a_mask:
            text = f"{text[: mention.start]}[{text[mention.start : mention.end]}]({mention.kind}){text[mention.end :]}"
    return text


def round_trip_yaml() -> YAML:
    yaml = YAML()  # round trip: keeps comments, order and quoting
    yaml.preserve_quotes = True  # type: ignore[assignment]  # ruamel declares these attributes as None
    yaml.width = 4096  # type: ignore[assignment]
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def nlu_files(nlu_dir: Path) -> list[Path]:
    return sorted(p for p in nlu_dir.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())


def _example_lines(block: str) -> list[str]:
    return [line.strip()[2:].strip() for line in block.splitlines() if line.strip().startswith("- ")]


def read_examples(nlu_dir: Path) -> list[Example]:
    """Every intent example in every NLU file."""
    found = []
    for path in nlu_files(nlu_dir):
        document = round_trip_yaml().load(path.read_text(encoding="utf-8")) or {}
        for item in document.get("nlu") or []:
            if isinstance(item, dict) and "intent" in item and isinstance(item.get("examples"), str):
                found += [Example(str(item["intent"]), text, path) for text in _example_lines(item["examples"])]
    return found


def intents_with_examples(nlu_dir: Path) -> set[str]:
    return {example.intent for example in read_examples(nlu_dir)}


def check_new(nlu_dir: Path, intent: str, texts: list[str], known: Iterable[Example] = ()) -> list[Outcome]:
    """Clean each text and say whether it can be added to `intent`, given the examples of the NLU
    files and the `known` ones (nothing is written)."""
    existing = {normalise(e.text): e for e in [*known, *read_examples(nlu_dir)]}  # the files win
    outcomes = []
    for raw in texts:
        try:
            text = clean(raw)
        except ExampleError as error:
            outcomes.append(Outcome(raw, "refused", str(error)))
            continue
        same = existing.get(normalise(text))
        if same is None:
            outcomes.append(Outcome(text, "added"))
            existing[normalise(text)] = Example(intent, text, Path())
        elif same.intent == intent:
            outcomes.append(Outcome(text, "exists", f"already an example of {intent}", intent))
        else:
            where = f" in {same.path.name}" if same.path.name else ""
            reason = f"already an example of the intent {same.intent}{where}"
            outcomes.append(Outcome(text, "refused", reason, same.intent))
    return outcomes


def block_end(lines: list[str], key_line: int, key_column: int) -> tuple[int, str] | None:
    """(index after the last line of the block under the key at (key_line, key_column), the block's
    indentation): the block is the lines indented deeper than the key (blank lines inside it and
    trailing blank or less indented comment lines are not part of it). None when it is empty."""
    last: int | None = None
    indent = ""
    for number in range(key_line + 1, len(lines)):
        line = lines[number]
        if not line.strip():
            continue
        column = len(line) - len(line.lstrip(" "))
        if column <= key_column:
            break
        indent = indent or line[:column]
        last = number
    return None if last is None else (last + 1, indent)


def inserted(lines: list[str], at: int, new: list[str]) -> str:
    """The text of `lines` with `new` inserted before index `at`."""
    lines = list(lines)
    if at and not lines[at - 1].endswith("\n"):
        lines[at - 1] += "\n"
    lines[at:at] = new
    return "".join(lines)


def _examples_end(lines: list[str], path: Path, intent: str) -> tuple[int, str]:
    document = round_trip_yaml().load("".join(lines)) or {}
    for item in document.get("nlu") or []:
        if isinstance(item, CommentedMap) and item.get("intent") == intent and "examples" in item:
            end = block_end(lines, *item.lc.key("examples"))
            if end is None:
                raise ExampleError(f"The examples of {intent} in {path.name} are empty or not a `|` block.")
            return end
    raise ExampleError(f"{path.name} has no examples block for {intent}.")


def add_examples(nlu_dir: Path, intent: str, texts: list[str]) -> list[Outcome]:
    """Add the texts that are new to the examples of an existing intent, at the end of its block;
    every other byte of the file stays as it was."""
    check_intent_name(intent)
    home = next((e.path for e in read_examples(nlu_dir) if e.intent == intent), None)
    if home is None:
        raise ExampleError(f"There is no intent {intent!r} with examples in {nlu_dir}; create it as a new intent.")
    outcomes = check_new(nlu_dir, intent, texts)
    new = [o.text for o in outcomes if o.status == "added"]
    if new:
        lines = home.read_text(encoding="utf-8").splitlines(keepends=True)
        end, indent = _examples_end(lines, home, intent)
        home.write_text(inserted(lines, end, [f"{indent}- {text}\n" for text in new]), encoding="utf-8")
    return outcomes


def new_intent_file(intent: str, texts: list[str]) -> str:
    """The text of an NLU file holding a new intent and its examples."""
    return (
        f'version: "3.1"\n# Added by a trainer (bot.training). Keep one intent per file here.\nnlu:\n'
        f"  - intent: {intent}\n    examples: |\n" + "".join(f"      - {text}\n" for text in texts)
    )
