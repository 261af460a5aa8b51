"""The trainer inbox in real headless Chromium: a trainer logs in, lands on the inbox, assigns a group
of messages to a theme shown by its Norwegian name, creates a new theme (the form checked at its
fields), and the page passes axe-core (no serious or critical violations). The web app runs in this
process (in a thread) on a copy of the training files, which stay unchanged: the work is stored in
the database."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from browser_session import served_from_a_thread
from copies import copy_project, read_only
from sqlalchemy import select

from bot import db
from bot.auth import accounts
from bot.config import settings
from bot.feedback.models import InboxItem
from bot.training.models import TrainingExample
from bot.web.admin.trainer import TRAINING_PROJECT
from bot.web.app import create_app

pytestmark = pytest.mark.slow
PASSWORD = "et-langt-passord-til-test"


def _seed(url: str) -> None:
    now = datetime.now(timezone.utc)
    rows = [
        ("Slipper jeg inn i Teams som vikar?", "tool_access", 0.41),
        ("slipper jeg inn i teams som vikar", None, None),
        ("hva er passordet til gjestenettet", "out_of_scope", 0.62),
    ]
    with db.session_scope(url) as session:
        accounts.add_user(session, "trener-ola", "trainer", PASSWORD)
        for minutes, (text, intent, confidence) in enumerate(rows):
            session.add(
                InboxItem(
                    record_id=str(uuid.uuid4()),
                    created_at=now - timedelta(minutes=minutes),
                    kind="fallback",
                    text=text,
                    intent=intent,
                    confidence=confidence,
                )
            )


@pytest.fixture
def trainer_site(tmp_path):
    """The web app on a fresh SQLite database, writing to a copy of the project, served from a thread."""
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    db.upgrade(url)
    _seed(url)
    project = copy_project(tmp_path / "project")
    app = create_app(replace(settings(), database_url=url, session_secret=""))
    app[TRAINING_PROJECT] = project
    with served_from_a_thread(app) as site, read_only(project):
        yield site, project, url


def test_a_trainer_assigns_messages_to_a_theme_and_creates_a_new_one(
    trainer_site, page, artifacts, accessibility_violations
):
    site, project, url = trainer_site
    page.goto(f"{site}/admin/trainer")
    page.get_by_label("Brukernavn").fill("trener-ola")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()

    page.get_by_role("heading", name="Trenerinnboks", level=1).wait_for()
    assert page.get_by_text("3 meldinger venter, i 2 grupper.").is_visible()
    assert page.get_by_role("link", name="Trenerinnboks").get_attribute("aria-current") == "page"
    violations = accessibility_violations(page)
    assert not violations, "\n".join(violations)
    page.screenshot(path=str(artifacts / "trainer-inbox.png"), full_page=True)

    group = page.get_by_role("region", name=re.compile("Slipper jeg inn i Teams som vikar.*2 meldinger"))
    theme = group.get_by_label("Tema", exact=True)
    assert theme.input_value() == "tool_access"  # the bot's guess is preselected, shown by its name
    assert theme.locator("option:checked").inner_text() == "Tilgang til et verktøy"
    group.get_by_label("Legg til som eksempel på et tema som finnes").check()
    group.get_by_role("button", name="Utfør for gruppe 1").press("Enter")  # by keyboard

    page.get_by_text("2 meldinger er lagt til som eksempel på temaet «Tilgang til et verktøy».").wait_for()
    assert page.get_by_text("1 melding venter, i 1 gruppe.").is_visible()
    with db.session_scope(url) as session:
        assert [(e.intent, e.text) for e in session.scalars(select(TrainingExample))] == [
            ("tool_access", "Slipper jeg inn i Teams som vikar?")
        ]
    violations = accessibility_violations(page)
    assert not violations, "\n".join(violations)
    page.screenshot(path=str(artifacts / "trainer-inbox-assigned.png"), full_page=True)

    group = page.get_by_role("region", name=re.compile("hva er passordet til gjestenettet"))
    group.get_by_label("Lag et nytt tema med svar").check()
    group.get_by_label("Navn på det nye temaet").fill("Gjestenett for besøkende")
    group.get_by_label("Svaret roboten skal gi").fill("Gjestenettet heter Kommune-Gjest.")
    examples = group.get_by_label("Flere eksempler, ett per linje")
    examples.fill("wifi for besøkende")
    group.get_by_role("button", name="Utfør for gruppe 1").click()
    page.get_by_role("alert").first.wait_for()
    group = page.get_by_role("region", name=re.compile("hva er passordet til gjestenettet"))
    examples = group.get_by_label("Flere eksempler, ett per linje")
    assert examples.get_attribute("aria-invalid") == "true" and examples.input_value() == "wifi for besøkende"
    assert "minst 3 eksempler" in group.locator("#examples-error-1").inner_text()
    violations = accessibility_violations(page)
    assert not violations, "\n".join(violations)
    page.screenshot(path=str(artifacts / "trainer-new-theme-refused.png"), full_page=True)

    examples.fill("wifi for besøkende\nkan gjestene våre koble seg på nettet")
    group.get_by_role("button", name="Utfør for gruppe 1").click()
    page.get_by_text("Temaet «Gjestenett for besøkende» er laget, med svaret ditt og eksemplene.").wait_for()
    assert page.get_by_text("Innboksen er tom.").is_visible()
