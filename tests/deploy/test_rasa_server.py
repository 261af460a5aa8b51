"""bot.rasa_server's check of action server responses: the same verdicts as Rasa's own, from a
validator built once. Run in a subprocess, because Rasa's action module imports TensorFlow, which
the test process keeps out (tests/conftest.py)."""

from __future__ import annotations

import json
import subprocess
import sys

from bot.config import PROJECT_ROOT

CHECK = r"""
import json, sys
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig
from bot.rasa_server import validate_action_responses_with_a_built_validator

def verdicts():
    action = RemoteAction("action_x", EndpointConfig("http://x"))
    found = []
    for result in json.loads(sys.argv[1]):
        try:
            found.append(str(action._validate_action_result(result)))
        except ValidationError as error:
            found.append("invalid" + (": Rasa's message" if "Failed to validate Action server response" in error.message else ""))
    return found

before = verdicts()
validate_action_responses_with_a_built_validator()
print(json.dumps({"before": before, "after": verdicts(), "patched": RemoteAction._validate_action_result.__module__}))
"""
RESPONSES = [
    {
        "events": [{"event": "slot", "name": "tool", "value": "teams"}],
        "responses": [{"text": "Microsoft Teams …", "buttons": [{"title": "Tilgang", "payload": "/tool_access"}]}],
    },
    {"events": "not a list"},
    {"events": [{"no_event_key": 1}]},
    {"events": [{"event": "slot"}], "responses": "not a list"},
]


def test_action_responses_get_the_same_verdicts_and_rasas_own_error_from_the_built_validator():
    run = subprocess.run(
        [sys.executable, "-c", CHECK, json.dumps(RESPONSES)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["patched"] == "bot.rasa_server"
    assert result["after"] == result["before"]
    assert result["after"][0] == "True"
    assert result["after"][1:] == ["invalid: Rasa's message"] * 3
