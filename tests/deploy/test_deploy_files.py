"""deploy/ checked without a container engine: the YAML parses, the compose services and the
Kubernetes manifests set exactly the variables our code and the production endpoints read, every
service has probes and limits, the web service addresses every Rasa pod of the StatefulSet by
name, the action servers keep their spool on per-pod volumes, nothing secret is committed or passed
on a command line, and the image installs the lock. Only the web service's public surface is
published (never /admin or /api/v1), retention runs in both variants, every container is hardened
and egress is denied unless allowed (tests/deploy/test_hardening.py). The production endpoints file
is loaded by Rasa itself against the real Redis (BOT_TEST_REDIS_URL)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import uuid

import pytest
import yaml
from deploy_files import (
    DEPLOY,
    K8S,
    compose,
    configmap,
    containers,
    k8s_env,
    k8s_service,
    k8s_value,
    main_container,
    manifests,
    pod_spec,
    secret,
    workloads,
)

from bot.config import PROJECT_ROOT
from bot.training import registry

OUR_SERVICES = ("web", "rasa", "actions", "migrate", "purge", "trainer")
# Variables our containers may set that are read by what we run rather than by our code.
THIRD_PARTY = {"PYTHONUNBUFFERED", "RASA_TELEMETRY_ENABLED", "TF_CPP_MIN_LOG_LEVEL", "SANIC_HOST"}
# Secret keys a manifest mounts as a file for its own shell to read (setup.yaml's first admin).
MOUNTED_AS_FILES = {"BOT_FIRST_ADMIN_PASSWORD"}
# Settings each service cannot do without in production (the embedded defaults are for laptops).
REQUIRED = {
    "web": {
        "BOT_DATABASE_URL",
        "BOT_TRACKER_STORE_URL",
        "BOT_SESSION_SECRET",
        "BOT_HOST",
        "BOT_CHANNEL_SECRET",
        "BOT_ADMIN_PORT",
    },
    "rasa": {
        "BOT_TRACKER_STORE_URL",
        "BOT_RASA_JWT_SECRET",
        "BOT_DATABASE_URL",
        "BOT_CHANNEL_SECRET",
        "BOT_ACTION_SECRET",
    },
    "actions": {"BOT_DATABASE_URL", "BOT_ACTION_SECRET"},
    "purge": {"BOT_DATABASE_URL", "BOT_TRACKER_STORE_URL", "BOT_RETENTION_DAYS"},
    "redis": {"BOT_REDIS_PASSWORD"},
    "setup": {"BOT_DATABASE_URL"},
    "trainer": {"BOT_DATABASE_URL"},
}
SECRET_NAME = re.compile(r"SECRET|PASSWORD|TOKEN|_URL$")
PLACEHOLDER = re.compile(r"^(|REPLACE_ME|\$\{[A-Z_]+(:?[?-][^}]*)?\})$")


def variables_read_by_code() -> set[str]:
    sources = [*PROJECT_ROOT.glob("bot/**/*.py"), *PROJECT_ROOT.glob("actions/**/*.py")]
    names = set()
    for source in sources:
        names |= set(re.findall(r"\b(BOT_[A-Z0-9_]+)\b", source.read_text(encoding="utf-8")))
    return names | variables_in_endpoints()


def variables_in_endpoints() -> set[str]:
    return set(re.findall(r"\$\{(\w+)\}", (DEPLOY / "endpoints.production.yml").read_text()))


def test_every_yaml_file_parses_and_names_its_kind():
    assert {p.name for p in K8S} >= {
        "configmap.yaml",
        "secret.template.yaml",
        "rasa.yaml",
        "actions.yaml",
        "web.yaml",
        "admin-ingress.yaml",
        "redis.yaml",
        "purge.yaml",
        "networkpolicy.yaml",
        "models.yaml",
        "trainer.yaml",
    }
    for document in manifests():
        assert document["apiVersion"] and document["kind"] and document["metadata"]["name"]
    assert set(compose()["services"]) == {
        "proxy",
        "web",
        "rasa",
        "actions",
        "migrate",
        "purge",
        "trainer",
        "postgres",
        "redis",
    }
    assert yaml.safe_load((DEPLOY / "endpoints.production.yml").read_text())


def test_compose_services_set_only_variables_the_code_reads_and_all_it_requires():
    known = variables_read_by_code() | THIRD_PARTY
    services = compose()["services"]
    for name in OUR_SERVICES:
        env = set(services[name].get("environment", {}))
        assert env <= known, f"{name} sets variables nothing reads: {sorted(env - known)}"
        assert REQUIRED.get(name, set()) <= env, f"{name} lacks {sorted(REQUIRED[name] - env)}"
    assert variables_in_endpoints() <= set(services["rasa"]["environment"])
    assert "BOT_RASA_HOST" in services["web"]["environment"]  # compose runs one Rasa, reached by its service name


def test_k8s_containers_set_only_variables_the_code_reads_and_all_it_requires():
    known = variables_read_by_code() | THIRD_PARTY | MOUNTED_AS_FILES
    found = workloads()
    assert set(found) == {"rasa", "actions", "web", "redis", "purge", "setup", "trainer"}
    for name, workload in found.items():
        for container in containers(workload):
            env = k8s_env(container)
            assert env <= known, f"{name}/{container['name']} sets variables nothing reads: {sorted(env - known)}"
        assert REQUIRED[name] <= k8s_env(main_container(workload))
    assert "BOT_RASA_URLS" in k8s_env(main_container(found["web"]))
    assert variables_in_endpoints() <= k8s_env(main_container(found["rasa"]))
    keys = set(configmap()) | set(secret()["stringData"])
    for workload in found.values():
        for container in containers(workload):
            for entry in container.get("env", []):
                if "value" in entry:
                    continue
                ref = entry.get("valueFrom", {})
                key = (ref.get("configMapKeyRef") or ref.get("secretKeyRef") or {}).get("key", entry["name"])
                assert key in keys, f"{entry['name']} refers to {key}, which neither the ConfigMap nor the Secret has"
    assert set(configmap()) | set(secret()["stringData"]) <= known


def test_replicas_probes_and_resources():
    found = workloads()
    assert found["rasa"]["spec"]["replicas"] >= 2 and found["actions"]["spec"]["replicas"] >= 2
    assert found["web"]["spec"]["replicas"] >= 2  # possible since the rate limits are shared in Redis
    assert "BOT_RATE_LIMIT_URL" in k8s_env(main_container(found["web"]))
    assert compose()["services"]["web"]["environment"]["BOT_RATE_LIMIT_URL"].endswith("@redis:6379/2")
    paths = {"web": "/health/live", "rasa": "/", "actions": "/health"}
    for name, workload in found.items():
        for container in containers(workload):
            assert {"requests", "limits"} <= set(container["resources"]), f"{name}/{container['name']}"
            assert {"cpu", "memory"} <= set(container["resources"]["limits"])
        if name not in paths:
            continue
        main = main_container(workload)
        for probe in ("readinessProbe", "livenessProbe"):
            assert main[probe]["httpGet"]["path"] == paths[name], (name, probe)
            assert main[probe]["httpGet"]["port"] in ("http", main["ports"][0]["containerPort"])
    redis = main_container(found["redis"])
    assert redis["readinessProbe"]["tcpSocket"] and redis["livenessProbe"]["tcpSocket"]
    for name, service in compose()["services"].items():
        assert service["deploy"]["resources"]["limits"]["memory"] if name != "proxy" else True
        if name not in ("proxy", "migrate", "purge", "trainer"):  # trainer: no port, nothing to ask
            assert service["healthcheck"]["test"], name


def rasa_pod_urls(documents: list[dict]) -> list[str]:
    """The URL of each pod of the Rasa StatefulSet: pod name, headless Service, container port."""
    rasa = next(d for d in documents if d["kind"] == "StatefulSet" and d["metadata"]["name"] == "digihjelpen-rasa")
    port = rasa["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"]
    return [
        f"http://{rasa['metadata']['name']}-{n}.{rasa['spec']['serviceName']}:{port}"
        for n in range(rasa["spec"]["replicas"])
    ]


def web_rasa_urls(documents: list[dict]) -> list[str]:
    web = next(d for d in documents if d["metadata"]["name"] == "digihjelpen-web" and d["kind"] == "Deployment")
    return k8s_value(main_container(web), "BOT_RASA_URLS").split(",")


def test_the_web_service_addresses_every_rasa_pod_by_name():
    rasa = workloads()["rasa"]
    assert rasa["kind"] == "StatefulSet"
    governing = k8s_service(rasa["spec"]["serviceName"])
    assert governing["spec"]["clusterIP"] == "None"  # headless: a DNS name per pod, no load balancing
    assert governing["spec"]["selector"].items() <= rasa["spec"]["template"]["metadata"]["labels"].items()
    configured, pods = web_rasa_urls(manifests()), rasa_pod_urls(manifests())
    assert len(set(configured)) == len(configured)
    assert sorted(configured) == sorted(pods), (
        f"the Rasa StatefulSet has {len(pods)} replicas, so BOT_RASA_URLS in web.yaml must be {','.join(pods)}"
    )


def test_the_action_servers_keep_their_spool_on_a_volume_of_their_own():
    """The action servers write the gap, inbox and feedback records; what waits in a pod's spool
    while the database is down must outlive the pod (compose: a named volume)."""
    actions = workloads()["actions"]
    assert actions["kind"] == "StatefulSet"
    pod = pod_spec(actions)
    container = main_container(actions)
    mount = next(m for m in container["volumeMounts"] if m["mountPath"] == k8s_value(container, "BOT_SPOOL_DIR"))
    assert mount["name"] in {claim["metadata"]["name"] for claim in actions["spec"]["volumeClaimTemplates"]}
    assert mount["name"] not in {volume["name"] for volume in pod.get("volumes", [])}  # no emptyDir shadowing it
    assert pod["securityContext"]["fsGroup"] == pod["securityContext"]["runAsUser"]  # the volume is writable
    actions_service = compose()["services"]["actions"]
    assert f"spool:{actions_service['environment']['BOT_SPOOL_DIR']}" in actions_service["volumes"]
    assert "spool" in compose()["volumes"]


def surface_paths(surface_name: str) -> set[str]:
    from dataclasses import replace

    from bot.config import settings
    from bot.web.app import Surface, create_app

    app = create_app(replace(settings(), session_secret=""), Surface[surface_name])
    return {resource.canonical for resource in app.router.resources()}


def public_paths() -> set[str]:
    """The routes only the web service's public surface has (bot/web/app.py): not the health
    checks both surfaces answer, which the probes reach directly."""
    return surface_paths("PUBLIC") - surface_paths("INTERNAL")


def ingress(name: str) -> dict:
    return next(d for d in manifests() if d["kind"] == "Ingress" and d["metadata"]["name"] == name)


def routes(ingress: dict) -> list[tuple[str, str, str, str]]:
    """(path, pathType, Service, port name) of every path of an Ingress."""
    return [
        (path["path"], path["pathType"], path["backend"]["service"]["name"], path["backend"]["service"]["port"]["name"])
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    ]


def test_the_ingress_routes_only_the_public_surface_the_teams_webhook_included():
    public = routes(ingress("digihjelpen"))
    assert {(service, port) for _, _, service, port in public} == {("digihjelpen-web", "http")}
    assert {path for path, _, _, _ in public} == public_paths()
    for path, kind, _, _ in public:
        assert not path.startswith(("/admin", "/api/v1")), path
        assert kind == "Exact" or (kind == "Prefix" and path == "/static"), (path, kind)  # no "/" prefix
    assert "/webhooks/teams/webhook" in public_paths()
    web = k8s_service("digihjelpen-web")
    assert {(p["name"], p["port"]) for p in web["spec"]["ports"]} == {("http", 8080), ("admin", 8081)}
    assert {(p["name"], p["containerPort"]) for p in main_container(workloads()["web"])["ports"]} == {
        ("http", 8080),
        ("admin", 8081),
    }
    assert configmap()["BOT_WEB_PORT"] == "8080" and configmap()["BOT_ADMIN_PORT"] == "8081"


def test_the_internal_surface_has_an_ingress_of_its_own_on_an_internal_class():
    admin = ingress("digihjelpen-admin")
    assert admin["spec"]["ingressClassName"] != ingress("digihjelpen")["spec"]["ingressClassName"]
    assert sorted(routes(admin)) == [
        ("/admin", "Prefix", "digihjelpen-web", "admin"),
        ("/api/v1", "Prefix", "digihjelpen-web", "admin"),
    ]
    assert "kubectl -n digihjelpen port-forward" in (DEPLOY / "k8s" / "admin-ingress.yaml").read_text()


def caddy_public_paths() -> list[str]:
    caddyfile = (DEPLOY / "Caddyfile").read_text()
    [line] = [line.strip() for line in caddyfile.splitlines() if line.strip().startswith("@public path ")]
    return line.removeprefix("@public path ").split()


def test_caddy_routes_only_the_public_surface_and_compose_publishes_the_internal_one_on_loopback():
    caddyfile = (DEPLOY / "Caddyfile").read_text()
    assert re.search(r"handle @public \{[^}]*reverse_proxy web:8080\n", caddyfile)
    assert re.search(r"handle \{\s*respond 404\s*\}", caddyfile)  # every other path
    paths = caddy_public_paths()
    assert not [path for path in paths if path.startswith(("/admin", "/api/v1"))]
    assert {path.removesuffix("/*") for path in paths} == public_paths()
    services = compose()["services"]
    assert services["web"]["ports"] == ["127.0.0.1:8081:8081"]
    assert services["web"]["environment"]["BOT_ADMIN_PORT"] == "8081"
    assert services["proxy"]["ports"] == ["80:80", "443:443"]
    published = {name for name, service in services.items() if "ports" in service}
    assert published == {"proxy", "web"}


def test_no_secret_values_are_committed():
    for name, value in secret()["stringData"].items():
        if SECRET_NAME.search(name):
            assert "REPLACE_ME" in value or value == "", f"{name} holds a value, not a placeholder"
    for name in configmap():
        assert not SECRET_NAME.search(name) or name in ("BOT_ACTION_URL", "BOT_MODEL_SERVER_URL"), (
            f"{name} belongs in the Secret"
        )
    for service in compose()["services"].values():
        for name, value in service.get("environment", {}).items():
            if re.search(r"SECRET|PASSWORD", name):
                assert PLACEHOLDER.match(str(value)), f"{name}={value!r} is not a ${{...}} reference"
            for password in re.findall(r"://[^:/@]+:([^@]*)@", str(value)):
                assert PLACEHOLDER.match(password), f"{name} has a password in its URL"
    for line in (DEPLOY / "env.example").read_text().splitlines():
        if re.match(r"[A-Z_]*(SECRET|PASSWORD)=", line):
            assert line.split("=", 1)[1] in ("",) or "REPLACE_ME" in line
    ignored = (PROJECT_ROOT / ".gitignore").read_text().splitlines()
    assert "deploy/.env" in ignored and "deploy/certs/" in ignored


def command_lines() -> dict[str, list[str]]:
    """Every command line deploy/ starts a process with (compose: command, entrypoint, healthcheck;
    Kubernetes: command and args, exec probes), by where it is written."""
    found = {}
    for name, service in compose()["services"].items():
        for key, value in (
            ("command", service.get("command")),
            ("entrypoint", service.get("entrypoint")),
            ("healthcheck", service.get("healthcheck", {}).get("test")),
        ):
            if value:
                found[f"compose {name} {key}"] = [value] if isinstance(value, str) else value
    for name, workload in workloads().items():
        for container in containers(workload):
            where = f"k8s {name}/{container['name']}"
            found[f"{where} command"] = [*container.get("command", []), *container.get("args", [])]
            for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                if "exec" in container.get(probe, {}):
                    found[f"{where} {probe}"] = container[probe]["exec"]["command"]
    return found


def test_no_command_line_carries_a_secret():
    """Every user of a host can read every process's command line (`ps`, /proc/PID/cmdline), the
    containers' included: secrets reach a process through its environment. Rasa's JWT secret is
    read from BOT_RASA_JWT_SECRET by bot/rasa_server.py, never given as --jwt-secret."""
    lines = command_lines()
    assert lines["compose rasa command"][:3] == ["python", "-m", "bot.rasa_server"]
    assert lines["k8s rasa/rasa command"][:3] == ["python", "-m", "bot.rasa_server"]
    for where, line in lines.items():
        text = " ".join(line)
        assert "--jwt-secret" not in text and "--auth-token" not in text, where
        # $VAR, $$VAR (compose), ${VAR}, $(VAR) (Kubernetes expands it into command and args)
        passed = {name for name in re.findall(r"\$\$?[({]?([A-Za-z_]\w*)", text) if SECRET_NAME.search(name)}
        if where == "compose redis command":  # redis-server overwrites its command line as it starts
            passed.discard("BOT_REDIS_PASSWORD")
        if where == "k8s redis/redis command":  # the shell's printf (a builtin) writes it to a file
            assert "printf 'requirepass" in text and "--requirepass" not in text
            passed.discard("BOT_REDIS_PASSWORD")
        assert not passed, f"{where} puts {sorted(passed)} on a command line"


def test_the_image_installs_the_lock_on_python_3_10():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.10", dockerfile, re.M)
    assert re.search(r"pip install -r \S*requirements\.lock", dockerfile)
    assert "--no-deps -e ." in dockerfile  # our package without re-resolving anything
    for service in OUR_SERVICES:
        assert compose()["services"][service]["build"]["dockerfile"] == "deploy/Dockerfile"
    for name, workload in workloads().items():
        for container in containers(workload):
            assert container["image"].startswith("redis:" if name == "redis" else "digihjelpen:")


def test_the_image_puts_its_baked_model_in_service_for_the_model_server(tmp_path):
    """Rasa with a model server ignores --model and pulls what the web service says is in service,
    so the image's build step must put its model in service: run that step here."""
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    [step] = re.findall(r'^RUN (python -c "[^"]*put_in_service[^"]*")$', dockerfile, re.M)
    (tmp_path / "serving.tar.gz").write_bytes(b"a model archive")
    env = {**os.environ, "BOT_MODELS_DIR": str(tmp_path)}
    command = shlex.split(step)
    assert command[0] == "python"  # the image's, with our package installed: this venv's here
    subprocess.run([sys.executable, *command[1:]], check=True, env=env, cwd=PROJECT_ROOT, timeout=120)
    assert registry.in_service(tmp_path) == tmp_path / "serving.tar.gz"


def test_the_proxy_terminates_tls_with_a_mounted_certificate():
    caddyfile = (DEPLOY / "Caddyfile").read_text()
    assert "tls /certs/tls.crt /certs/tls.key" in caddyfile and "reverse_proxy web:8080" in caddyfile
    assert caddyfile.count("reverse_proxy") == 1  # only to web's public surface
    assert "./certs:/certs:ro" in compose()["services"]["proxy"]["volumes"]
    assert compose()["networks"]["back"]["internal"] is True
    for name in ("rasa", "actions", "postgres", "redis"):
        assert compose()["services"][name]["networks"] == ["back"] and "ports" not in compose()["services"][name]


@pytest.fixture
def redis_env(monkeypatch):
    url = os.environ.get("BOT_TEST_REDIS_URL")
    if not url:
        pytest.skip("BOT_TEST_REDIS_URL not set: the Redis lock store test is skipped")
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    values = {
        "BOT_REDIS_HOST": parts.hostname,
        "BOT_REDIS_PORT": str(parts.port or 6379),
        "BOT_REDIS_PASSWORD": parts.password or "",
        "BOT_REDIS_DB": "1",
        "BOT_ACTION_URL": "http://actions:5055/webhook",
        "BOT_TRACKER_STORE_URL": "sqlite://",
        "BOT_MODEL_SERVER_URL": "http://web:8081/models/in-service",
        "BOT_MODEL_PULL_SECONDS": "10",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)


async def test_rasa_reads_the_production_endpoints_and_locks_in_redis(redis_env):
    from rasa.core.lock_store import LockStore, RedisLockStore
    from rasa.utils.endpoints import read_endpoint_config

    path = str(DEPLOY / "endpoints.production.yml")
    assert read_endpoint_config(path, "action_endpoint").url == "http://actions:5055/webhook"
    store = LockStore.create(read_endpoint_config(path, "lock_store"))
    assert isinstance(store, RedisLockStore)
    conversation = f"deploy-test-{uuid.uuid4().hex}"
    async with store.lock(conversation):
        assert store.get_lock(conversation) is not None  # held in Redis, visible to every replica
    assert store.get_lock(conversation) is None


def test_the_action_servers_answer_only_requests_with_the_secret():
    entry_point = ["python", "-m", "bot.action_server"]
    assert compose()["services"]["actions"]["command"][:3] == entry_point
    assert main_container(workloads()["actions"])["command"][:3] == entry_point


@pytest.mark.parametrize("path", [PROJECT_ROOT / "endpoints.yml", DEPLOY / "endpoints.production.yml"])
def test_rasa_sends_the_action_server_its_secret(path, monkeypatch):
    from rasa.utils.endpoints import read_endpoint_config

    from bot.runner import lock_store_environment
    from bot.service_secrets import HEADER

    for name in ("BOT_ACTION_PORT", "BOT_ACTION_URL", "BOT_MODEL_SERVER_URL", "BOT_MODEL_PULL_SECONDS"):
        monkeypatch.setenv(name, "1")
    for name in lock_store_environment("redis://cache"):
        monkeypatch.setenv(name, "1")
    monkeypatch.setenv("BOT_ACTION_SECRET", "the-action-secret-" + "a" * 20)
    endpoint = read_endpoint_config(str(path), "action_endpoint")
    assert endpoint.headers == {HEADER: "the-action-secret-" + "a" * 20}  # EndpointConfig.request sends these


def test_the_first_kubernetes_install_migrates_imports_a_catalogue_and_adds_the_first_admin():
    """setup.yaml, run again on every apply, changes nothing a second time: the seed goes only into
    an empty catalogue, the admin only where there is none (tests/auth/test_accounts.py)."""
    setup = workloads()["setup"]
    [container] = containers(setup)
    script = container["command"][-1]
    steps = [line.strip() for line in script.splitlines() if line.strip().startswith("bot ")]
    assert steps == [
        "bot db upgrade",
        'bot catalogue seed "$catalogue"',
        "bot users add admin --role admin --unless-admin-exists < /first-admin/password",
    ]
    volumes = {volume["name"]: volume for volume in pod_spec(setup)["volumes"]}
    assert volumes["catalogue"]["configMap"] == {"name": "digihjelpen-catalogue", "optional": True}
    assert volumes["first-admin"]["secret"]["items"] == [{"key": "BOT_FIRST_ADMIN_PASSWORD", "path": "password"}]
    assert "BOT_FIRST_ADMIN_PASSWORD" in secret()["stringData"]
