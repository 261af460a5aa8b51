"""Issue 15, "Done means", on the local cluster (`bot run --cluster`: two Rasa replicas, PostgreSQL,
Redis) with the project folder read-only for every process the test starts (a read-only bind mount:
writes fail, root's too). A message the bot missed, sent through the web relay, lands in the
trainer inbox; a trainer makes it a new theme with an answer on the trainer page in real Chromium
(axe-clean); «Lag ny versjon» on the versions page has a training worker (`bot training worker`,
read-only too, as deploy/ runs it beside the cluster) train it, and it is put in service (by the rule, else «Ta i bruk»);
both replicas, asked directly, answer the message with the new theme's answer, which the old
model cannot give; «Gå tilbake til forrige versjon» returns both to the old model, pulled from the
web service as in production. The project's files never hold the trainer's work (PostgreSQL does)."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from assistant_services import Stack, flushed_redis_db, running_stack, stop
from browser_session import accessible
from cluster_replicas import LOAD_SECONDS, PULL_SECONDS, ask, wait_until_served
from playwright.sync_api import Page, expect
from read_only_project import wrapper
from sqlalchemy import select

from bot import db, throwaway
from bot.auth import accounts
from bot.config import PROJECT_ROOT
from bot.feedback.models import InboxItem
from bot.training import registry

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
expect.set_options(timeout=60_000)

REDIS_DB_INDEX = 11  # its own lock store (the shared cluster fixture uses 13)
STATED_SECONDS = PULL_SECONDS + LOAD_SECONDS
TRAINING_MS = 900_000  # the worker polls the queue every 10 s; a training takes 1-3 minutes here
PASSWORD = "et-langt-passord-til-treneren"
TRAINER = f"trener-{uuid.uuid4().hex[:8]}"
MISSED = "hvor står kaffemaskinen"  # out of scope for the shipped model (0.97), so it lands in the inbox
THEME = "Kaffe på jobben"
ANSWER = "Kaffemaskinene står i Kaffekroken i 2. etasje, ved trappen."
MARK = "Kaffekroken"  # in the new theme's answer only: the old model cannot say it
EXAMPLES = [
    "hvor finner jeg kaffe",
    "hvor kan jeg få meg en kopp kaffe på jobben",
    "er det en kaffemaskin i bygget",
    "hvor er kaffekroken",
]


@pytest.fixture
def read_only_cluster(trained_model, tmp_path) -> Iterator[Stack]:
    admin_url, redis_url = os.environ.get("BOT_TEST_POSTGRES_URL"), os.environ.get("BOT_TEST_REDIS_URL")
    if not (admin_url and redis_url):
        pytest.skip("BOT_TEST_POSTGRES_URL and BOT_TEST_REDIS_URL are needed for the cluster test")
    with (
        throwaway.postgres(admin_url, "digihjelpen_training_page") as db_url,
        throwaway.postgres(admin_url, "digihjelpen_training_page_tracker") as tracker_url,
        flushed_redis_db(redis_url, REDIS_DB_INDEX) as lock_url,
        contextlib.ExitStack() as running,
    ):
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("BOT_MODEL_PULL_SECONDS", str(PULL_SECONDS))
            patch.setenv("RASA_CACHE_DIRECTORY", str(tmp_path / "rasa-cache"))  # as the image does
            stack = running.enter_context(
                running_stack(
                    trained_model, db_url, tracker_url, tmp_path / "stack", lock_store_url=lock_url, wrapper=wrapper()
                )
            )
        wait_until_served(stack.rasa_urls, trained_model.name, STATED_SECONDS)
        with db.session_scope(db_url) as session:
            accounts.add_user(session, TRAINER, "trainer", PASSWORD)
        log = tmp_path / "worker.log"
        worker = subprocess.Popen(
            [*wrapper(), str(Path(sys.executable).parent / "bot"), "training", "worker"],
            cwd=PROJECT_ROOT,
            # as in deploy/: the worker calls no Rasa (BOT_RASA_URLS points nowhere), the replicas pull
            env={**(stack.env or {}), "BOT_RASA_URLS": "http://127.0.0.1:9"},
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        try:
            yield stack
        finally:
            stop([worker])
            print(log.read_text()[-3000:])


def inbox_texts(db_url: str) -> list[str]:
    with db.session_scope(db_url) as session:
        return list(session.scalars(select(InboxItem.text)))


def in_service_other_than(stack: Stack, model: Path) -> Path:
    """The model in service once it is no longer `model` (the page's form has been handled)."""
    deadline = time.monotonic() + 60
    while (found := registry.in_service(stack.models_dir)) in (model, None):
        assert time.monotonic() < deadline, f"{model.name} is still in service"
        time.sleep(0.2)  # polling a condition, with the deadline above
    return found


def relay(web_url: str, message: str) -> str:
    response = requests.post(f"{web_url}/api/messages", json={"message": message}, timeout=120)
    assert response.status_code == 200, response.text
    return "\n".join(reply.get("text", "") for reply in response.json()["replies"])


def replicas_answer(stack: Stack, message: str) -> list[str]:
    return [ask(url, f"replica-{uuid.uuid4().hex}", message) for url in stack.rasa_urls]


def test_a_missed_message_is_taught_on_the_page_and_both_replicas_answer_it_until_a_rollback(
    page: Page, read_only_cluster, artifacts, accessibility_violations
):
    stack = read_only_cluster
    probe = subprocess.run([*wrapper(), "touch", str(PROJECT_ROOT / "data" / "probe")], capture_output=True, text=True)
    assert probe.returncode != 0 and "Read-only file system" in probe.stderr  # the project is read-only
    old_model = registry.in_service(stack.models_dir)
    assert old_model is not None

    # The bot misses the message: no replica knows the answer, and the relay puts it in the inbox.
    assert MARK not in relay(stack.web_url, MISSED)
    assert all(MARK not in answer for answer in replicas_answer(stack, MISSED))
    deadline = time.monotonic() + 60
    while MISSED not in inbox_texts(stack.db_url):
        assert time.monotonic() < deadline, f"not in the inbox: {inbox_texts(stack.db_url)}"
        time.sleep(0.5)  # the action server records it; polling a condition with a deadline

    # A trainer makes it a new theme with an answer, in the browser.
    page.goto(f"{stack.admin_url}/admin/trainer")
    page.get_by_label("Brukernavn").fill(TRAINER)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_role("heading", name="Trenerinnboks", level=1).wait_for()
    group = page.get_by_role("region", name=re.compile(re.escape(MISSED)))
    group.get_by_label("Lag et nytt tema med svar").check()
    group.get_by_label("Navn på det nye temaet").fill(THEME)
    group.get_by_label("Svaret roboten skal gi").fill(ANSWER)
    group.get_by_label("Flere eksempler, ett per linje").fill("\n".join(EXAMPLES))
    group.get_by_role("button", name=re.compile("Utfør for gruppe")).click()
    page.get_by_text(f"Temaet «{THEME}» er laget, med svaret ditt og eksemplene.").wait_for()
    accessible(page, accessibility_violations)
    page.screenshot(path=str(artifacts / "cluster-trainer-new-theme.png"), full_page=True)

    # «Lag ny versjon»: the worker trains it; it is put in service; both replicas pull it and answer.
    page.get_by_role("link", name="Versjoner").click()
    page.get_by_role("button", name="Lag ny versjon").click()
    started = time.monotonic()
    expect(page.locator("#training-state")).to_have_text(re.compile("Ferdig|Feilet"), timeout=TRAINING_MS)
    assert page.locator("#training-state").inner_text() == "Ferdig", page.locator("#training").inner_text()
    page.reload()  # the evaluation and the version forms as a trainer coming back sees them
    accessible(page, accessibility_violations)
    page.screenshot(path=str(artifacts / "cluster-trainer-new-version.png"), full_page=True)
    if page.get_by_role("button", name="Ta i bruk").count():  # judged worse by the rule: the trainer decides
        page.get_by_label(re.compile("Jeg vil ta i bruk versjon")).check()
        page.get_by_role("button", name="Ta i bruk").click()
    new_model = in_service_other_than(stack, old_model)
    wait_until_served(stack.rasa_urls, new_model.name, STATED_SECONDS)
    print(f"«Lag ny versjon» -> both replicas serve {new_model.name}: {time.monotonic() - started:.1f} s")
    for answer in replicas_answer(stack, MISSED):
        assert MARK in answer, answer

    # A rollback from the page returns both replicas to the old model, which does not know the theme.
    page.reload()
    page.get_by_role("button", name="Gå tilbake til forrige versjon").click()
    assert in_service_other_than(stack, new_model) == old_model
    wait_until_served(stack.rasa_urls, old_model.name, STATED_SECONDS)
    for answer in replicas_answer(stack, MISSED):
        assert MARK not in answer, answer

    # The trainer's work is in the database, never in the project's files.
    files = [PROJECT_ROOT / "domain.yml", *(PROJECT_ROOT / "data").rglob("*.yml")]
    assert not [path for path in files if MARK in path.read_text(encoding="utf-8")]
