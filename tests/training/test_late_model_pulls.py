"""Rasa's polls of the model server run even when they start late (bot.rasa_server): APScheduler
would drop a run more than 1 s late, and a promotion would wait another interval. In a subprocess,
because rasa.core.agent imports TensorFlow, which the test process keeps out (tests/conftest.py)."""

from __future__ import annotations

import json
import subprocess
import sys

from bot.config import PROJECT_ROOT

CHECK = r"""
import asyncio, json, sys
from rasa.core import agent, jobs
from rasa.utils.endpoints import EndpointConfig
from bot.rasa_server import MODEL_PULL_JOB, pull_models_even_when_late

async def main():
    if sys.argv[1] == "patched":
        pull_models_even_when_late()
    await agent._schedule_model_pulling(EndpointConfig("http://127.0.0.1:9/models/in-service"), 10, None)
    job = (await jobs.scheduler()).get_job(MODEL_PULL_JOB)
    print(json.dumps({"grace": job.misfire_grace_time, "coalesce": job.coalesce, "seconds": job.trigger.interval.seconds}))

asyncio.run(main())
"""


def scheduled(how: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", CHECK, how], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_late_model_pull_runs_instead_of_being_dropped():
    assert scheduled("as rasa does")["grace"] == 1  # what Rasa leaves it at: a run 1 s late is dropped
    assert scheduled("patched") == {"grace": None, "coalesce": True, "seconds": 10}
