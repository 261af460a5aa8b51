"""Which Rasa servers a `bot run` on this machine is serving: `bot run` announces them in a file
while it runs, and `bot train` / `bot model` read it to switch exactly those servers."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from bot.config import PROJECT_ROOT

RUNNING_RASA_FILE = PROJECT_ROOT / "var" / "running-rasa-urls"


@contextlib.contextmanager
def announced(rasa_urls: tuple[str, ...]) -> Iterator[None]:
    """Write `rasa_urls` to RUNNING_RASA_FILE while the services run (read by `running_rasa_urls`)."""
    path = RUNNING_RASA_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(rasa_urls) + "\n", encoding="utf-8")
    try:
        yield
    finally:
        path.unlink(missing_ok=True)


def running_rasa_urls() -> tuple[str, ...]:
    """The Rasa servers a `bot run` on this machine announced; empty when none runs."""
    try:
        return tuple(
            line.strip() for line in RUNNING_RASA_FILE.read_text(encoding="utf-8").splitlines() if line.strip()
        )
    except FileNotFoundError:
        return ()
