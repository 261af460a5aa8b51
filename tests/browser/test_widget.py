"""The chat widget in headless Chromium against the real assistant: our web service
(`python -m bot.web`) in front of Rasa with the trained model. Standalone page and embedded on an
intranet page, mouse and keyboard, reload, deletion, failures, accessibility and screenshots."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import text

from bot.db import engine_for
from bot.web.widget_session import COOKIE

pytestmark = pytest.mark.slow
expect.set_options(timeout=30_000)

INTRANET_PAGE = """<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>Intranett</title>
<style>button { background: hotpink; font-size: 30px; }</style></head>
<body><header><h1>Kommunens intranett</h1></header><main><p>Nyheter og rutiner.</p></main>
<script src="/widget.js" defer></script></body></html>"""
WELCOME = ".dh-welcome"  # the greeting of a new conversation (bot.assistant.welcome)
ANSWERS = ".dh-bot:not(.dh-welcome)"  # the bot's answers to messages


@pytest.fixture
def chat(page: Page, web_service) -> Page:
    page.goto(web_service.url + "/")
    expect(page.get_by_role("textbox", name="Skriv spørsmålet ditt")).to_be_visible()
    expect(page.locator(WELCOME)).to_have_count(1)  # a new conversation's greeting, before any message
    return page


def open_intranet(page: Page, web_service) -> Page:
    """An intranet page on the service's origin (as behind the intranet's proxy) that embeds the widget."""
    page.route(
        web_service.url + "/intranett", lambda route: route.fulfill(body=INTRANET_PAGE, content_type="text/html")
    )
    page.goto(web_service.url + "/intranett")
    expect(page.get_by_role("button", name="Spør Digihjelpen")).to_be_visible()
    return page


@pytest.fixture
def intranet(page: Page, web_service) -> Page:
    return open_intranet(page, web_service)


@pytest.fixture
def second_page(browser):
    context = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


def ask(page: Page, message: str) -> None:
    """Send a message and wait until the bot has answered it."""
    bot_messages = page.locator(ANSWERS)
    before = bot_messages.count()
    box = page.get_by_role("textbox", name="Skriv spørsmålet ditt")
    box.fill(message)
    box.press("Enter")
    expect(bot_messages).not_to_have_count(before)
    expect(page.locator(".dh-typing")).to_have_text("")


def conversation_id(page: Page) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == COOKIE).split(".")[0]


def tracker_rows(web_service, sender: str) -> int:
    with engine_for(web_service.assistant.tracker_store_url).connect() as connection:
        return connection.execute(text("SELECT COUNT(*) FROM events WHERE sender_id = :s"), {"s": sender}).scalar()


def test_greeting_and_a_question_about_a_tool(chat):
    expect(chat.locator("html")).to_have_attribute("lang", "nb")
    expect(chat.get_by_text("Digihjelpen er en robot, ikke et menneske.")).to_be_visible()
    ask(chat, "hei")
    expect(chat.locator(".dh-bot").last).to_contain_text("robot")
    ask(chat, "hva er elements?")
    expect(chat.get_by_role("log")).to_contain_text("Elements")
    expect(chat.locator(".dh-user")).to_have_text([re.compile("hei"), re.compile("hva er elements")])


def test_a_new_conversation_is_greeted_once_and_a_suggested_question_answered(chat, accessibility_violations):
    greeting = chat.locator(WELCOME)
    expect(greeting).to_contain_text("Hei! Jeg er Digihjelpen og hjelper deg å finne")
    titles = greeting.locator(".dh-choice").all_inner_texts()
    assert titles[0] == "Jeg er ny. Hva trenger jeg?" and titles[-1] == "Hva savner andre?", titles
    assert accessibility_violations(chat) == []
    private_tool = next(t for t in titles if t.startswith("Kan jeg bruke "))
    greeting.get_by_role("button", name=private_tool).click()
    expect(chat.locator(".dh-user .dh-text")).to_have_text([private_tool])
    tool = private_tool.removeprefix("Kan jeg bruke ").removesuffix("?")
    expect(chat.locator(ANSWERS).first).to_contain_text(tool)
    expect(chat.locator(".dh-typing")).to_have_text("")
    chat.reload()  # the history restores the conversation: no second greeting
    expect(chat.locator(".dh-user .dh-text")).to_have_text([private_tool])
    expect(chat.locator(ANSWERS).first).to_contain_text(tool)
    expect(chat.locator(WELCOME)).to_have_count(0)


def test_the_widget_on_an_intranet_page_greets_when_opened(intranet, accessibility_violations):
    intranet.get_by_role("button", name="Spør Digihjelpen").click()
    expect(intranet.locator(WELCOME)).to_have_count(1)
    intranet.get_by_role("button", name="Lukk Digihjelpen").click()
    intranet.get_by_role("button", name="Spør Digihjelpen").click()
    expect(intranet.get_by_role("dialog", name="Digihjelpen")).to_be_visible()
    expect(intranet.locator(WELCOME)).to_have_count(1)  # opened again: still one greeting
    assert accessibility_violations(intranet) == []


def test_links_in_answers_are_real_links(chat):
    ask(chat, "hva er outlook?")
    link = chat.get_by_role("log").locator("a[href^='https://']").first
    expect(link).to_be_visible()
    assert link.get_attribute("rel") == "noopener noreferrer"


def test_clicking_a_button_sends_its_payload_but_shows_its_title(chat):
    ask(chat, "hvordan bytter jeg vakt med en kollega?")
    button = chat.locator(ANSWERS + " .dh-choice").first
    title = button.inner_text()
    bot_messages = chat.locator(".dh-bot").count()
    button.click()
    expect(chat.locator(".dh-user").last).to_have_text(re.compile(re.escape(title)))
    expect(chat.locator(".dh-bot")).not_to_have_count(bot_messages)
    assert "/" not in chat.locator(".dh-user").last.inner_text()


def test_the_conversation_is_kept_on_reload(chat):
    ask(chat, "hva er elements?")
    ask(chat, "hvordan bytter jeg vakt med en kollega?")
    users, bots = chat.locator(".dh-user").count(), chat.locator(ANSWERS).count()
    chat.reload()
    expect(chat.locator(".dh-user")).to_have_count(users)
    expect(chat.locator(".dh-bot")).to_have_count(bots)  # the answers, and not the greeting again
    expect(chat.get_by_role("log")).to_contain_text("hva er elements?")
    expect(chat.locator(".dh-choice").first).to_be_visible()


def test_deleting_the_conversation_removes_it_from_the_tracker_store(chat, web_service):
    ask(chat, "hva er elements?")
    old = conversation_id(chat)
    assert tracker_rows(web_service, old) > 0
    chat.once("dialog", lambda dialog: dialog.accept())
    chat.get_by_role("button", name="Slett samtalen").click()
    expect(chat.get_by_role("log")).to_have_text(re.compile("Samtalen er slettet"))
    assert tracker_rows(web_service, old) == 0
    assert conversation_id(chat) != old
    chat.reload()
    expect(chat.get_by_role("textbox", name="Skriv spørsmålet ditt")).to_be_visible()
    expect(chat.locator(WELCOME)).to_have_count(1)  # a new conversation, greeted
    expect(chat.locator(".dh-msg")).to_have_count(1)


def test_cancelling_the_deletion_keeps_the_conversation(chat, web_service):
    ask(chat, "hei")
    chat.once("dialog", lambda dialog: dialog.dismiss())
    chat.get_by_role("button", name="Slett samtalen").click()
    expect(chat.locator(".dh-user")).to_have_count(1)
    assert tracker_rows(web_service, conversation_id(chat)) > 0


def test_script_in_a_message_is_shown_as_text(chat):
    attack = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 1">'
    ask(chat, attack)
    expect(chat.locator(".dh-user").last).to_contain_text(attack)
    assert chat.locator(".dh-log img, .dh-log script").count() == 0
    assert chat.evaluate("window.pwned") is None


def test_unreachable_service_shows_an_error_with_retry(chat):
    chat.route("**/api/messages", lambda route: route.abort())
    box = chat.get_by_role("textbox", name="Skriv spørsmålet ditt")
    box.fill("hei")
    box.press("Enter")
    expect(chat.locator(".dh-error")).to_contain_text("Vi får ikke kontakt med Digihjelpen")
    chat.unroute("**/api/messages")
    chat.get_by_role("button", name="Prøv igjen").click()
    expect(chat.locator(".dh-error")).to_have_count(0)
    expect(chat.locator(".dh-bot").last).to_contain_text("robot")
    expect(chat.locator(".dh-user")).to_have_count(1)


def test_a_too_long_message_is_refused_and_given_back(chat):
    box = chat.get_by_role("textbox", name="Skriv spørsmålet ditt")
    box.fill("a" * 1001)
    box.press("Enter")
    expect(chat.locator(".dh-error")).to_contain_text("Meldingen er for lang")
    expect(chat.locator(".dh-user")).to_have_count(0)
    expect(box).to_have_value("a" * 1001)


def focused_outline(page: Page) -> str:
    return page.evaluate(
        """() => { let e = document.activeElement; while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
                   return getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth; }"""
    )


def test_keyboard_only_on_the_standalone_page(chat):
    for _ in range(10):
        chat.keyboard.press("Tab")
        if chat.get_by_role("textbox", name="Skriv spørsmålet ditt").evaluate(
            "e => e.getRootNode().activeElement === e"
        ):
            break
    else:
        pytest.fail("Tab never reached the message box")
    assert focused_outline(chat).startswith("solid 3px")
    chat.keyboard.type("hvordan bytter jeg vakt med en kollega?")
    chat.keyboard.press("Enter")
    expect(chat.locator(".dh-choice").first).to_be_visible()
    expect(chat.locator(".dh-typing")).to_have_text("")
    bots = chat.locator(".dh-bot").count()
    chat.keyboard.press("Shift+Tab")  # back from the box through the log to the last reply's buttons
    chat.keyboard.press("Shift+Tab")
    assert "dh-choice" in chat.evaluate("() => document.querySelector('main').shadowRoot.activeElement.className")
    assert focused_outline(chat).startswith("solid 3px")
    chat.keyboard.press("Enter")
    expect(chat.locator(".dh-bot")).not_to_have_count(bots)


def test_keyboard_only_on_an_intranet_page(intranet):
    launcher = intranet.get_by_role("button", name="Spør Digihjelpen")
    expect(launcher).to_have_attribute("aria-expanded", "false")
    for _ in range(10):
        intranet.keyboard.press("Tab")
        if (
            intranet.evaluate(
                "() => document.getElementById('digihjelpen-widget').shadowRoot.activeElement?.textContent"
            )
            == "Spør Digihjelpen"
        ):
            break
    else:
        pytest.fail("Tab never reached the launcher")
    intranet.keyboard.press("Enter")
    dialog = intranet.get_by_role("dialog", name="Digihjelpen")
    expect(dialog).to_be_visible()
    intranet.keyboard.type("hei")
    intranet.keyboard.press("Enter")
    expect(intranet.locator(".dh-bot").last).to_contain_text("robot")
    intranet.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(launcher).to_be_focused()
    # The host page's styles do not reach into the widget.
    assert launcher.evaluate("e => getComputedStyle(e).fontSize") != "30px"


def test_new_messages_are_announced_through_a_live_region(chat):
    log = chat.get_by_role("log", name="Samtalen")
    expect(log).to_have_attribute("aria-live", "polite")
    ask(chat, "hei")
    expect(log).to_contain_text("Digihjelpen svarte:")  # who said it, for screen readers
    expect(chat.get_by_role("status")).to_have_count(1)


def no_horizontal_scrolling(page: Page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_accessibility_desktop_phone_and_zoom_with_screenshots(
    chat, second_page, web_service, artifacts, accessibility_violations
):
    ask(chat, "hvordan bytter jeg vakt med en kollega?")
    assert accessibility_violations(chat) == []
    chat.screenshot(path=artifacts / "widget-desktop.png", full_page=True)

    chat.set_viewport_size({"width": 390, "height": 844})
    expect(chat.get_by_role("button", name="Send")).to_be_in_viewport()
    assert no_horizontal_scrolling(chat)
    assert accessibility_violations(chat) == []
    chat.screenshot(path=artifacts / "widget-phone.png")

    chat.set_viewport_size({"width": 640, "height": 400})  # 1280 × 800 at 200 % zoom
    expect(chat.get_by_role("textbox", name="Skriv spørsmålet ditt")).to_be_visible()
    assert no_horizontal_scrolling(chat)
    chat.screenshot(path=artifacts / "widget-zoom-200.png", full_page=True)

    intranet = open_intranet(second_page, web_service)
    intranet.get_by_role("button", name="Spør Digihjelpen").click()
    ask(intranet, "hva er elements?")
    assert accessibility_violations(intranet) == []
    intranet.screenshot(path=artifacts / "widget-intranet-desktop.png")
    intranet.set_viewport_size({"width": 390, "height": 844})
    expect(intranet.get_by_role("button", name="Send")).to_be_in_viewport()
    assert no_horizontal_scrolling(intranet)
    intranet.screenshot(path=artifacts / "widget-intranet-phone.png")
