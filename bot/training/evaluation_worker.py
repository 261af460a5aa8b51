"""Run in a subprocess by `bot.training.evaluation`: load one model, parse the held-out messages and
run the test stories end to end, and write the raw results as JSON.

    python -m bot.training.evaluation_worker MODEL HELDOUT_YML TEST_STORIES_YML OUT_DIR

Loading the model once for both saves one model load (~10 s) per model. It needs TensorFlow (Rasa
does), so it never runs inside the `bot` process. BOT_DATABASE_URL must point at a database with
a catalogue: the NLU pipeline's catalogue component reads it. Writes OUT_DIR/evaluation.json:

    {"nlu": [{"text", "gold", "predicted", "confidence"}, ...],
     "stories": {"total": n, "failed": [story names]}, "load_seconds": s}
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
import warnings
from pathlib import Path


def _story_name(story: dict) -> str:
    """A failed story's name without the " (path/to/file.yml)" Rasa appends."""
    name = str(story.get("story", ""))
    return name.rsplit(" (", 1)[0] if name.endswith((".yml)", ".yaml)")) else name


async def _evaluate(model: str, heldout: str, stories: str, out: Path) -> dict:
    from rasa.core.agent import Agent
    from rasa.core.test import FAILED_STORIES_FILE, test
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.utils.io import read_yaml_file

    started = time.monotonic()
    agent = Agent.load(model)
    load_seconds = time.monotonic() - started
    nlu = []
    for example in load_data(heldout).intent_examples:
        parsed = await agent.parse_message(example.get("text"))
        intent = parsed.get("intent") or {}
        nlu.append(
            {
                "text": example.get("text"),
                "gold": example.get("intent"),
                "predicted": intent.get("name"),
                "confidence": intent.get("confidence"),
            }
        )
    await test(stories, agent, out_directory=str(out), e2e=True, disable_plotting=True, warnings=False)
    failed_file = out / FAILED_STORIES_FILE
    failed = (read_yaml_file(str(failed_file)) or {}).get("stories") or [] if failed_file.exists() else []
    report = json.loads((out / "story_report.json").read_text(encoding="utf-8"))
    total = report.get("conversation_accuracy", {}).get("total", 0)
    return {
        "nlu": nlu,
        "stories": {"total": total, "failed": [_story_name(s) for s in failed if isinstance(s, dict)]},
        "load_seconds": round(load_seconds, 1),
    }


def main(argv: list[str]) -> int:
    model, heldout, stories, out = argv
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # Rasa's structured debug log is megabytes per run
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    result = asyncio.run(_evaluate(model, heldout, stories, out_dir))
    (out_dir / "evaluation.json").write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
