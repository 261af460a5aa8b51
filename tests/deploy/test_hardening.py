"""Container hardening and retention in deploy/, checked statically: every Kubernetes container
runs as non-root without privilege escalation, capabilities or a writable root filesystem (its
writable paths are emptyDirs), under seccomp's default profile and without a service account
token; egress is denied unless a policy allows it; every compose service is read-only, drops its
capabilities and cannot gain privileges; the build context leaves var/ and the other secrets out;
the runtime image has no build tools; and the retention purge is scheduled in both variants over
every store that keeps message text."""

from __future__ import annotations

import re
from fnmatch import fnmatch

import pytest
from deploy_files import DEPLOY, compose, containers, main_container, manifests, pod_spec, workloads

from bot.retention import STORES

PROJECT = DEPLOY.parent
# Compose services of images that must start as root for a moment, and the capabilities they need.
CAPABILITIES = {"proxy": {"NET_BIND_SERVICE"}, "postgres": {"CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"}}
BUILD_TOOLS = re.compile(r"build-essential|\bgcc\b|\bg\+\+|\bmake\b|-dev\b|\bcmake\b|\bgit\b")


def effective(workload: dict, container: dict, key: str):
    """A security setting as the container gets it: its own, else the pod's."""
    own = container.get("securityContext", {})
    return own[key] if key in own else pod_spec(workload).get("securityContext", {}).get(key)


def every_container():
    for name, workload in workloads().items():
        for container in containers(workload):
            yield f"{name}/{container['name']}", workload, container


def test_every_kubernetes_container_is_hardened():
    found = list(every_container())
    assert {where for where, _, _ in found} >= {
        "web/migrate",
        "web/web",
        "rasa/rasa",
        "actions/actions",
        "actions/spool-retention",
        "redis/redis",
        "purge/purge",
        "web/seed-models",
        "trainer/trainer",
    }
    for where, workload, container in found:
        assert effective(workload, container, "runAsNonRoot") is True, where
        assert effective(workload, container, "seccompProfile") == {"type": "RuntimeDefault"}, where
        context = container.get("securityContext", {})
        assert context.get("allowPrivilegeEscalation") is False, where
        assert context.get("readOnlyRootFilesystem") is True, where
        assert context.get("capabilities") == {"drop": ["ALL"]}, where
        assert not context.get("privileged"), where
    for name, workload in workloads().items():
        assert pod_spec(workload)["automountServiceAccountToken"] is False, name


def test_each_writable_path_is_an_empty_dir_or_a_volume():
    """The image sets HOME=/tmp: Rasa unpacks models and writes ~/.config there, TensorFlow and
    tempfile too. /tmp is an emptyDir in every container; the actions' spool is their volume."""
    assert re.search(r"^\s+HOME=/tmp\b", (DEPLOY / "Dockerfile").read_text(), re.M)
    for where, workload, container in every_container():
        volumes = {volume["name"]: volume for volume in pod_spec(workload).get("volumes", [])}
        mounts = {mount["mountPath"]: mount["name"] for mount in container.get("volumeMounts", [])}
        assert "/tmp" in mounts, f"{where} has no writable /tmp"
        assert "emptyDir" in volumes[mounts["/tmp"]], where
        assert volumes[mounts["/tmp"]]["emptyDir"].get("sizeLimit"), f"{where}: an emptyDir without a limit"
    rasa_tmp = next(v for v in pod_spec(workloads()["rasa"])["volumes"] if v["name"] == "tmp")
    assert rasa_tmp["emptyDir"]["sizeLimit"] == "2Gi"  # a model unpacked, and the one it switches to


def policies() -> list[dict]:
    return [d for d in manifests() if d["kind"] == "NetworkPolicy"]


def selected(policy: dict, labels: dict) -> bool:
    return policy["spec"]["podSelector"].get("matchLabels", {}).items() <= labels.items()


def pod_labels(workload: dict) -> dict:
    spec = workload["spec"]["jobTemplate"]["spec"] if workload["kind"] == "CronJob" else workload["spec"]
    return spec["template"]["metadata"]["labels"]


def allowed_ports(name: str, direction: str) -> set[int]:
    labels = pod_labels(workloads()[name])
    ports = set()
    for policy in policies():
        if selected(policy, labels) and policy["spec"]["podSelector"]:  # the DNS policy selects every pod
            for rule in policy["spec"].get(direction, []):
                ports |= {port["port"] for port in rule.get("ports", [])}
    return ports


def test_egress_and_ingress_are_denied_unless_allowed():
    deny = next(p for p in policies() if p["spec"]["podSelector"] == {} and "ingress" not in p["spec"])
    assert set(deny["spec"]["policyTypes"]) == {"Ingress", "Egress"} and "egress" not in deny["spec"]
    dns = next(p for p in policies() if p["spec"]["podSelector"] == {} and "egress" in p["spec"])
    assert {port["port"] for rule in dns["spec"]["egress"] for port in rule["ports"]} == {53}
    assert allowed_ports("web", "egress") == {5005, 5055, 6379, 5432, 443}  # rasa, actions' health, redis, …, OIDC
    assert allowed_ports("rasa", "egress") == {5055, 8081, 6379, 5432, 443}  # actions, model pull, …, Teams
    assert allowed_ports("actions", "egress") == {5432}
    assert allowed_ports("purge", "egress") == {5432}
    assert allowed_ports("setup", "egress") == {5432}
    assert allowed_ports("trainer", "egress") == {5432}  # trains from PostgreSQL and the image
    assert allowed_ports("redis", "egress") == set()
    assert allowed_ports("web", "ingress") == {8080, 8081}
    assert allowed_ports("rasa", "ingress") == {5005}
    assert allowed_ports("actions", "ingress") == {5055}
    assert allowed_ports("redis", "ingress") == {6379}
    assert allowed_ports("purge", "ingress") == set()
    assert allowed_ports("setup", "ingress") == set()
    assert allowed_ports("trainer", "ingress") == set()


def test_only_the_ingress_controller_reaches_the_public_port_and_only_rasa_and_admins_the_internal_one():
    web = next(p for p in policies() if p["metadata"]["name"] == "digihjelpen-web")
    sources = {rule["ports"][0]["port"]: rule["from"] for rule in web["spec"]["ingress"]}
    assert sources[8080] == [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}}]
    assert sources[8081] == [
        {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "rasa"}}},
        {"namespaceSelector": {"matchLabels": {"digihjelpen/admin-access": "true"}}},
    ]
    for policy in policies():  # HTTPS leaves for public addresses only, never the cluster's networks
        for rule in policy["spec"].get("egress", []):
            if {port["port"] for port in rule.get("ports", [])} == {443}:
                [block] = rule["to"]
                assert block["ipBlock"]["cidr"] == "0.0.0.0/0"
                assert {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"} <= set(block["ipBlock"]["except"])


def test_every_compose_service_is_hardened():
    for name, service in compose()["services"].items():
        assert service["read_only"] is True, name
        assert service["cap_drop"] == ["ALL"], name
        assert "no-new-privileges:true" in service["security_opt"], name
        assert set(service.get("cap_add", [])) == CAPABILITIES.get(name, set()), name
        assert not service.get("privileged"), name
        assert any(path.split(":")[0] == "/tmp" for path in service.get("tmpfs", [])) or name == "proxy", name
    for name in ("web", "rasa", "actions", "migrate", "purge", "trainer"):
        assert compose()["services"][name]["tmpfs"][0].startswith("/tmp:size="), name
    assert compose()["services"]["redis"]["user"] == "999:999"


def dockerignore() -> list[str]:
    lines = (PROJECT / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def ignored(path: str) -> bool:
    """Docker's rule: the last pattern that matches a path (or a parent of it) decides."""
    verdict = False
    for pattern in dockerignore():
        negated, pattern = pattern.startswith("!"), pattern.removeprefix("!").rstrip("/")
        parts = path.split("/")
        prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
        if any(fnmatch(prefix, pattern) or fnmatch(prefix, pattern.removeprefix("**/")) for prefix in prefixes):
            verdict = not negated
        elif pattern.startswith("**/") and any(fnmatch(part, pattern[3:]) for part in parts):
            verdict = not negated
    return verdict


@pytest.mark.parametrize(
    "path",
    [
        "var/channel-secret",
        "var/rasa-jwt-secret",
        "var/bot.db",
        ".venv/bin/python",
        ".git/config",
        "deploy/.env",
        "deploy/certs/tls.key",
        "tests/conftest.py",
        "bench/README.md",
        "models/in-service.json",
        "bot/__pycache__/config.cpython-310.pyc",
        "tests/oidc_provider/node_modules/x/index.js",
    ],
)
def test_the_build_context_leaves_secrets_and_what_the_image_does_not_need_out(path):
    assert ignored(path)


@pytest.mark.parametrize(
    "path",
    [
        "bot/config.py",
        "actions/actions.py",
        "data/catalogue/tools.yml",
        "requirements.lock",
        "pyproject.toml",
        "README.md",
        "config.yml",
        "deploy/endpoints.production.yml",
        "models/20261204-101500.tar.gz",
    ],
)
def test_the_build_context_keeps_what_the_dockerfile_copies(path):
    assert not ignored(path)


def stages() -> dict[str, str]:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    parts = re.split(r"^FROM ", dockerfile, flags=re.M)[1:]
    return {part.split("\n", 1)[0].split(" AS ")[-1].strip(): part for part in parts}


def test_the_runtime_stage_has_no_build_tools():
    found = stages()
    assert list(found) == ["build", "runtime"]
    assert "build-essential" in found["build"]
    runtime = found["runtime"]
    installed = re.findall(r"apt-get install[^\n]*?--no-install-recommends ([^\n&\\]+)", runtime)
    assert [packages.split() for packages in installed] == [["libpq5"]]
    assert not BUILD_TOOLS.search(re.sub(r"#[^\n]*", "", runtime.replace("pip install", "")))
    assert "COPY --from=build /opt/venv /opt/venv" in runtime
    assert re.search(r"^USER 10001$", runtime, re.M)


def purge_stores(command: list[str]) -> set[str]:
    """The stores a `bot privacy purge` command line covers."""
    assert command[:3] == ["bot", "privacy", "purge"], command
    named = {command[i + 1] for i, part in enumerate(command) if part == "--store"}
    return named or set(STORES)


def test_compose_runs_the_purge_daily_over_every_store():
    purge = compose()["services"]["purge"]
    command = purge["command"]
    assert purge_stores(command) == set(STORES)
    assert command[command.index("--every") + 1] == "24"
    actions = compose()["services"]["actions"]
    assert f"spool:{purge['environment']['BOT_SPOOL_DIR']}" in purge["volumes"]  # the actions' spool
    assert purge["environment"]["BOT_SPOOL_DIR"] == actions["environment"]["BOT_SPOOL_DIR"]
    assert purge["environment"]["BOT_RETENTION_DAYS"] == "${BOT_RETENTION_DAYS:-30}"
    assert (
        purge["environment"]["BOT_EVENT_BROKER_URL"]
        == compose()["services"]["rasa"]["environment"]["BOT_EVENT_BROKER_URL"]
    )


def test_kubernetes_runs_the_purge_daily_and_each_action_server_purges_its_own_spool():
    cronjob = workloads()["purge"]
    assert cronjob["kind"] == "CronJob"
    assert re.fullmatch(r"\d+ \d+ \* \* \*", cronjob["spec"]["schedule"])  # once a day
    assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"
    covered = purge_stores(main_container(cronjob)["command"])
    actions = workloads()["actions"]
    sidecar = next(c for c in containers(actions) if c["name"] == "spool-retention")
    assert purge_stores(sidecar["command"]) == {"spool"}
    assert sidecar["command"][sidecar["command"].index("--every") + 1] == "24"
    spool_mount = next(m for m in main_container(actions)["volumeMounts"] if m["mountPath"] == "/app/var/spool")
    assert spool_mount in sidecar["volumeMounts"]
    rasa_env = {entry["name"] for entry in main_container(workloads()["rasa"])["env"]}
    # No event broker is configured in the manifests; the CronJob covers every other store.
    assert "BOT_EVENT_BROKER_URL" not in rasa_env
    assert covered | {"spool"} == set(STORES) - {"event-broker"}
