"""Helpers shared by the benchmark scripts in bench/ (not a benchmark itself)."""

from __future__ import annotations

import math
import platform
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = PROJECT_ROOT / "bench" / "results"

if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

# Throwaway databases and the seed catalogue: one home with the tests' (bot/throwaway.py).
from bot.throwaway import SEED_CATALOGUE, seeded  # noqa: E402,F401
from bot.throwaway import postgres as throwaway_postgres  # noqa: E402,F401

_HEADER_RE = re.compile(r"^\s*#\s*-{2,}\s*(.+?)\s*-*\s*$")


def load_labelled(path: Path, section: str) -> list[dict[str, Any]]:
    """The items of a labelled benchmark file's `section`, each with a `_category`.

    The category is the item's own `category` field when it has one, otherwise the nearest
    "# --- Heading ---" comment above it in the file, otherwise "(none)".
    """
    text = path.read_text(encoding="utf-8")
    document = yaml.safe_load(text) or {}
    items = document.get(section) or []
    # Line of every item, from the node tree (comments are not in the parsed data).
    root = yaml.compose(text)
    item_lines: list[int] = []
    for key_node, value_node in root.value if root is not None else ():
        if key_node.value == section:
            item_lines = [child.start_mark.line for child in value_node.value]
    headings: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines()):
        match = _HEADER_RE.match(line)
        if match:
            headings.append((number, match.group(1)))
    result = []
    for item, line in zip(items, item_lines):
        item = dict(item)
        category = item.get("category")
        if not category:
            above = [title for number, title in headings if number < line]
            category = above[-1] if above else "(none)"
        item["_category"] = str(category)
        result.append(item)
    return result


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], align: str | None = None) -> str:
    """A markdown table; `align` is one letter per column (l or r), numbers right by default."""
    rows = [[str(cell) for cell in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    align = align or "l" + "r" * (len(headers) - 1)

    def line(cells):
        return "| " + " | ".join(c.ljust(w) if a == "l" else c.rjust(w) for c, w, a in zip(cells, widths, align)) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if a == "r" else ("-" * (w + 2)) for w, a in zip(widths, align)) + "|"
    return "\n".join([line(headers), rule] + [line(r) for r in rows])


def pct(value: float | None) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{100 * value:.1f}%"


def machine() -> str:
    import os

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0]
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {platform.system()} "
        f"{platform.release()}; load average {load:.1f} at the start (other work on the machine skews timings)"
    )


def write_result(name: str, report: str) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.md"
    path.write_text(report + "\n", encoding="utf-8")
    return path


def publish(name: str, report: str, write: bool = True) -> Path | None:
    """Print `report` and, unless told not to (--no-write), keep it as bench/results/NAME.md."""
    print(report)
    if not write:
        return None
    path = write_result(name, report)
    print(f"\n(written to {path.relative_to(PROJECT_ROOT)})", file=sys.stderr)
    return path
