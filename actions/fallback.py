"""The rephrase prompt when the NLU is unsure."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import send
from bot.assistant.fallback import rephrase


class ActionRephrase(Action):
    def name(self) -> str:
        return "action_rephrase"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        message = tracker.latest_message
        return send(dispatcher, rephrase(message.get("intent_ranking") or [], message.get("entities") or []))
