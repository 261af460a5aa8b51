"""Readers of deploy/ for the deploy tests: the compose file, the Kubernetes manifests, their
workloads, containers and settings."""

from __future__ import annotations

import yaml

from bot.config import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"
K8S = sorted((DEPLOY / "k8s").glob("*.yaml"))


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


def manifests() -> list[dict]:
    return [doc for path in K8S for doc in yaml.safe_load_all(path.read_text()) if doc]


def workloads() -> dict[str, dict]:
    """The Deployments, StatefulSets, CronJobs and Jobs by short name (rasa, actions, web, redis, purge,
    setup, trainer)."""
    return {
        d["metadata"]["name"].removeprefix("digihjelpen-"): d
        for d in manifests()
        if d["kind"] in ("Deployment", "StatefulSet", "CronJob", "Job")
    }


def pod_spec(workload: dict) -> dict:
    spec = workload["spec"]["jobTemplate"]["spec"] if workload["kind"] == "CronJob" else workload["spec"]
    return spec["template"]["spec"]


def containers(workload: dict) -> list[dict]:
    spec = pod_spec(workload)
    return [*spec.get("initContainers", []), *spec["containers"]]


def main_container(workload: dict) -> dict:
    """The container that runs the workload's service (the first; sidecars follow it)."""
    return pod_spec(workload)["containers"][0]


def k8s_value(container: dict, name: str) -> str:
    """The value the container's variable `name` gets, literal or from the ConfigMap."""
    entry = next(e for e in container.get("env", []) if e["name"] == name)
    if "value" in entry:
        return entry["value"]
    return configmap()[entry["valueFrom"]["configMapKeyRef"]["key"]]


def k8s_service(name: str) -> dict:
    return next(d for d in manifests() if d["kind"] == "Service" and d["metadata"]["name"] == name)


def k8s_env(container: dict) -> set[str]:
    names = {e["name"] for e in container.get("env", [])}
    for source in container.get("envFrom", []):
        names |= set(configmap()) if "configMapRef" in source else set(secret()["stringData"])
    return names


def configmap() -> dict:
    return next(d for d in manifests() if d["kind"] == "ConfigMap")["data"]


def secret() -> dict:
    return next(d for d in manifests() if d["kind"] == "Secret")
