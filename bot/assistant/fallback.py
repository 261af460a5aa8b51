"""When the NLU is unsure: ask the employee to rephrase, offering the two likeliest meanings."""

from __future__ import annotations

import json

from bot.assistant.replies import Answer, Button

# What each intent means, as a button an employee can pick.
INTENT_TITLES = {
    "find_tool": "Finne et verktøy for en oppgave",
    "tool_info": "Hva et verktøy er",
    "tool_access": "Få tilgang til et verktøy",
    "tool_training": "Opplæring i et verktøy",
    "tool_support": "Få hjelp når noe ikke virker",
    "ask_classification": "Hva jeg kan lagre hvor",
    "ask_allowed": "Om jeg kan bruke et verktøy",
    "onboarding": "Verktøy for nyansatte",
    "list_tools": "Se alle verktøy",
    "help": "Hva du kan hjelpe med",
}
NOT_OFFERED = {"nlu_fallback", "out_of_scope", "greet", "goodbye", "thanks", "bot_challenge", "onboarding_next"}


def rephrase(intent_ranking: list[dict], entities: list[dict]) -> Answer:
    """A rephrase prompt with up to two likely meanings as buttons, keeping the tool named."""
    carried = {
        e["entity"]: e["value"]
        for e in entities or ()
        if e.get("entity") in ("tool", "private_tool") and isinstance(e.get("value"), str)
    }
    suffix = json.dumps(carried, ensure_ascii=False) if carried else ""
    likely = [
        r["name"] for r in intent_ranking or () if r.get("name") in INTENT_TITLES and r["name"] not in NOT_OFFERED
    ][:2]
    answer = Answer()
    if not likely:
        return answer.say("Beklager, det forsto jeg ikke. Kan du si det på en annen måte?")
    return answer.say(
        "Beklager, jeg er ikke sikker på hva du mener. Mente du en av disse? Eller si det gjerne på en annen måte.",
        *(Button(INTENT_TITLES[name], f"/{name}{suffix}") for name in likely),
    )
