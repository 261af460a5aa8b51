"""A model's evaluation in plain Norwegian, beside the model in service it was compared with: the one
home of what the trainer page (/admin/trainer/versjoner) and `bot train` show. It reads the records
bot.training.pipeline writes (bot.training.registry): scores, the model compared with, the decision,
and the examples per intent (which examples changed, by the themes' Norwegian names)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.training import promotion, registry

STATUS_NAMES = {
    registry.CANDIDATE: "Ikke vurdert",
    registry.PROMOTED: "Har vært i bruk",
    registry.REJECTED: "Ikke tatt i bruk",
    registry.WITHDRAWN: "Trukket tilbake",
}
IN_SERVICE = "I bruk nå"
# The stages of a training (bot.training.pipeline's), as trainers read them on the page and in `bot train`.
STAGE_NAMES = {"checking": "Sjekker dataene", "training": "Trener modellen", "evaluating": "Evaluerer"}


@dataclass(frozen=True)
class Row:
    label: str
    in_service: str
    candidate: str
    change: str


@dataclass(frozen=True)
class ThemeChange:
    theme: str
    added: tuple[str, ...]
    removed: tuple[str, ...]


def status_name(model: Path, in_service: Path | None) -> str:
    if model == in_service:
        return IN_SERVICE
    status = registry.read_record(model).get("status", "")
    return STATUS_NAMES.get(status, "Ukjent")


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %".replace(".", ",")


def _points(new: float, old: float | None) -> str:
    if old is None:
        return ""
    delta = (new - old) * 100
    return "0" if abs(delta) < 0.05 else f"{delta:+.1f} prosentpoeng".replace(".", ",")


def _passed(scores: dict) -> str:
    stories = scores.get("stories", 0)
    return f"{stories - len(scores.get('failed_stories', []))} av {stories}"


def rows(record: dict) -> list[Row]:
    """Held-out scores and test stories of the model in `record` beside the model it was compared with."""
    new = record.get("scores") or {}
    if not new:
        return []
    old = (record.get("compared_with") or {}).get("scores") or None
    failed_new = len(new.get("failed_stories", []))
    failed_old = len(old.get("failed_stories", [])) if old else None
    return [
        Row(
            "Treffsikkerhet: andel testmeldinger som havner i riktig tema",
            percent(old["accuracy"]) if old else "–",
            percent(new["accuracy"]),
            _points(new["accuracy"], old["accuracy"] if old else None),
        ),
        Row(
            "Gjennomsnittlig treffsikkerhet per tema (macro-F1)",
            percent(old["macro_f1"]) if old else "–",
            percent(new["macro_f1"]),
            _points(new["macro_f1"], old["macro_f1"] if old else None),
        ),
        Row(
            "Testsamtaler som går riktig",
            _passed(old) if old else "–",
            _passed(new),
            "" if failed_old is None else f"{failed_old - failed_new:+d}" if failed_old != failed_new else "0",
        ),
    ]


def decision(record: dict, floor: float) -> str:
    """Why the model was put in service or not, in Norwegian."""
    new = record.get("scores") or {}
    old = (record.get("compared_with") or {}).get("scores") or None
    status = record.get("status")
    if not new:
        return "Ikke vurdert ennå."
    if status == registry.WITHDRAWN:
        return "Trukket tilbake: en tidligere versjon ble tatt i bruk igjen."
    if old is None:
        return "Tatt i bruk: ingen versjon var i bruk fra før." if status == registry.PROMOTED else "Ikke tatt i bruk."
    if status == registry.PROMOTED and "trenersiden" in str(record.get("reason", "")):
        return "Tatt i bruk av en trener på trenersiden, selv om regelen ikke tok den i bruk."
    problems = []
    tolerance = float(record.get("tolerance") or 0.0)
    if new["macro_f1"] < old["macro_f1"] - tolerance:
        problems.append(
            f"treffsikkerheten per tema falt fra {percent(old['macro_f1'])} til {percent(new['macro_f1'])}, "
            f"mer enn det som regnes som tilfeldig variasjon ({percent(tolerance)})"
        )
    failed_new, failed_old = len(new.get("failed_stories", [])), len(old.get("failed_stories", []))
    if failed_new > failed_old:
        problems.append(f"{failed_new} testsamtaler går galt, mot {failed_old} med versjonen i bruk")
    if problems:
        return "Ikke tatt i bruk automatisk, fordi " + " og ".join(problems) + "."
    return "Tatt i bruk automatisk: den er minst like god som versjonen som var i bruk."


def floor_problems(record: dict, floor: float) -> list[str]:
    """Why the model is below the quality floor, in Norwegian (empty when it is not)."""
    scores = record.get("scores") or {}
    if not scores:
        return []
    problems = []
    if scores["macro_f1"] < floor:
        problems.append(
            f"Treffsikkerheten per tema er {percent(scores['macro_f1'])}, under kvalitetskravet på {percent(floor)}."
        )
    failed, stories = len(scores.get("failed_stories", [])), scores.get("stories", 0)
    if failed > promotion.MAX_FAILED_STORY_SHARE * stories:
        problems.append(f"{failed} av {stories} testsamtaler går galt (mer enn én av ti).")
    return problems


def example_changes(record: dict, compared: dict, names: dict[str, str]) -> list[ThemeChange]:
    """The examples added and removed per theme since the model `record` was compared with (both
    records must hold their examples; older models do not)."""
    new, old = record.get("examples"), compared.get("examples")
    if new is None or old is None:
        return []
    changes = []
    for intent in sorted(set(new) | set(old), key=lambda i: (names.get(i) or i).casefold()):
        before, after = set(old.get(intent, [])), set(new.get(intent, []))
        if before != after:
            changes.append(
                ThemeChange(names.get(intent, intent), tuple(sorted(after - before)), tuple(sorted(before - after)))
            )
    return changes


def lines(record: dict, floor: float, names: dict[str, str], compared: dict | None = None) -> list[str]:
    """The summary as plain lines, for `bot train`."""
    table = rows(record)
    if not table:
        return ["Ikke vurdert ennå."]
    width = max(len(row.label) for row in table)
    out = [f"{'':<{width}}  {'i bruk':>12}  {'ny versjon':>12}  endring", "-" * (width + 40)]
    out += [f"{r.label:<{width}}  {r.in_service:>12}  {r.candidate:>12}  {r.change}".rstrip() for r in table]
    out += ["", decision(record, floor)]
    out += floor_problems(record, floor)
    for change in example_changes(record, compared or {}, names):
        out.append(f"Tema «{change.theme}»: {len(change.added)} nye eksempler, {len(change.removed)} fjernet.")
    return out
