"""The catalogue in the database: import (upsert or replace), export, and reads for everyone else."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timezone

import yaml
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.catalogue import models as m
from bot.catalogue.schema import (
    CSV_COLUMNS,
    CSV_SECTIONS,
    CSV_SEPARATOR,
    FORMAT_VERSION,
    CatalogueFile,
    PrivateToolEntry,
    ProcessEntry,
    ToolEntry,
    entry_fields,
    format_of,
    parse,
)


@dataclass
class ImportResult:
    created: dict[str, int] = field(default_factory=lambda: {"tools": 0, "private_tools": 0, "processes": 0})
    updated: dict[str, int] = field(default_factory=lambda: {"tools": 0, "private_tools": 0, "processes": 0})
    removed: dict[str, int] = field(default_factory=lambda: {"tools": 0, "private_tools": 0, "processes": 0})

    def summary(self) -> str:
        parts = []
        for section in ("tools", "private_tools", "processes"):
            parts.append(
                f"{section}: {self.created[section]} created, {self.updated[section]} updated, "
                f"{self.removed[section]} removed"
            )
        return "; ".join(parts)


def _values(children) -> tuple[str, ...]:
    return tuple(child.value for child in children)


def _children(cls, values) -> list:
    return [cls(value=value) for value in values]


# --- writing ---------------------------------------------------------------------------------


def _apply_tool(row: m.Tool, entry: ToolEntry) -> None:
    row.name, row.category, row.summary, row.access = entry.name, entry.category, entry.summary, entry.access
    row.training, row.support, row.url = entry.training, entry.support, entry.url
    row.data_classification = entry.data_classification
    row.owner, row.reviewed = entry.owner, entry.reviewed
    row.summary_nn, row.access_nn = entry.summary_nn, entry.access_nn
    row.training_nn, row.support_nn = entry.training_nn, entry.support_nn
    row.aliases = _children(m.ToolAlias, entry.aliases)
    row.tasks = _children(m.ToolTask, entry.tasks)
    row.tasks_nn = _children(m.ToolTaskNn, entry.tasks_nn)
    row.audience = _children(m.ToolAudience, entry.audience)


def _apply_private_tool(row: m.PrivateTool, entry: PrivateToolEntry) -> None:
    row.name, row.category, row.guidance = entry.name, entry.category, entry.guidance
    row.guidance_nn = entry.guidance_nn
    row.owner, row.reviewed = entry.owner, entry.reviewed
    row.aliases = _children(m.PrivateToolAlias, entry.aliases)
    row.alternatives = _children(m.PrivateToolAlternative, entry.alternatives)


def _apply_process(row: m.Process, entry: ProcessEntry) -> None:
    row.name = entry.name
    row.owner, row.reviewed = entry.owner, entry.reviewed
    row.aliases = _children(m.ProcessAlias, entry.aliases)
    row.steps = _children(m.ProcessStep, entry.steps)
    row.steps_nn = _children(m.ProcessStepNn, entry.steps_nn)
    row.tools = _children(m.ProcessTool, entry.tools)
    row.audience = _children(m.ProcessAudience, entry.audience)


_WRITERS = (
    ("tools", m.Tool, _apply_tool),
    ("private_tools", m.PrivateTool, _apply_private_tool),
    ("processes", m.Process, _apply_process),
)


def _upsert(session: Session, section: str, model, apply, entries, result: ImportResult) -> None:
    ids = [entry.id for entry in entries]
    existing: dict[str, object] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        existing.update((row.id, row) for row in session.scalars(select(model).where(model.id.in_(chunk))))
    for entry in entries:
        row = existing.get(entry.id)
        if row is None:
            row = model(id=entry.id)
            session.add(row)
            result.created[section] += 1
        else:
            result.updated[section] += 1
        apply(row, entry)


def _remove_missing(session: Session, section: str, model, keep_ids: set[str], result: ImportResult) -> None:
    stale = [row_id for row_id in session.scalars(select(model.id)) if row_id not in keep_ids]
    for start in range(0, len(stale), 500):
        session.execute(delete(model).where(model.id.in_(stale[start : start + 500])))
    result.removed[section] = len(stale)


def import_catalogue(session: Session, catalogue: CatalogueFile, *, replace: bool = False) -> ImportResult:
    """Apply a validated catalogue in the caller's transaction (upsert by id; replace removes the rest)."""
    result = ImportResult()
    if replace:
        # Dependants first, so no reference points at a removed workplace tool.
        for section, model, _ in reversed(_WRITERS):
            _remove_missing(session, section, model, {e.id for e in getattr(catalogue, section)}, result)
    for section, model, apply in _WRITERS:
        _upsert(session, section, model, apply, getattr(catalogue, section), result)
    session.flush()
    bump_revision(session)
    return result


def known_tool_ids(session: Session) -> set[str]:
    return set(session.scalars(select(m.Tool.id)))


def load_and_import(session: Session, text: str, path: str, *, replace: bool = False):
    """Validate a file's text (against the database's tools unless replacing) and import it."""
    known = () if replace else known_tool_ids(session)
    catalogue = parse(text, fmt=format_of(path), known_tool_ids=known)
    return catalogue, import_catalogue(session, catalogue, replace=replace)


STAMP_KEY = "catalogue_stamp"  # where bot.catalogue.snapshot keeps the stamp it read in a session


def bump_revision(session: Session) -> None:
    """Mark the catalogue changed (in the caller's transaction): every process rebuilds its
    snapshot (bot.catalogue.snapshot) on its next session after the commit."""
    session.info.pop(STAMP_KEY, None)
    state = session.get(m.CatalogueState, 1)
    if state is None:
        session.add(m.CatalogueState(id=1, revision=1, updated_at=datetime.now(timezone.utc)))
    else:
        state.revision += 1
        state.updated_at = datetime.now(timezone.utc)


# --- reading ---------------------------------------------------------------------------------


def revision(session: Session) -> int:
    """A number that changes whenever the catalogue changes (0 before the first import)."""
    return session.scalar(select(m.CatalogueState.revision).where(m.CatalogueState.id == 1)) or 0


def stamp(session: Session) -> tuple:
    """Revision and time of the last import: changes on every import, even in a recreated database."""
    row = session.execute(
        select(m.CatalogueState.revision, m.CatalogueState.updated_at).where(m.CatalogueState.id == 1)
    ).first()
    return tuple(row) if row else (0, None)


def is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count()).select_from(m.Tool))


def _tool_entry(row: m.Tool) -> ToolEntry:
    return ToolEntry(
        id=row.id,
        name=row.name,
        category=row.category,
        summary=row.summary,
        tasks=_values(row.tasks),
        access=row.access,
        aliases=_values(row.aliases),
        training=row.training,
        support=row.support,
        url=row.url,
        data_classification=row.data_classification,
        audience=_values(row.audience),
        owner=row.owner,
        reviewed=row.reviewed,
        summary_nn=row.summary_nn,
        tasks_nn=_values(row.tasks_nn),
        access_nn=row.access_nn,
        training_nn=row.training_nn,
        support_nn=row.support_nn,
    )


def _private_tool_entry(row: m.PrivateTool) -> PrivateToolEntry:
    return PrivateToolEntry(
        id=row.id,
        name=row.name,
        category=row.category,
        alternatives=_values(row.alternatives),
        guidance=row.guidance,
        aliases=_values(row.aliases),
        owner=row.owner,
        reviewed=row.reviewed,
        guidance_nn=row.guidance_nn,
    )


def _process_entry(row: m.Process) -> ProcessEntry:
    return ProcessEntry(
        id=row.id,
        name=row.name,
        steps=_values(row.steps),
        aliases=_values(row.aliases),
        tools=_values(row.tools),
        audience=_values(row.audience),
        owner=row.owner,
        reviewed=row.reviewed,
        steps_nn=_values(row.steps_nn),
    )


def read_catalogue(session: Session) -> CatalogueFile:
    """The whole catalogue as file entries, each section ordered by id."""
    return CatalogueFile(
        tools=tuple(_tool_entry(r) for r in session.scalars(select(m.Tool).order_by(m.Tool.id))),
        private_tools=tuple(
            _private_tool_entry(r) for r in session.scalars(select(m.PrivateTool).order_by(m.PrivateTool.id))
        ),
        processes=tuple(_process_entry(r) for r in session.scalars(select(m.Process).order_by(m.Process.id))),
    )


def get_tool(session: Session, tool_id: str) -> ToolEntry | None:
    row = session.get(m.Tool, tool_id)
    return _tool_entry(row) if row else None


def get_private_tool(session: Session, tool_id: str) -> PrivateToolEntry | None:
    row = session.get(m.PrivateTool, tool_id)
    return _private_tool_entry(row) if row else None


def get_process(session: Session, process_id: str) -> ProcessEntry | None:
    row = session.get(m.Process, process_id)
    return _process_entry(row) if row else None


# --- export ----------------------------------------------------------------------------------


class _ExportDumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_ExportDumper.add_representer(str, _represent_str)


def to_yaml(catalogue: CatalogueFile) -> str:
    document = {
        "version": FORMAT_VERSION,
        "tools": [entry_fields(e) for e in catalogue.tools],
        "private_tools": [entry_fields(e) for e in catalogue.private_tools],
        "processes": [entry_fields(e) for e in catalogue.processes],
    }
    return yaml.dump(document, Dumper=_ExportDumper, allow_unicode=True, sort_keys=False, width=100)


def to_csv(catalogue: CatalogueFile) -> str:
    """One row per entry; list fields hold one item per line inside the cell. Written as Excel with
    Norwegian settings reads it: a BOM and ';' between fields."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, delimiter=CSV_SEPARATOR, lineterminator="\n")
    writer.writeheader()
    kinds = {section: kind for kind, section in CSV_SECTIONS.items()}
    for section in ("tools", "private_tools", "processes"):
        for entry in getattr(catalogue, section):
            row = {"kind": kinds[section]}
            for name, value in entry_fields(entry).items():
                row[name] = "\n".join(value) if isinstance(value, list) else value
            writer.writerow(row)
    return buffer.getvalue()


def export(session: Session, fmt: str = "yaml") -> str:
    catalogue = read_catalogue(session)
    return to_csv(catalogue) if fmt == "csv" else to_yaml(catalogue)
