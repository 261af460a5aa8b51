"""Rasa's REST channel with personal data masked before Rasa sees, stores or logs the message.

It keeps the name `rest`, so the webhook stays at /webhooks/rest/webhook. Of the client's
metadata only the channel name is kept (`web` from our widget relay), for the gap log.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.core.channels.rest import RestInput
from sanic.request import Request

from bot.privacy.masking import mask

MAX_CHANNEL_NAME = 30


class MaskedRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def _extract_message(self, req: Request) -> Optional[Text]:
        text = super()._extract_message(req)
        return mask(text) if isinstance(text, str) else text

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        metadata = request.json.get("metadata") if isinstance(request.json, dict) else None
        channel = metadata.get("channel") if isinstance(metadata, dict) else None
        return {"channel": channel[:MAX_CHANNEL_NAME]} if isinstance(channel, str) else None
