"""When the NLU is unsure: ask the employee to rephrase, offering the two likeliest meanings."""

from __future__ import annotations

import json

from bot.assistant.replies import Answer, Button
from bot.texts import DEFAULT_STANDARD, text

# The intents an employee can pick as a button; each button's title is `fallback.intent.<name>`.
OFFERED = (
    "find_tool",
    "tool_info",
    "tool_access",
    "tool_training",
    "tool_support",
    "ask_classification",
    "ask_allowed",
    "onboarding",
    "list_tools",
    "help",
)


def title(intent: str, standard: str = DEFAULT_STANDARD) -> str:
    """The button title for `intent`, one of OFFERED («Få tilgang til et verktøy»)."""
    return text(f"fallback.intent.{intent}", standard)


def rephrase(intent_ranking: list[dict], entities: list[dict], standard: str = DEFAULT_STANDARD) -> Answer:
    """A rephrase prompt with up to two likely meanings as buttons, keeping the tool named."""
    carried = {
        e["entity"]: e["value"]
        for e in entities or ()
        if e.get("entity") in ("tool", "private_tool") and isinstance(e.get("value"), str)
    }
    suffix = json.dumps(carried, ensure_ascii=False) if carried else ""
    likely = [r["name"] for r in intent_ranking or () if r.get("name") in OFFERED][:2]
    answer = Answer()
    if not likely:
        return answer.say(text("fallback.not_understood", standard))
    return answer.say(
        text("fallback.unsure", standard),
        *(Button(title(name, standard), f"/{name}{suffix}") for name in likely),
    )
