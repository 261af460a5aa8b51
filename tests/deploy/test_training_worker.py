"""The training worker and the models volume in deploy/: compose and Kubernetes run one
`bot training worker` (a command the CLI has) that mounts the same models volume (BOT_MODELS_DIR) as every web replica,
Rasa mounts none (it pulls from web), the Kubernetes volume is ReadWriteMany and an empty one is
seeded with the image's model in service by web's init container (run here with sh), the
image leaves its models directory to the service user so Docker's copy into a named volume stays
writable, and Rasa's training cache goes to /tmp (the working directory /app is read-only). Hardening and the NetworkPolicy are in test_hardening.py."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from deploy_files import DEPLOY, compose, containers, main_container, manifests, pod_spec, workloads

from bot.training import registry

MODELS_DIR = "/app/models"  # the image's BOT_MODELS_DIR


def test_the_image_sets_the_models_dir_and_leaves_it_to_the_service_user():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert re.search(rf"^\s+BOT_MODELS_DIR={MODELS_DIR}\b", dockerfile, re.M)
    [chown] = re.findall(r"chown -R bot ([^\n]+)", dockerfile)
    assert MODELS_DIR in chown.split()
    # `rasa train` runs in /app, read-only: its cache must go to the writable /tmp
    assert re.search(r"^\s+RASA_CACHE_DIRECTORY=/tmp/\S+", dockerfile, re.M)


def test_compose_runs_one_worker_sharing_the_models_volume_with_web():
    services = compose()["services"]
    trainer = services["trainer"]
    assert trainer["command"] == ["bot", "training", "worker"]
    assert trainer.get("deploy", {}).get("replicas", 1) == 1
    assert trainer["networks"] == ["back"]  # the internal network: PostgreSQL, nothing outside
    assert trainer["environment"]["BOT_DATABASE_URL"] == services["web"]["environment"]["BOT_DATABASE_URL"]
    assert trainer["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    for name in ("web", "trainer"):
        assert f"models:{MODELS_DIR}" in [v.split(" ")[0] for v in services[name]["volumes"]], name
    assert "models" in compose()["volumes"]
    for name in ("rasa", "actions", "purge", "migrate"):
        assert not any(str(v).startswith("models:") for v in services[name].get("volumes", [])), name


def test_the_worker_command_of_both_variants_exists():
    commands = {
        tuple(compose()["services"]["trainer"]["command"]),
        tuple(main_container(workloads()["trainer"])["command"]),
    }
    for command in commands:
        assert command[0] == "bot"
        done = subprocess.run(
            [sys.executable, "-m", "bot.cli", *command[1:], "--help"], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0 and "--once" in done.stdout, done.stderr


def claim() -> dict:
    [pvc] = [d for d in manifests() if d["kind"] == "PersistentVolumeClaim"]
    return pvc


def models_mounts(workload: dict) -> dict[str, str]:
    """container name → where it mounts the models claim."""
    volume = next(
        (v["name"] for v in pod_spec(workload).get("volumes", []) if "persistentVolumeClaim" in v),
        None,
    )
    return {
        c["name"]: m["mountPath"]
        for c in containers(workload)
        for m in c.get("volumeMounts", [])
        if volume and m["name"] == volume
    }


def test_kubernetes_shares_one_read_write_many_claim_between_web_and_the_trainer():
    pvc = claim()
    assert pvc["spec"]["accessModes"] == ["ReadWriteMany"]  # web pods and the trainer on any node
    for name in ("web", "trainer"):
        volumes = [v for v in pod_spec(workloads()[name])["volumes"] if "persistentVolumeClaim" in v]
        assert [v["persistentVolumeClaim"]["claimName"] for v in volumes] == [pvc["metadata"]["name"]], name
        assert models_mounts(workloads()[name])[main_container(workloads()[name])["name"]] == MODELS_DIR
        assert pod_spec(workloads()[name])["securityContext"]["fsGroup"] == 10001, name
    for name in ("rasa", "actions", "redis", "purge", "setup"):
        assert not models_mounts(workloads()[name]), name


def test_kubernetes_runs_one_worker_never_two():
    trainer = workloads()["trainer"]
    assert trainer["kind"] == "Deployment"
    assert trainer["spec"]["replicas"] == 1
    assert trainer["spec"]["strategy"] == {"type": "Recreate"}  # a rollout stops the old pod first
    assert main_container(trainer)["command"] == ["bot", "training", "worker"]
    assert not main_container(trainer).get("ports")
    limits = main_container(trainer)["resources"]["limits"]
    assert limits["memory"] == "2Gi" and limits["cpu"] == "2"  # a training peaked at 745 MB
    tmp = next(v for v in pod_spec(trainer)["volumes"] if v["name"] == "tmp")
    assert tmp["emptyDir"]["sizeLimit"] == "2Gi"


def seed_script(image_models: Path, volume: Path) -> str:
    """web's seed-models command, on directories of this machine."""
    web = workloads()["web"]
    seed = next(c for c in containers(web) if c["name"] == "seed-models")
    assert seed["command"][:2] == ["sh", "-ec"]
    assert models_mounts(web)["seed-models"] == "/volume"
    return seed["command"][2].replace("/app/models", str(image_models)).replace("/volume", str(volume))


def baked_model(tmp_path: Path) -> Path:
    image_models = tmp_path / "image"
    image_models.mkdir()
    (image_models / "serving.tar.gz").write_bytes(b"the baked model")
    registry.put_in_service(image_models / "serving.tar.gz", "baked into the image")
    return image_models


def test_an_empty_volume_gets_the_image_model_in_service(tmp_path):
    image_models, volume = baked_model(tmp_path), tmp_path / "volume"
    volume.mkdir()
    subprocess.run(["sh", "-ec", seed_script(image_models, volume)], check=True, env={"HOSTNAME": "web-0"})
    assert registry.in_service(volume) == volume / "serving.tar.gz"
    assert (volume / "serving.tar.gz").read_bytes() == b"the baked model"
    assert registry.read_record(volume / "serving.tar.gz")["status"] == registry.PROMOTED
    assert sorted(p.name for p in volume.iterdir()) == ["in-service.json", "serving.json", "serving.tar.gz"]


def test_a_volume_with_a_model_in_service_is_left_alone(tmp_path):
    image_models, volume = baked_model(tmp_path), tmp_path / "volume"
    volume.mkdir()
    (volume / "20261204-140000.tar.gz").write_bytes(b"trained on the page")
    registry.put_in_service(volume / "20261204-140000.tar.gz", "promoted from /admin/trainer")
    before = {p.name: p.read_bytes() for p in volume.iterdir()}
    subprocess.run(["sh", "-ec", seed_script(image_models, volume)], check=True, env={"HOSTNAME": "web-1"})
    assert {p.name: p.read_bytes() for p in volume.iterdir()} == before
    assert registry.in_service(volume) == volume / "20261204-140000.tar.gz"
