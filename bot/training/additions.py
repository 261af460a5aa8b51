"""What trainers add to the training data, in the database (bot.training.models): examples of an
intent, and new intents with a Norwegian name, an answer and at least MIN_NEW_INTENT_EXAMPLES
examples. They are checked as the files' examples are (cleaned, masked, 1-300 characters, refused
when the same text is already an example in the files or the database) and never touch the
project's files; training merges them in (bot.training.inputs).

Every function takes the caller's database session and commits nothing itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.training.examples import Example, ExampleError, Outcome, check_new, read_examples, round_trip_yaml
from bot.training.intents import RESERVED, check_free, check_response
from bot.training.models import TrainingExample, TrainingIntent
from bot.training.names import display_names, intent_name_for
from bot.training.project import Project

MIN_NEW_INTENT_EXAMPLES = 3
MAX_DISPLAY_NAME = 100


@dataclass(frozen=True)
class Additions:
    """The trainers' intents and examples, oldest first."""

    intents: list[TrainingIntent]
    examples: list[TrainingExample]


def read(session: Session, since: date | None = None) -> Additions:
    """Everything trainers added; with `since`, only what was added on or after that day."""
    intents, examples = select(TrainingIntent), select(TrainingExample)
    if since is not None:
        start = datetime.combine(since, time.min, tzinfo=timezone.utc)
        intents, examples = (
            intents.where(TrainingIntent.added_at >= start),
            examples.where(TrainingExample.added_at >= start),
        )
    return Additions(
        list(session.scalars(intents.order_by(TrainingIntent.id))),
        list(session.scalars(examples.order_by(TrainingExample.id))),
    )


def _known(session: Session) -> list[Example]:
    return [Example(row.intent, row.text, Path()) for row in session.scalars(select(TrainingExample))]


def assignable_intents(session: Session, project: Project) -> list[str]:
    """The intents examples can be added to: the domain's that have examples in the files (in the
    domain's order), then the trainers' (oldest first)."""
    domain = round_trip_yaml().load(project.domain.read_text(encoding="utf-8")) or {}
    in_files = {example.intent for example in read_examples(project.nlu_dir)}
    names = [str(name) for name in domain.get("intents") or [] if str(name) in in_files]
    added = session.scalars(select(TrainingIntent.name).order_by(TrainingIntent.id))
    return names + [name for name in added if name not in names]


def _store(session: Session, intent: str, outcomes: list[Outcome], by: str, sources: Sequence[int | None]) -> None:
    for number, outcome in enumerate(outcomes):
        if outcome.status == "added":
            source = sources[number] if number < len(sources) else None
            session.add(TrainingExample(intent=intent, text=outcome.text, added_by=by, inbox_item_id=source))


def add_examples(
    session: Session,
    project: Project,
    intent: str,
    texts: list[str],
    *,
    by: str,
    sources: Sequence[int | None] = (),
) -> list[Outcome]:
    """Add the texts that are new as examples of `intent` (of the files or the database), added
    `by` a user name (or "cli"); `sources[i]` is the inbox message texts[i] came from."""
    if intent not in assignable_intents(session, project):
        raise ExampleError(
            f"There is no intent {intent!r} with examples in {project.nlu_dir}; create it as a new intent."
        )
    outcomes = check_new(project.nlu_dir, intent, texts, _known(session))
    _store(session, intent, outcomes, by, sources)
    session.flush()
    return outcomes


def check_display_name(session: Session, project: Project, display_name: str) -> str:
    """The Norwegian name of a new intent, stripped; ExampleError when empty, too long or taken."""
    display_name = " ".join((display_name or "").split())
    if not display_name:
        raise ExampleError("A new intent needs a Norwegian name.", "name")
    if len(display_name) > MAX_DISPLAY_NAME:
        raise ExampleError(
            f"The name is {len(display_name)} characters long; at most {MAX_DISPLAY_NAME} are allowed.", "name"
        )
    taken = {name.casefold(): intent for intent, name in display_names(session, project).items()}
    if display_name.casefold() in taken:
        raise ExampleError(f"An intent is called {display_name!r} already ({taken[display_name.casefold()]}).", "name")
    return display_name


def taken_intents(session: Session) -> list[str]:
    return list(session.scalars(select(TrainingIntent.name)))


def free_intent_name(session: Session, project: Project, display_name: str) -> str:
    """The intent name a new intent called `display_name` gets: made from it, and free."""
    domain = round_trip_yaml().load(project.domain.read_text(encoding="utf-8")) or {}
    taken = {
        *RESERVED,
        *map(str, domain.get("intents") or []),
        *(
            str(name).removeprefix("utter_")
            for name in [*(domain.get("responses") or {}), *(domain.get("actions") or [])]
            if str(name).startswith("utter_")
        ),
        *(example.intent for example in read_examples(project.nlu_dir)),
        *(path.stem for path in project.nlu_dir.glob("*.y*ml")),
        *taken_intents(session),
    }
    return intent_name_for(display_name, taken)


def create_intent(
    session: Session,
    project: Project,
    intent: str,
    display_name: str,
    response: str,
    texts: list[str],
    *,
    by: str,
    sources: Sequence[int | None] = (),
) -> list[Outcome]:
    """A new intent `intent` called `display_name`, answered by `response`, with the texts that are
    new as its examples. Refused (ExampleError, nothing stored) when the name or Norwegian name is
    invalid or taken, the answer is empty or too long, or fewer than MIN_NEW_INTENT_EXAMPLES
    examples are new."""
    check_free(intent, project, taken_intents(session))
    display_name = check_display_name(session, project, display_name)
    response = check_response(response)
    outcomes = check_new(project.nlu_dir, intent, texts, _known(session))
    usable = sum(1 for outcome in outcomes if outcome.status == "added")
    if usable < MIN_NEW_INTENT_EXAMPLES:
        reasons = "; ".join(f"{o.text!r}: {o.reason}" for o in outcomes if o.status != "added")
        raise ExampleError(
            f"A new intent needs at least {MIN_NEW_INTENT_EXAMPLES} new examples; {usable} can be used"
            + (f" ({reasons})." if reasons else "."),
            "examples",
            tuple(outcomes),
        )
    session.add(TrainingIntent(name=intent, display_name=display_name, response=response, added_by=by))
    _store(session, intent, outcomes, by, sources)
    session.flush()
    return outcomes


def remove_examples(session: Session, example_ids: list[int]) -> int:
    """Delete trainers' examples by id (a bad example, or one behind a model that was rolled back);
    ExampleError, nothing deleted, when an id is not there."""
    rows = list(session.scalars(select(TrainingExample).where(TrainingExample.id.in_(example_ids))))
    missing = sorted(set(example_ids) - {row.id for row in rows})
    if missing:
        raise ExampleError(f"No example added by a trainer has the id {', '.join(map(str, missing))}.")
    for row in rows:
        session.delete(row)
    return len(rows)


def remove_intent(session: Session, name: str) -> int:
    """Delete an intent a trainer made, with all its examples; returns how many examples. An
    intent of the files cannot be removed here (ExampleError)."""
    intent = session.scalars(select(TrainingIntent).where(TrainingIntent.name == name)).one_or_none()
    if intent is None:
        raise ExampleError(f"No intent added by a trainer is called {name!r}; intents of the files are changed in git.")
    examples = list(session.scalars(select(TrainingExample).where(TrainingExample.intent == name)))
    for row in [*examples, intent]:
        session.delete(row)
    return len(examples)
