"""The model records, the in-service pointer, rollback and `bot model history` on a models dir of
model files (the registry only reads records and names, so the files need not be real models),
and the JWT that switches the running Rasa."""

from __future__ import annotations

import os
import stat

import jwt
import pytest

from bot import running, service_secrets
from bot.cli import main
from bot.training import registry, serving
from bot.training.registry import PROMOTED, REJECTED, WITHDRAWN


@pytest.fixture
def models_dir(tmp_path, monkeypatch):
    directory = tmp_path / "models"
    directory.mkdir()
    monkeypatch.setenv("BOT_MODELS_DIR", str(directory))
    monkeypatch.setenv("BOT_RASA_PORT", "9")  # nothing listens there: switching says no Rasa answered
    monkeypatch.delenv("BOT_RASA_URLS", raising=False)
    # nor at the Rasa servers a `bot run` on this machine announced (the cluster tests start one)
    monkeypatch.setattr(running, "RUNNING_RASA_FILE", tmp_path / "running-rasa-urls")
    monkeypatch.setenv("BOT_RASA_JWT_SECRET", "a-test-secret-of-at-least-32-characters")
    return directory


def add(models_dir, name: str, hour: int, status: str):
    model = models_dir / f"{name}.tar.gz"
    model.write_bytes(b"")
    registry.write_record(
        model,
        {
            "model": model.name,
            "trained_at": f"2026-11-28T{hour:02d}:00:00+00:00",
            "status": status,
            "scores": {"accuracy": 0.9, "macro_f1": 0.95, "failed_stories": [], "stories": 64},
        },
    )
    if status == PROMOTED:
        registry.put_in_service(model, "test")
    return model


def test_put_in_service_moves_the_pointer_and_marks_the_record(models_dir):
    assert registry.in_service(models_dir) is None
    a = add(models_dir, "a", 1, PROMOTED)
    assert registry.in_service(models_dir) == a
    record = registry.read_record(a)
    assert record["status"] == PROMOTED and record["promoted_at"] and record["reason"] == "test"
    a.unlink()
    assert registry.in_service(models_dir) is None  # the pointer never names a missing file


def test_rollback_goes_to_the_previous_promoted_model_and_skips_rejected_ones(models_dir, capsys):
    a = add(models_dir, "a", 1, PROMOTED)
    add(models_dir, "b", 2, REJECTED)
    c = add(models_dir, "c", 3, PROMOTED)
    assert main(["model", "rollback"]) == 0
    assert registry.in_service(models_dir) == a
    assert (
        registry.read_record(c)["status"] == WITHDRAWN
        and registry.read_record(c)["reason"] == "rolled back to a.tar.gz"
    )
    assert registry.read_record(a)["reason"] == "rollback from c.tar.gz"
    out = capsys.readouterr().out
    assert "In service now: a.tar.gz (instead of c.tar.gz)." in out and "No Rasa answered at" in out
    assert main(["model", "rollback"]) == 2  # a is the oldest
    assert "none to roll back to" in capsys.readouterr().err


def test_rollback_to_a_named_model(models_dir, capsys):
    add(models_dir, "a", 1, PROMOTED)
    add(models_dir, "b", 2, REJECTED)
    add(models_dir, "c", 3, PROMOTED)
    registry.rollback(models_dir)  # c withdrawn, a in service
    assert main(["model", "rollback", "c"]) == 0  # a withdrawn model may come back
    assert registry.in_service(models_dir).name == "c.tar.gz"
    for name, message in (("b", "never been in service"), ("c", "already in service"), ("nope", "No model called")):
        assert main(["model", "rollback", name]) == 2
        assert message in capsys.readouterr().err


def test_history_lists_models_with_scores_status_and_the_one_in_service(models_dir, capsys):
    add(models_dir, "a", 1, PROMOTED)
    add(models_dir, "b", 2, REJECTED)
    assert main(["model", "history"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split() == ["*", "a", "2026-11-28", "01:00:00", "0.900", "0.950", "0", "/", "64", "promoted"]
    assert lines[2].split() == ["b", "2026-11-28", "02:00:00", "0.900", "0.950", "0", "/", "64", "rejected"]


def test_history_marks_a_model_below_the_quality_floor(models_dir, capsys):
    model = add(models_dir, "a", 1, PROMOTED)
    registry.update_record(model, below_floor=["held-out macro-F1 0.610 is below the floor of 0.85"])
    assert main(["model", "history"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1].split()[-1] == "promoted!" and "! = below the quality floor" in out
    assert main(["model", "history", "--reasons"]) == 0
    assert "a: below the quality floor: held-out macro-F1 0.610 is below the floor of 0.85" in capsys.readouterr().out


def test_the_jwt_secret_is_made_once_and_readable_only_by_its_owner(tmp_path, monkeypatch):
    monkeypatch.delenv("BOT_RASA_JWT_SECRET", raising=False)
    secret_file = tmp_path / "var" / "rasa-jwt-secret"
    secret = service_secrets.jwt_secret(secret_file=secret_file)
    assert len(secret) >= 40 and service_secrets.jwt_secret(secret_file=secret_file) == secret
    assert stat.S_IMODE(os.stat(secret_file).st_mode) == 0o600
    monkeypatch.setenv("BOT_RASA_JWT_SECRET", "from-the-environment-" + "x" * 20)
    assert service_secrets.jwt_secret(secret_file=secret_file) == "from-the-environment-" + "x" * 20


def test_the_token_is_what_rasa_requires_for_admin_endpoints():
    payload = jwt.decode(serving.admin_token("s" * 32), "s" * 32, algorithms=["HS256"])
    assert payload["user"]["role"] == "admin" and payload["exp"] - payload["iat"] == serving.TOKEN_SECONDS


def test_ensure_trains_nothing_when_the_model_in_service_is_current_or_a_rollback_was_made(project, database):
    from bot.training.model import fingerprint
    from bot.training.pipeline import ensure

    project.models_dir.mkdir()
    old = add(project.models_dir, "a", 1, PROMOTED)
    new = add(project.models_dir, "b", 2, PROMOTED)
    registry.update_record(new, fingerprint=fingerprint(project))
    said = []
    assert ensure(project, say=said.append) is None
    assert said == ["The model in service (b.tar.gz) was trained on the current data."]
    registry.rollback(project.models_dir)  # b withdrawn, a (trained on other data) in service
    assert ensure(project, say=said.append) is None
    assert registry.in_service(project.models_dir) == old
    assert "b.tar.gz, trained on the current data, was rolled back (rolled back to a.tar.gz)" in said[-1]


def test_bot_run_starts_rasa_with_its_api_behind_jwt_only_and_the_secret_off_its_command_line(monkeypatch, tmp_path):
    from rasa.__main__ import create_argument_parser

    from bot.config import settings
    from bot.rasa_server import rasa_arguments
    from bot.runner import service_environment, services

    secret = "q3T8-vXm2Lr9Kz4Wc7Nh1Bd6Py5Gf0Js"  # random-looking: a guessable one is refused
    for name in ("BOT_RASA_JWT_SECRET", "BOT_CHANNEL_SECRET", "BOT_ACTION_SECRET"):  # nothing generated into var/
        monkeypatch.setenv(name, secret)
    command = next(s for s in services(settings(), tmp_path / "m.tar.gz") if s.name == "rasa").command
    assert command[1:3] == ["-m", "bot.rasa_server"]
    assert not any(secret in argument or argument in ("--jwt-secret", "--auth-token") for argument in command)
    assert service_environment(settings())["BOT_RASA_JWT_SECRET"] == secret  # where bot.rasa_server reads it

    parsed = create_argument_parser().parse_args(rasa_arguments(command[3:], secret)[1:])  # as Rasa's CLI parses it
    assert parsed.func.__module__ == "rasa.cli.run" and parsed.enable_api and parsed.jwt_secret == secret
    assert parsed.auth_token is None and parsed.model == str(tmp_path / "m.tar.gz") and parsed.interface == "127.0.0.1"


@pytest.mark.parametrize("argument", ["--jwt-secret", "--jwt-secret=x", "--auth-token"])
def test_the_rasa_entry_point_refuses_a_secret_on_its_command_line(argument):
    from bot.rasa_server import rasa_arguments

    with pytest.raises(SystemExit, match=argument.split("=")[0]):
        rasa_arguments(["--port", "5005", argument, "x" * 32], "s" * 40)
