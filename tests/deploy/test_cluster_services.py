"""`bot run --cluster`: which services it starts, with what settings (no process is started)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import settings
from bot.runner import CLUSTER_ENDPOINTS, cluster_problems, cluster_services, lock_store_environment, services

MODEL = Path("models/model.tar.gz")
PG = "postgresql://postgres@127.0.0.1:5432/"
JWT_SECRET = hashlib.sha256(b"tests/deploy/test_cluster_services").hexdigest()  # random-looking, as required


@pytest.fixture(autouse=True)
def jwt_secret(monkeypatch):
    monkeypatch.setenv("BOT_RASA_JWT_SECRET", JWT_SECRET)  # else var/rasa-jwt-secret would be written


def cluster_settings(**changes):
    return replace(
        settings(),
        database_url=PG + "digihjelpen",
        tracker_store_url=PG + "digihjelpen_tracker",
        rasa_port=6005,
        action_port=6055,
        rasa_jwt_secret=JWT_SECRET,
        **changes,
    )


def test_two_rasa_servers_each_with_its_own_action_server_and_the_relay_over_both():
    started = {s.name: s for s in cluster_services(cluster_settings(lock_store_url="redis://:pw@cache:6380/3"), MODEL)}
    assert list(started) == ["actions-1", "rasa-1", "actions-2", "rasa-2", "web"]
    for number, (rasa_port, action_port) in enumerate([(6005, 6055), (6006, 6056)], start=1):
        rasa = started[f"rasa-{number}"]
        assert rasa.command[rasa.command.index("--port") + 1] == str(rasa_port)
        assert rasa.command[rasa.command.index("--endpoints") + 1] == CLUSTER_ENDPOINTS
        assert rasa.command[1:3] == ["-m", "bot.rasa_server"]  # which gives Rasa its JWT secret in-process
        assert not any(
            JWT_SECRET in argument or argument in ("--jwt-secret", "--auth-token") for argument in rasa.command
        )
        assert rasa.env == {
            "BOT_ACTION_URL": f"http://127.0.0.1:{action_port}/webhook",
            "BOT_REDIS_HOST": "cache",
            "BOT_REDIS_PORT": "6380",
            "BOT_REDIS_PASSWORD": "pw",
            "BOT_REDIS_DB": "3",
            "BOT_MODEL_SERVER_URL": "http://127.0.0.1:8081/models/in-service",  # the web service's internal port
            "BOT_MODEL_PULL_SECONDS": "10",
        }
        actions = started[f"actions-{number}"].command
        assert actions[1:3] == ["-m", "bot.action_server"] and actions[actions.index("--port") + 1] == str(action_port)
    assert started["web"].env == {
        "BOT_RASA_URLS": "http://127.0.0.1:6005,http://127.0.0.1:6006",
        "BOT_ACTION_SERVER_URLS": "http://127.0.0.1:6055,http://127.0.0.1:6056",  # its /health asks both
    }


def test_plain_bot_run_is_unchanged():
    assert [(s.name, s.env) for s in services(cluster_settings(), MODEL)] == [
        ("trainer", {}),  # the training worker of the trainer page
        ("actions", {}),
        ("rasa", {}),
        ("web", {}),
    ]


def test_the_cluster_needs_postgresql_and_a_redis_url():
    assert cluster_problems(cluster_settings()) == []
    problems = cluster_problems(
        replace(cluster_settings(), tracker_store_url="sqlite:///t.db", lock_store_url="http://x")
    )
    assert len(problems) == 2 and "BOT_TRACKER_STORE_URL" in problems[0] and "redis://" in problems[1]


@pytest.mark.parametrize(
    "url, expected",
    [
        ("redis://127.0.0.1", ("127.0.0.1", "6379", "", "0")),
        ("redis://:secret@redis:6390/5", ("redis", "6390", "secret", "5")),
    ],
)
def test_the_lock_store_url_becomes_the_production_endpoints_variables(url, expected):
    values = lock_store_environment(url)
    assert (
        tuple(values[k] for k in ("BOT_REDIS_HOST", "BOT_REDIS_PORT", "BOT_REDIS_PASSWORD", "BOT_REDIS_DB")) == expected
    )


def test_the_rasa_deploy_endpoints_read_every_variable_the_cluster_sets():
    text = (Path(__file__).resolve().parents[2] / CLUSTER_ENDPOINTS).read_text()
    for name in (
        "BOT_ACTION_URL",
        "BOT_REDIS_HOST",
        "BOT_REDIS_PORT",
        "BOT_REDIS_PASSWORD",
        "BOT_REDIS_DB",
        "BOT_TRACKER_STORE_URL",
    ):
        assert "${" + name + "}" in text


def test_a_running_bot_run_announces_its_rasa_servers_so_bot_train_switches_them_all(monkeypatch, tmp_path):
    from bot import runner, running
    from bot.training.serving import default_rasa_urls

    monkeypatch.setattr(running, "RUNNING_RASA_FILE", tmp_path / "running-rasa-urls")
    monkeypatch.delenv("BOT_RASA_URLS", raising=False)
    config = cluster_settings()
    assert default_rasa_urls() == settings().rasa_urls  # nothing runs: the single Rasa of the settings
    with running.announced(runner.rasa_urls_of(cluster_services(config, MODEL), config)):
        assert default_rasa_urls() == ("http://127.0.0.1:6005", "http://127.0.0.1:6006")
        monkeypatch.setenv("BOT_RASA_URLS", "http://rasa-0:5005")
        assert default_rasa_urls() == ("http://rasa-0:5005",)  # the environment wins
    assert not running.RUNNING_RASA_FILE.exists()
    assert runner.rasa_urls_of(services(config, MODEL), config) == config.rasa_urls
