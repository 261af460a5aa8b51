"""How many employee-facing texts the message catalogue (bot/texts) holds, per file and standard,
and whether every key has both: `python bench/texts_count.py`."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.texts import FOLDER, STANDARDS  # noqa: E402


def main() -> int:
    totals: Counter[str] = Counter()
    for path in sorted(FOLDER.glob("*.yml")):
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        counts = Counter(
            s for by_standard in entries.values() for s, v in (by_standard or {}).items() if str(v).strip()
        )
        totals.update(counts)
        totals["keys"] += len(entries)
        print(f"{path.name:24} keys {len(entries):4}  " + "  ".join(f"{s} {counts[s]:4}" for s in STANDARDS))
    print(f"{'total':24} keys {totals['keys']:4}  " + "  ".join(f"{s} {totals[s]:4}" for s in STANDARDS))
    same = all(totals[s] == totals["keys"] for s in STANDARDS)
    print("every key in both standards" if same else "SOME KEYS LACK A STANDARD")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
