"""The text of a chat message as a client sends it: what must go before anything stores it, and
whether anything is left to read.

Both the widget relay (bot/web/chat.py) and Rasa's REST channel (bot/channels/rest.py) use these,
so a message is treated the same whichever way it comes in.
"""

from __future__ import annotations

import re
import unicodedata

# Control characters (tab and line breaks stay) and lone surrogates, the halves of a UTF-16 pair
# that JSON's \ud800 escapes let through. No one types them, and they cannot be stored:
# PostgreSQL refuses NUL in text and UTF-8 has no surrogates, so an action that records the
# message fails and Rasa answers nothing.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

# Unicode categories that show nothing on their own: control, format (zero-width space and
# joiners, direction marks, BOM, soft hyphen), surrogate, the spaces and line and paragraph
# separators, and marks, which only change the character before them. Everything else counts as
# something to read: letters, digits, punctuation, symbols (emoji), private-use characters and
# code points this Python's Unicode tables do not know yet (newer emoji such as 🫠).
_SHOWS_NOTHING = frozenset({"Cc", "Cf", "Cs", "Zs", "Zl", "Zp", "Mn", "Mc", "Me"})


def storable(text: str) -> str:
    """The text without control characters (except tab and line breaks) and lone surrogates."""
    return _UNSTORABLE.sub("", text)


def has_visible_content(text: str) -> bool:
    """Whether the text has a character that shows on its own: a letter, digit, punctuation mark
    or symbol. A message of zero-width, direction or control characters, spaces or stray
    combining marks has none, and is as good as empty."""
    return any(unicodedata.category(character) not in _SHOWS_NOTHING for character in text)
