"""Rate limits for the web service: at most `limit` events per key in a sliding window of
`window` seconds, kept in memory (per process). Used for login failures and chat messages.

Each key keeps a plain sorted list of its event times (about 100 bytes for one event; a deque
costs some 700), because the chat relay has a key per conversation and keeps up to MAX_KEYS."""

from __future__ import annotations

import time
from bisect import bisect_right
from collections.abc import Callable, Hashable

MAX_KEYS = 10_000  # past this many keys, forget the ones whose events have all expired


class RateLimit:
    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic):
        self.limit, self.window, self._clock = limit, window, clock
        self._events: dict[Hashable, list[float]] = {}

    def _recent(self, key: Hashable, now: float) -> list[float]:
        events = self._events.get(key)
        if events is None:
            return []
        del events[: bisect_right(events, now - self.window)]
        if not events:
            del self._events[key]
        return events

    def over(self, key: Hashable) -> bool:
        """Whether `key` has used up its events in the window."""
        return len(self._recent(key, self._clock())) >= self.limit

    def record(self, key: Hashable) -> None:
        now = self._clock()
        if len(self._events) > MAX_KEYS:
            for old in list(self._events):
                self._recent(old, now)
        self._recent(key, now)
        self._events.setdefault(key, []).append(now)

    def allow(self, key: Hashable) -> bool:
        """Count one event for `key`; False (and not counted) when the key is over its limit."""
        if self.over(key):
            return False
        self.record(key)
        return True

    def reset(self, key: Hashable) -> None:
        self._events.pop(key, None)
