"""`bot run`: the action server, Rasa and the web service (or a local cluster of them)."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.common import UsageError


def cmd_run(args) -> int:
    """Start the action server, Rasa and the web service (after `make run` has prepared them), or
    with --cluster several of the first two on PostgreSQL and Redis."""
    import asyncio

    from bot.config import settings
    from bot.runner import (
        addresses,
        cluster_problems,
        cluster_services,
        rasa_urls_of,
        run_all,
        service_environment,
        services,
    )
    from bot.running import announced
    from bot.training.model import ensure_spacy_model
    from bot.training.registry import in_service

    config = settings()
    model = Path(args.model) if args.model else in_service(config.models_dir)
    if model is None:
        raise UsageError("No model is in service. Train one with: bot train")
    if not model.is_file():
        raise UsageError(f"No model file {model}")
    if args.cluster:
        problems = cluster_problems(config)
        if problems:
            raise UsageError("bot run --cluster: " + "; ".join(problems))
        served = in_service(config.models_dir)
        if served is None or served.name != model.name:  # the replicas pull the model in service
            raise UsageError(f"bot run --cluster serves the model in service in {config.models_dir}, not {model.name}")
        if args.replicas < 1:
            raise UsageError("--replicas must be at least 1")
    ensure_spacy_model()
    chosen = cluster_services(config, model, args.replicas) if args.cluster else services(config, model)
    address = addresses(config)
    print(f"Starting Digihjelpen (Ctrl-C stops); it says when it is ready at {address}", flush=True)
    with announced(rasa_urls_of(chosen, config)):
        return asyncio.run(run_all(chosen, service_environment(config), address))


def add_commands(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("run", help="start the action server, Rasa and the web service")
    p.add_argument(
        "--cluster",
        action="store_true",
        help="the production topology: several Rasa and action servers on PostgreSQL and Redis",
    )
    p.add_argument("--replicas", type=int, default=2, help="Rasa and action servers with --cluster (default 2)")
    p.add_argument("--model", help="the model file to serve (default: the model in service)")
    p.set_defaults(func=cmd_run)
