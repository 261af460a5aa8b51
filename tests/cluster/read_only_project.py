"""The project's files read-only for the processes of a test, as in the production image: a command
wrapped by `wrapper()` runs in a private mount namespace where the project folder is a read-only
bind mount (any write fails, root's too; other processes of the machine see nothing of it) with
var/ writable, where a running `bot run` announces itself."""

from __future__ import annotations

import shutil

from bot.config import PROJECT_ROOT


def wrapper() -> list[str]:
    """Put in front of a command: run it with the project folder read-only."""
    root = str(PROJECT_ROOT)
    script = (
        f'mount --bind -o ro "{root}" "{root}"\n'
        f'mount --bind "{root}/var" "{root}/var"\n'
        f'mount -o remount,bind,rw "{root}/var"\n'
        'exec "$@"'
    )
    return [shutil.which("unshare") or "unshare", "-m", "--propagation", "private", "sh", "-ec", script, "sh"]
