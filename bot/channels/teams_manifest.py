"""The Teams app manifest (teams/manifest.json) with its texts in a written standard, from the
message catalogue (bot/texts/teams.yml). The file in the repository holds the bokmål texts; a
nynorsk municipality writes its manifest with `python -m bot.channels.teams_manifest nn >
manifest.json` (docs/teams.md)."""

from __future__ import annotations

import json
import sys
from typing import Any

from bot.config import PROJECT_ROOT
from bot.texts import STANDARDS, text

MANIFEST = PROJECT_ROOT / "teams" / "manifest.json"
COMMANDS = ("hello", "tools")  # the order of bots[0].commandLists[0].commands


def manifest(standard: str) -> dict[str, Any]:
    """teams/manifest.json with its employee-facing texts in `standard` (nb or nn)."""
    document = json.loads(MANIFEST.read_text(encoding="utf-8"))
    document["name"]["full"] = text("teams.name_full", standard)
    document["description"] = {
        "short": text("teams.description_short", standard),
        "full": text("teams.description_full", standard),
    }
    commands = document["bots"][0]["commandLists"][0]["commands"]
    for command, name in zip(commands, COMMANDS, strict=True):
        command["title"] = text(f"teams.command_{name}", standard)
        command["description"] = text(f"teams.command_{name}_description", standard)
    return document


def main(arguments: list[str]) -> int:
    if len(arguments) != 1 or arguments[0] not in STANDARDS:
        print(
            f"usage: python -m bot.channels.teams_manifest {{{'|'.join(STANDARDS)}}} > manifest.json", file=sys.stderr
        )
        return 2
    print(json.dumps(manifest(arguments[0]), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
