"""The catalogue as searchable text: each tool and process as an entry with its passages (a task,
a name, the summary, the category, a step). Lexical and semantic search read the same list."""

from __future__ import annotations

from dataclasses import dataclass

from bot.catalogue.schema import CatalogueFile


@dataclass(frozen=True)
class Entry:
    kind: str  # "tool" or "process"
    id: str
    name: str

    @property
    def key(self) -> str:
        return entry_key(self.kind, self.id)


def entry_key(kind: str, entry_id: str) -> str:
    """An entry as benchmarks and labelled needs name it: tools by id, processes as `process:ID`."""
    return f"process:{entry_id}" if kind == "process" else entry_id


@dataclass(frozen=True)
class Passage:
    entry: int  # index into the entries
    kind: str  # task, name, summary, category, step
    text: str


def catalogue_passages(catalogue: CatalogueFile) -> tuple[list[Entry], list[Passage]]:
    """Every entry, tools first, and their passages: each entry's together, in entry order, its
    names always among them (so no entry has none)."""
    entries: list[Entry] = []
    passages: list[Passage] = []
    for tool in catalogue.tools:
        number = len(entries)
        entries.append(Entry("tool", tool.id, tool.name))
        passages += [Passage(number, "task", task) for task in tool.tasks]
        passages += [Passage(number, "name", name) for name in (tool.name, *tool.aliases)]
        passages += [Passage(number, "summary", tool.summary), Passage(number, "category", tool.category)]
    for process in catalogue.processes:
        number = len(entries)
        entries.append(Entry("process", process.id, process.name))
        passages += [Passage(number, "name", name) for name in (process.name, *process.aliases)]
        passages += [Passage(number, "step", step) for step in process.steps]
    return entries, passages
