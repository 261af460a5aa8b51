"""The trainer page's versions (/admin/trainer/versjoner) in real headless Chromium: a trainer
presses «Lag ny versjon», the page follows the training by refreshing itself (queued, training,
done), shows the evaluation in Norwegian beside the version in service, and the trainer puts the
new version in service with «Ta i bruk» (confirmed) and goes back with «Gå tilbake til forrige
versjon»; axe-clean at each step. The test plays the worker's part through bot.training.queue and
writes the candidate's record as the worker does (a real training is in
tests/training/test_worker_training.py), so the browser sees exactly what the page shows of one."""

from __future__ import annotations

from dataclasses import replace

import pytest
from browser_session import accessible, served_from_a_thread
from copies import copy_project

from bot import db
from bot.auth import accounts
from bot.config import settings
from bot.training import queue, registry
from bot.web.admin.trainer import TRAINING_PROJECT
from bot.web.app import create_app

pytestmark = pytest.mark.slow
PASSWORD = "et-langt-passord-til-test"
OLD, NEW = "20260101-000000-gammel.tar.gz", "20260102-000000-ny.tar.gz"


def scores(macro_f1: float, failed: int) -> dict:
    stories = [f"story {n}" for n in range(failed)]
    return {"accuracy": macro_f1, "macro_f1": macro_f1, "failed_stories": stories, "stories": 20, "per_intent_f1": {}}


@pytest.fixture
def versions_site(tmp_path):
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    db.upgrade(url)
    with db.session_scope(url) as session:
        accounts.add_user(session, "trener-ola", "trainer", PASSWORD)
    models = tmp_path / "models"
    models.mkdir()
    (models / OLD).write_bytes(b"a model")
    registry.write_record(
        models / OLD,
        {"trained_at": "2026-01-01T00:00:00+00:00", "scores": scores(0.95, 1), "examples": {"greet": ["hei"]}},
    )
    registry.put_in_service(models / OLD, "no model was in service")
    config = replace(
        settings(), database_url=url, session_secret="", models_dir=models, rasa_replicas=("http://127.0.0.1:9",)
    )
    app = create_app(config)
    app[TRAINING_PROJECT] = copy_project(tmp_path / "project")
    with served_from_a_thread(app) as site:
        yield site, url, models


def test_a_trainer_makes_a_new_version_follows_it_promotes_it_and_goes_back(
    versions_site, page, artifacts, accessibility_violations
):
    site, url, models = versions_site
    page.goto(f"{site}/admin/trainer/versjoner")
    page.get_by_label("Brukernavn").fill("trener-ola")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_role("link", name="Versjoner").click()
    page.get_by_role("heading", name="Versjoner av roboten", level=1).wait_for()
    accessible(page, accessibility_violations)

    page.get_by_role("button", name="Lag ny versjon").click()
    page.get_by_text("En ny versjon er lagt i kø").wait_for()
    assert page.locator("#training-state").inner_text() == "I kø"
    assert page.get_by_role("button", name="Lag ny versjon").is_disabled()
    accessible(page, accessibility_violations)

    # The worker starts: the page shows the stage without the trainer reloading it.
    with db.session_scope(url) as session:
        request_id = queue.claim(session).id
        queue.set_stage(session, request_id, queue.TRAINING)
    page.locator("#training-stage", has_text=queue.TRAINING).wait_for(timeout=20_000)
    assert page.locator("#training-state").inner_text() == "Trener"
    page.screenshot(path=str(artifacts / "training-running.png"), full_page=True)

    # The worker is done: a candidate that the rule turned down (more test stories fail).
    (models / NEW).write_bytes(b"a model")
    registry.write_record(
        models / NEW,
        {
            "trained_at": "2026-01-02T00:00:00+00:00",
            "scores": scores(0.96, 2),
            "tolerance": 0.01,
            "compared_with": {"model": OLD, "scores": scores(0.95, 1)},
            "status": registry.REJECTED,
            "examples": {"greet": ["hei", "god morgen"]},
        },
    )
    with db.session_scope(url) as session:
        queue.finish(
            session,
            request_id,
            succeeded=True,
            outcome="Den nye versjonen er ikke tatt i bruk.",
            candidate=NEW,
            promoted=False,
        )
    page.locator("#training-state", has_text="Ferdig").wait_for(timeout=20_000)
    page.get_by_role("heading", name="Hvor god er versjon 20260102-000000-ny?").wait_for()
    assert "2 testsamtaler går galt, mot 1 med versjonen i bruk" in page.locator("#decision").inner_text()
    assert page.get_by_text("Tema «Hilsen»: 1 nytt eksempel").is_visible()
    assert page.get_by_role("row", name="Testsamtaler som går riktig").is_visible()
    accessible(page, accessibility_violations)
    page.screenshot(path=str(artifacts / "training-evaluation.png"), full_page=True)

    page.get_by_role("button", name="Ta i bruk").click()  # not confirmed yet
    page.get_by_role("alert").get_by_text("Kryss av for at du vil ta i bruk").wait_for()
    assert registry.in_service(models) == models / OLD
    page.get_by_label("Jeg vil ta i bruk versjon 20260102-000000-ny").check()
    page.get_by_role("button", name="Ta i bruk").click()
    page.get_by_text("Versjonen er tatt i bruk.").wait_for()
    assert registry.in_service(models) == models / NEW
    accessible(page, accessibility_violations)

    page.get_by_role("button", name="Gå tilbake til forrige versjon").click()
    page.get_by_text("Den forrige versjonen er tatt i bruk igjen.").wait_for()
    assert registry.in_service(models) == models / OLD
    assert page.get_by_role("row", name="20260102-000000-ny").get_by_text("Trukket tilbake").is_visible()
    accessible(page, accessibility_violations)
