"""Rasa's server: `python -m bot.rasa_server --model … --port 5005 …` (any `rasa run` arguments).

It runs `rasa run --enable-api --jwt-secret SECRET <arguments>` in this process, so that Rasa's
HTTP API (which can switch the model: PUT /model) answers only requests with a JWT signed with
SECRET. SECRET is BOT_RASA_JWT_SECRET, else var/rasa-jwt-secret (bot/training/serving.py). Rasa
3.6's `rasa run` takes it only as an argument, and every local user can read a process's command
line (`ps`, /proc/PID/cmdline); so the secret is put into `sys.argv` after the process started,
where Rasa's argument parser reads it but /proc/PID/cmdline, which shows the arguments the process
was started with, never does. The secret reaches this process through its environment, which
only its owner (and root) can read.

It also spares Rasa a cost it pays on every action call: `jsonschema.validate` first checks the
(constant) response schema against its meta-schema, which took two thirds of Rasa's CPU per turn
(py-spy, bench/latency.py). Responses are checked against a validator built once instead; an
invalid one still goes through Rasa's own check and error.

And it keeps Rasa's polls of our model server (`models:` in the cluster's endpoints) from being
dropped when they come late: `pull_models_even_when_late`.
"""

from __future__ import annotations

import sys

from bot.service_secrets import jwt_secret

# Options that would put a secret back on the command line (or, --auth-token, into URLs and logs).
REFUSED = ("--jwt-secret", "--auth-token")
MODEL_PULL_JOB = "pull-model-from-server"  # the id rasa/core/agent.py gives its model-server polls


def rasa_arguments(arguments: list[str], secret: str) -> list[str]:
    """The `rasa` command line Rasa's own parser is given: `rasa run` with the API behind `secret`,
    then `arguments` (last, so that Rasa still reads a trailing model path as it would)."""
    for option in (argument.split("=", 1)[0] for argument in arguments):
        if option in REFUSED:
            raise SystemExit(
                f"bot.rasa_server gives Rasa its secret itself (BOT_RASA_JWT_SECRET); do not pass {option}"
            )
    return ["rasa", "run", "--enable-api", "--jwt-secret", secret, *arguments]


def validate_action_responses_with_a_built_validator() -> None:
    """Make RemoteAction._validate_action_result check responses with one prebuilt validator."""
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator = validator_for(schema)(schema)
    rasas_own = RemoteAction._validate_action_result

    def validate(action: RemoteAction, result: dict) -> bool:
        return validator.is_valid(result) or rasas_own(action, result)  # Rasa's own error when invalid

    RemoteAction._validate_action_result = validate


def pull_models_even_when_late() -> None:
    """Make Rasa's model-server polls run when they come late. Rasa schedules them as an
    APScheduler interval job, whose runs are dropped when they start more than 1 s late
    (APScheduler's default `misfire_grace_time`), as they do on a busy Rasa; Rasa turns APScheduler's
    log down to ERROR, so nothing says so, and a promotion then waits another whole interval
    (bench/model_rollout.py: 15.9 and 27.7 s with 10 s polls). A late poll now runs late, once."""
    import rasa.core.agent as agent
    from rasa.core import jobs

    schedule_as_rasa_does = agent._schedule_model_pulling

    async def schedule(*arguments) -> None:
        await schedule_as_rasa_does(*arguments)
        (await jobs.scheduler()).modify_job(MODEL_PULL_JOB, misfire_grace_time=None, coalesce=True)

    agent._schedule_model_pulling = schedule


def main() -> None:
    """Run Rasa's command-line interface (what the `rasa` script runs) as `rasa_arguments`."""
    sys.argv = rasa_arguments(sys.argv[1:], jwt_secret())
    validate_action_responses_with_a_built_validator()
    pull_models_even_when_late()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
