"""The catalogue file format (version 1.2; version 1 files, without owners and review dates, and
1.1 files, without nynorsk fields, stay valid): parsing YAML or CSV and validating every entry.

Version 1.2 adds optional nynorsk fields beside the texts an answer shows: `summary_nn`,
`tasks_nn`, `access_nn`, `training_nn`, `support_nn`, `guidance_nn`, `steps_nn`. Answer code reads
a text through `in_standard`, never the fields themselves.

The format is a contract that IT support edits by hand, so validation reports every problem at
once, each with its place (section, entry id, field and line), and never stops at the first.
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

FORMAT_VERSION = 1.2  # what export writes
VERSIONS = (1, 1.1, 1.2)  # what import reads: 1.1 added owner and reviewed, 1.2 the nynorsk fields
NYNORSK_SUFFIX = "_nn"
# The fields with an optional nynorsk twin (`summary_nn`, …), by section
NYNORSK_FIELDS = {
    "tools": ("summary", "tasks", "access", "training", "support"),
    "private_tools": ("guidance",),
    "processes": ("steps",),
}
CLASSIFICATIONS = ("åpen", "intern", "fortrolig", "strengt fortrolig")
DEFAULT_AUDIENCE = ("alle",)  # EVERYONE
ID_PATTERN = re.compile(r"^[a-z0-9_-]{1,64}$")
MAX_NAME = 200
EVERYONE = "alle"
MAX_CATEGORY_BUTTONS = 12  # «Hvilke verktøy finnes?» offers one button per category
_INFINITIVE_ENDINGS = tuple("aeiouyæøå")  # Norwegian infinitives end in a vowel: holde, gå, sy


@functools.lru_cache(maxsize=1)
def sector_words() -> dict[str, list[str]]:
    """sector_words.yml: each sector and the words an employee may use for it (onboarding)."""
    return yaml.safe_load(Path(__file__).with_name("sector_words.yml").read_text(encoding="utf-8"))


def known_sectors() -> tuple[str, ...]:
    """The sectors an `audience` may name: everyone, and the sectors of sector_words.yml (the
    sectors onboarding recognises in what an employee says)."""
    return (EVERYONE, *sorted(sector_words(), key=str.casefold))


@dataclass(frozen=True)
class ToolEntry:
    id: str
    name: str
    category: str
    summary: str
    tasks: tuple[str, ...]
    access: str
    aliases: tuple[str, ...] = ()
    training: str | None = None
    support: str | None = None
    url: str | None = None
    data_classification: str | None = None
    audience: tuple[str, ...] = DEFAULT_AUDIENCE
    owner: str | None = None  # a person or team, with contact
    reviewed: date | None = None
    summary_nn: str | None = None  # nynorsk twins (format 1.2); read them through in_standard
    tasks_nn: tuple[str, ...] = ()
    access_nn: str | None = None
    training_nn: str | None = None
    support_nn: str | None = None


@dataclass(frozen=True)
class PrivateToolEntry:
    id: str
    name: str
    category: str
    alternatives: tuple[str, ...]
    guidance: str
    aliases: tuple[str, ...] = ()
    owner: str | None = None  # a person or team, with contact
    reviewed: date | None = None
    guidance_nn: str | None = None


@dataclass(frozen=True)
class ProcessEntry:
    id: str
    name: str
    steps: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    tools: tuple[str, ...] = ()
    audience: tuple[str, ...] = DEFAULT_AUDIENCE
    owner: str | None = None  # a person or team, with contact
    reviewed: date | None = None
    steps_nn: tuple[str, ...] = ()


def in_standard(entry: Any, field: str, standard: str) -> Any:
    """An entry's `field` (summary, tasks, access, training, support, guidance, steps) in the
    written standard `standard` (nb or nn): its nynorsk twin when nynorsk is asked and the entry
    has one, otherwise the municipality's own text as written. The one way answer code reads them."""
    if standard == "nn":
        twin = getattr(entry, field + NYNORSK_SUFFIX, None)
        if twin:
            return twin
    return getattr(entry, field)


def item_in_standard(entry: Any, field: str, item: str, standard: str) -> str:
    """One item of a list field (`tasks`, `steps`) as written, in `standard`: the nynorsk item at
    the same place when nynorsk is asked and the nynorsk list has as many items, else `item`
    (search finds an entry by its own tasks, and an answer names the one that fit)."""
    own, twin = getattr(entry, field), in_standard(entry, field, standard)
    if twin is not own and len(twin) == len(own) and item in own:
        return twin[own.index(item)]
    return item


@dataclass(frozen=True)
class CatalogueFile:
    tools: tuple[ToolEntry, ...] = ()
    private_tools: tuple[PrivateToolEntry, ...] = ()
    processes: tuple[ProcessEntry, ...] = ()


@dataclass(frozen=True)
class Problem:
    message: str
    line: int | None = None
    section: str | None = None
    entry: str | None = None
    field: str | None = None
    norwegian: str | None = None  # the message for an employee editing one entry on the web

    def __str__(self) -> str:
        place = " › ".join(p for p in (self.section, self.entry, self.field) if p)
        prefix = f"line {self.line}: " if self.line else ""
        return f"{prefix}{place + ': ' if place else ''}{self.message}"


class CatalogueError(Exception):
    """The file has problems; nothing was changed."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the catalogue file")


# --- reading YAML with line numbers ---------------------------------------------------------


class _Mapping(dict):
    """A dict that remembers the line of itself and of each key."""

    line: int | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_lines: dict[Any, int] = {}
        self.duplicate_keys: list[tuple[Any, int]] = []


class _Sequence(list):
    line: int | None = None
    item_lines: list[int]


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Mapping:
    loader.flatten_mapping(node)
    mapping = _Mapping()
    mapping.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            key = str(key)
        if key in mapping:
            mapping.duplicate_keys.append((key, line))
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = line
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> _Sequence:
    sequence = _Sequence(loader.construct_object(child, deep=True) for child in node.value)
    sequence.line = node.start_mark.line + 1
    sequence.item_lines = [child.start_mark.line + 1 for child in node.value]
    return sequence


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _read_yaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise CatalogueError(
            [Problem(f"invalid YAML: {error.problem or error}", line=mark.line + 1 if mark else None)]
        ) from None
    except yaml.YAMLError as error:
        raise CatalogueError([Problem(f"invalid YAML: {error}")]) from None


# --- reading CSV (the export's spreadsheet form) --------------------------------------------

CSV_COLUMNS = (
    "kind",
    "id",
    "name",
    "aliases",
    "category",
    "summary",
    "tasks",
    "access",
    "training",
    "support",
    "url",
    "data_classification",
    "audience",
    "alternatives",
    "guidance",
    "tools",
    "steps",
    "owner",
    "reviewed",
    "summary_nn",
    "tasks_nn",
    "access_nn",
    "training_nn",
    "support_nn",
    "guidance_nn",
    "steps_nn",
)
CSV_SECTIONS = {"tool": "tools", "private_tool": "private_tools", "process": "processes"}


CSV_SEPARATOR = ";"  # what Excel with Norwegian settings writes and expects (export writes it)


def _read_csv(text: str) -> _Mapping:
    """Reads what Norwegian Excel saves (a BOM, ';' between fields) and plain comma CSV."""
    text = text.removeprefix("\ufeff")
    header = text.partition("\n")[0]
    separator = CSV_SEPARATOR if header.count(CSV_SEPARATOR) > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=separator)
    missing = [c for c in ("kind", "id") if c not in (reader.fieldnames or [])]
    if missing:
        raise CatalogueError([Problem(f"CSV header lacks column(s): {', '.join(missing)}", line=1)])
    document = _Mapping(version=FORMAT_VERSION)
    for name in CSV_SECTIONS.values():
        document[name] = _Sequence()
        document[name].item_lines = []
    problems: list[Problem] = []
    for row in reader:
        line = reader.line_num
        kind = (row.get("kind") or "").strip()
        section = CSV_SECTIONS.get(kind)
        if section is None:
            problems.append(Problem(f"unknown kind {kind!r} (use {', '.join(CSV_SECTIONS)})", line=line))
            continue
        entry = _Mapping()
        entry.line = line
        spec = SECTIONS[section]
        for name, value in row.items():
            if name in (None, "kind") or value is None:
                continue
            if spec.get(name) in (_LIST, _REQUIRED_LIST):
                entry[name] = [item.strip() for item in value.splitlines() if item.strip()]
            elif value != "":
                entry[name] = value
            entry.key_lines[name] = line
        document[section].append(entry)
        document[section].item_lines.append(line)
    if problems:
        raise CatalogueError(problems)
    return document


# --- validation ------------------------------------------------------------------------------

_TEXT, _LIST, _REQUIRED_LIST, _DATE = "text", "list", "required list", "date"
_OWNERSHIP = {"owner": _TEXT, "reviewed": _DATE}

SECTIONS: dict[str, dict[str, str]] = {
    "tools": {
        "id": _TEXT,
        "name": _TEXT,
        "aliases": _LIST,
        "category": _TEXT,
        "summary": _TEXT,
        "tasks": _REQUIRED_LIST,
        "access": _TEXT,
        "training": _TEXT,
        "support": _TEXT,
        "url": _TEXT,
        "data_classification": _TEXT,
        "audience": _LIST,
        **_OWNERSHIP,
        "summary_nn": _TEXT,
        "tasks_nn": _LIST,
        "access_nn": _TEXT,
        "training_nn": _TEXT,
        "support_nn": _TEXT,
    },
    "private_tools": {
        "id": _TEXT,
        "name": _TEXT,
        "aliases": _LIST,
        "category": _TEXT,
        "alternatives": _LIST,
        "guidance": _TEXT,
        **_OWNERSHIP,
        "guidance_nn": _TEXT,
    },
    "processes": {
        "id": _TEXT,
        "name": _TEXT,
        "aliases": _LIST,
        "tools": _LIST,
        "steps": _REQUIRED_LIST,
        "audience": _LIST,
        **_OWNERSHIP,
        "steps_nn": _LIST,
    },
}
REQUIRED = {
    "tools": ("id", "name", "category", "summary", "tasks", "access"),
    "private_tools": ("id", "name", "category", "alternatives", "guidance"),
    "processes": ("id", "name", "steps"),
}
ENTRY_TYPES = {"tools": ToolEntry, "private_tools": PrivateToolEntry, "processes": ProcessEntry}


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, message: str, **place) -> None:
        self.problems.append(Problem(message, **place))


def _suggest(name: Any, allowed: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(name), list(allowed), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


def _check_text(value: Any, report, *, required: bool) -> str | None:
    if value is None:
        if required:
            report("is required", "Må fylles ut.")
        return None
    if not isinstance(value, str):
        report(f"must be text, not {_type_name(value)} (put it in quotes)", "Må være tekst.")
        return None
    value = value.strip()
    if not value and required:
        report("must not be empty", "Må fylles ut.")
        return None
    return value or None


def _check_date(value: Any, report) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()) if value.strip() else None
        except ValueError:
            pass
    report("must be a date like 2026-03-01", "Skriv datoen som ÅÅÅÅ-MM-DD, for eksempel 2026-03-01.")
    return None


def _check_list(value: Any, report, *, required: bool, non_empty: bool) -> tuple[str, ...]:
    if value is None:
        if required:
            report(
                "is required and must list at least one item" if non_empty else "is required (use [] for none)",
                "Skriv minst én, én per linje." if non_empty else "Må fylles ut.",
            )
        return ()
    if not isinstance(value, list):
        report(f"must be a list like [a, b], not {_type_name(value)}", "Må være en liste, én per linje.")
        return ()
    items = []
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            report(f"item {index + 1} must be non-empty text", f"Linje {index + 1} må være tekst.")
            continue
        items.append(item.strip())
    if non_empty and not value:
        report("must list at least one item", "Skriv minst én, én per linje.")
    return tuple(items)


def _validate_entry(section: str, raw: Any, line: int | None, out: _Collector) -> dict | None:
    if not isinstance(raw, dict):
        out.add(f"each entry must be a mapping of fields, not {_type_name(raw)}", line=line, section=section)
        return None
    entry_id = raw.get("id")
    line = getattr(raw, "line", None) or line  # a plain dict (not read from a file) has no line
    label = f"id {entry_id}" if isinstance(entry_id, str) and entry_id else f"entry at line {line}"
    key_lines = getattr(raw, "key_lines", {})
    spec = SECTIONS[section]

    def reporter(name: str):
        return lambda message, norwegian=None: out.add(
            message, line=key_lines.get(name, line), section=section, entry=label, field=name, norwegian=norwegian
        )

    for key, key_line in getattr(raw, "duplicate_keys", []):
        out.add("field appears twice", line=key_line, section=section, entry=label, field=str(key))
    for key in raw:
        if key not in spec:
            out.add(
                f"unknown field{_suggest(key, spec)}",
                line=key_lines.get(key),
                section=section,
                entry=label,
                field=str(key),
            )
    values: dict[str, Any] = {}
    for name, kind in spec.items():
        required = name in REQUIRED[section]
        if kind == _TEXT:
            values[name] = _check_text(raw.get(name), reporter(name), required=required)
        elif kind == _DATE:
            values[name] = _check_date(raw.get(name), reporter(name))
        else:
            values[name] = _check_list(
                raw.get(name),
                reporter(name),
                required=required or kind == _REQUIRED_LIST,
                non_empty=kind == _REQUIRED_LIST,
            )
    entry_id = values["id"]
    if entry_id is not None and not ID_PATTERN.match(entry_id):
        reporter("id")(
            "must be 1-64 characters of a-z, 0-9, _ and - (for example 'ms-teams')",
            "Bruk 1–64 tegn: a–z, 0–9, _ og - (for eksempel «ms-teams»).",
        )
    for name in ("name", "category"):
        if values.get(name) and len(values[name]) > MAX_NAME:
            reporter(name)(f"is longer than {MAX_NAME} characters", f"Kan ha høyst {MAX_NAME} tegn.")
    for alias in values.get("aliases", ()):
        if len(alias) > MAX_NAME:
            reporter("aliases")(
                f"alias {alias[:30]!r}… is longer than {MAX_NAME} characters",
                f"«{alias[:30]}…» er lengre enn {MAX_NAME} tegn.",
            )
    if section == "tools":
        classification = values["data_classification"]
        if classification is not None:
            normalised = classification.lower()
            if normalised not in CLASSIFICATIONS:
                reporter("data_classification")(
                    f"unknown classification {classification!r}; use one of: {', '.join(CLASSIFICATIONS)}",
                    f"Ukjent klassifisering. Bruk en av: {', '.join(CLASSIFICATIONS)}.",
                )
            values["data_classification"] = normalised
        url = values["url"]
        if url is not None and not re.match(r"^https?://\S+$", url):
            reporter("url")(
                "must be a web address starting with http:// or https://",
                "Må være en nettadresse som begynner med http:// eller https://.",
            )
    sectors = known_sectors()
    for sector in values.get("audience", ()):
        if sector not in sectors:
            reporter("audience")(
                f"unknown sector {sector!r}{_suggest(sector, sectors)}; use one of: {', '.join(sectors)}",
                f"Ukjent sektor «{sector}». Bruk en av: {', '.join(sectors)}.",
            )
    for name in NYNORSK_FIELDS[section]:
        if values[name + NYNORSK_SUFFIX] and not values[name]:
            reporter(name + NYNORSK_SUFFIX)(
                f"is the nynorsk form of {name!r}, which the entry lacks: write {name!r} too",
                "Fyll også ut feltet over: nynorskfeltet er et tillegg til det, ikke en erstatning.",
            )
    if "audience" in values and not values["audience"]:
        values["audience"] = DEFAULT_AUDIENCE
    values["_line"] = line
    values["_label"] = label
    return values


def validate(document: Any, known_tool_ids: Iterable[str] = ()) -> CatalogueFile:
    """Check a parsed document; return the entries or raise CatalogueError with every problem.

    `known_tool_ids` are workplace tools already in the database that references may point at.
    """
    out = _Collector()
    if document is None:
        raise CatalogueError([Problem("the file is empty; it needs at least 'version: 1'")])
    if not isinstance(document, dict):
        raise CatalogueError([Problem("the file must be a mapping with 'version' and 'tools' at the top", line=1)])
    key_lines = getattr(document, "key_lines", {})
    version = document.get("version")
    if isinstance(version, bool) or version not in VERSIONS:
        out.add(
            f"'version: {FORMAT_VERSION}' (or 1) is required (found {version!r})"
            if version is not None
            else f"'version: {FORMAT_VERSION}' (or 1) is required at the top",
            line=key_lines.get("version", 1),
            field="version",
        )
    for key in document:
        if key not in SECTIONS and key != "version":
            out.add(f"unknown section{_suggest(key, SECTIONS)}", line=key_lines.get(key), section=str(key))

    validated: dict[str, list[dict]] = {}
    for section in SECTIONS:
        raw_entries = document.get(section)
        validated[section] = []
        if raw_entries is None:
            continue
        if not isinstance(raw_entries, list):
            out.add(
                f"must be a list of entries, not {_type_name(raw_entries)}",
                line=key_lines.get(section),
                section=section,
            )
            continue
        item_lines = getattr(raw_entries, "item_lines", [None] * len(raw_entries))
        seen: dict[str, int | None] = {}
        for raw, line in zip(raw_entries, item_lines):
            values = _validate_entry(section, raw, line, out)
            if values is None:
                continue
            entry_id = values["id"]
            if entry_id is not None:
                if entry_id in seen:
                    out.add(
                        f"duplicate id (first used at line {seen[entry_id]})",
                        line=values["_line"],
                        section=section,
                        entry=values["_label"],
                        field="id",
                    )
                    continue
                seen[entry_id] = values["_line"]
            validated[section].append(values)

    tool_ids = {v["id"] for v in validated["tools"]} | set(known_tool_ids)
    for section, field_name in (("private_tools", "alternatives"), ("processes", "tools")):
        for values in validated[section]:
            for ref in values[field_name]:
                if ref not in tool_ids:
                    out.add(
                        f"points at unknown workplace tool {ref!r}{_suggest(ref, tool_ids)}",
                        line=values["_line"],
                        section=section,
                        entry=values["_label"],
                        field=field_name,
                        norwegian=f"Det finnes ikke noe arbeidsverktøy med id «{ref}».",
                    )
    if out.problems:
        raise CatalogueError(sorted(out.problems, key=lambda p: p.line or 0))

    def build(section: str) -> tuple:
        cls = ENTRY_TYPES[section]
        names = {f.name for f in fields(cls)}
        return tuple(cls(**{k: v for k, v in values.items() if k in names}) for values in validated[section])

    return CatalogueFile(tools=build("tools"), private_tools=build("private_tools"), processes=build("processes"))


def _task_warning(task: str) -> bool:
    """A task is shown as «Den passer til å <task>», so it starts with a verb: lower-case, ending in
    a vowel as Norwegian infinitives do ("holde videomøter", not "Videomøter")."""
    first = task.split()[0]
    return first[0].isupper() or not first.casefold().endswith(_INFINITIVE_ENDINGS)


def entry_warnings(entry: Any) -> list[Problem]:
    """What is allowed but reads badly in one entry (see docs/catalogue.md, writing good entries):
    tasks, in bokmål and nynorsk, that are no verb phrase; nynorsk tasks or steps not as many as theirs."""
    found = []
    for field in ("tasks", "steps"):
        own, twin = getattr(entry, field, ()), getattr(entry, field + NYNORSK_SUFFIX, ())
        if twin and len(twin) != len(own):
            found.append(
                Problem(
                    f"{field}_nn has {len(twin)} items, {field} has {len(own)}: write the same ones in the same order",
                    section="processes" if field == "steps" else "tools",
                    entry=f"id {entry.id}",
                    field=field + NYNORSK_SUFFIX,
                    norwegian=f"Nynorskfeltet har {len(twin)} linjer og feltet over {len(own)}: skriv de samme, i samme rekkefølge.",
                )
            )
    if not isinstance(entry, ToolEntry):
        return found
    for field, lead, example in (
        ("tasks", "Den passer til å", "holde videomøter"),
        ("tasks_nn", "Verktøyet passar til å", "halde videomøte"),
    ):
        found += [
            Problem(
                f"task {task!r} should read on from '{lead} …', like '{example}'",
                section="tools",
                entry=f"id {entry.id}",
                field=field,
                norwegian=f"«{task}» bør fortsette «{lead} …», for eksempel «{example}».",
            )
            for task in getattr(entry, field)
            if _task_warning(task)
        ]
    return found


def warnings(catalogue: CatalogueFile) -> list[Problem]:
    """The content rules a valid catalogue may still break: tasks that are no verb phrase, and more
    categories than fit as buttons."""
    found = [problem for tool in catalogue.tools for problem in entry_warnings(tool)]
    categories = {tool.category for tool in catalogue.tools}
    if len(categories) > MAX_CATEGORY_BUTTONS:
        found.append(
            Problem(
                f"{len(categories)} categories; «Hvilke verktøy finnes?» shows one button per category, "
                f"and more than {MAX_CATEGORY_BUTTONS} are hard to choose from: merge some",
                section="tools",
                field="category",
                norwegian=f"{len(categories)} kategorier er for mange knapper; slå sammen til høyst {MAX_CATEGORY_BUTTONS}.",
            )
        )
    return found


def parse(text: str, *, fmt: str = "yaml", known_tool_ids: Iterable[str] = ()) -> CatalogueFile:
    """Parse and validate catalogue text in 'yaml' or 'csv' form."""
    document = _read_csv(text) if fmt == "csv" else _read_yaml(text)
    return validate(document, known_tool_ids)


def format_of(path: str) -> str:
    return "csv" if str(path).lower().endswith(".csv") else "yaml"


def entry_fields(entry: Any) -> dict[str, Any]:
    """An entry as an ordered dict for export: the file's field order, empty optional fields left out."""
    section = next(s for s, cls in ENTRY_TYPES.items() if isinstance(entry, cls))
    result: dict[str, Any] = {}
    for name in SECTIONS[section]:
        value = getattr(entry, name)
        if value is None or (value == () and name not in REQUIRED[section]):
            continue
        if isinstance(value, date):
            value = value.isoformat()
        result[name] = list(value) if isinstance(value, tuple) else value
    return result


__all__ = [
    "CatalogueError",
    "CatalogueFile",
    "CLASSIFICATIONS",
    "CSV_COLUMNS",
    "CSV_SECTIONS",
    "ProcessEntry",
    "PrivateToolEntry",
    "Problem",
    "ToolEntry",
    "entry_fields",
    "entry_warnings",
    "format_of",
    "in_standard",
    "item_in_standard",
    "known_sectors",
    "parse",
    "validate",
    "warnings",
]
