"""The model switch of `bot train` / `bot model switch` on the cluster's two real Rasa servers:
both are switched, each is named in the report, and a replica that did not switch while the others
did fails the switch. (tests/training/test_switch_replicas.py covers the failures with stand-ins.)
In the cluster, Rasa's PUT /model loads from the model server, so the switch makes every replica
pull the model in service at once instead of within BOT_MODEL_PULL_SECONDS.
Rasa gets the JWT secret off its command line, which every local user can read, and still
refuses a token signed with another secret."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest
from cluster_replicas import JWT_SECRET as SECRET
from cluster_replicas import served

from bot.training import registry, serving

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def refused_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"  # closed again: connections are refused


def command_lines(root: int) -> list[list[str]]:
    """The command line (/proc/PID/cmdline, readable by every local user) of process `root` and of
    every process under it."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except OSError:  # the process ended meanwhile
            continue
    tree, added = {root}, {root}
    while added:
        added = {pid for pid, parent in parents.items() if parent in added} - tree
        tree |= added
    result = []
    for pid in tree:
        try:
            result.append((Path("/proc") / str(pid) / "cmdline").read_bytes().decode().rstrip("\0").split("\0"))
        except OSError:
            continue
    return result


def test_no_command_line_shows_the_jwt_secret_and_another_secret_is_refused(cluster, trained_model):
    commands = command_lines(cluster.pid)
    rasa_ports = [
        command[command.index("--port") + 1] for command in commands if command[1:3] == ["-m", "bot.rasa_server"]
    ]
    assert sorted(rasa_ports) == sorted(url.rsplit(":", 1)[1] for url in cluster.rasa_urls)
    for command in commands:
        assert not any(SECRET in argument or argument == "--jwt-secret" for argument in command), command

    refused = serving.switch_running(trained_model, cluster.rasa_urls, "another-jwt-secret-" + "x" * 20)
    assert [replica.detail.startswith("refused the switch (HTTP 401)") for replica in refused.replicas] == [True] * 2


def test_every_replica_is_switched_and_one_that_did_not_fails_the_switch(cluster, trained_model):
    candidate = cluster.models_dir / "20990102-000000-switch-test.tar.gz"
    shutil.copy2(trained_model, candidate)
    shutil.copy2(registry.record_path(trained_model), registry.record_path(candidate))
    down = refused_url()

    registry.put_in_service(candidate, "switch test")
    mixed = serving.switch_running(candidate, [*cluster.rasa_urls, down], SECRET)
    assert [served(url) for url in cluster.rasa_urls] == [candidate.name] * 2
    assert not mixed.complete
    assert mixed.message.startswith(f"Switch FAILED: {candidate.name} is in service")
    assert f"  {down}: not running" in mixed.message.splitlines()

    registry.put_in_service(cluster.models_dir / trained_model.name, "back")  # the model the other tests expect
    back = serving.switch_running(trained_model, cluster.rasa_urls, SECRET)
    assert back.switched and back.complete, back.message
    assert [served(url) for url in cluster.rasa_urls] == [trained_model.name] * 2
    assert back.message.splitlines()[1:] == [f"  {url}: now serves {trained_model.name}" for url in cluster.rasa_urls]
