"""The way to a person through the one owner of a turn (bot.assistant.turn.respond), without Rasa:
the offer, the explicit yes, the contact, the case at a real SMTP server and the TOPdesk stand-in,
a desk that is down, the cap, «Hva skjer med saken min?», and no contact in the inbox or gap log."""

from __future__ import annotations

import threading

import pytest
from cases import EMAIL, NAME
from sqlalchemy import MetaData, select

from bot.assistant.turn import Said, Turn, respond
from bot.db import engine_for, session_scope
from bot.handoff import outbox
from bot.privacy.masking import mask
from bot.texts import text

CONVERSATION = "samtale-42"
# The conversation before the employee asks for a person; the phone number must not reach the desk.
EARLIER = (
    Said("Jeg får ikke logget inn i Visma, ring meg på 912 34 567", "tool_support", 0.9),
    Said("Visma har egen brukerstøtte ...", bot=True),
    Said("jeg vil snakke med et menneske", "ask_human", 0.95),
)


def _env(monkeypatch, config) -> None:
    monkeypatch.setenv("BOT_HANDOFF_ADAPTER", config.adapter)
    monkeypatch.setenv("BOT_HANDOFF_TIMEOUT_SECONDS", "5")
    if config.adapter == "email":
        monkeypatch.setenv("BOT_HANDOFF_EMAIL_TO", config.email_to)
        monkeypatch.setenv("BOT_HANDOFF_EMAIL_FROM", config.email_from)
        monkeypatch.setenv("BOT_HANDOFF_SMTP_HOST", config.smtp_host)
        monkeypatch.setenv("BOT_HANDOFF_SMTP_PORT", str(config.smtp_port))
    else:
        monkeypatch.setenv("BOT_HANDOFF_TOPDESK_URL", config.topdesk_url)
        monkeypatch.setenv("BOT_HANDOFF_TOPDESK_OPERATOR", config.topdesk_operator)
        monkeypatch.setenv("BOT_HANDOFF_TOPDESK_PASSWORD", config.topdesk_password)
        monkeypatch.setenv("BOT_HANDOFF_TOPDESK_CATEGORY", config.topdesk_category)


@pytest.fixture
def by_email(monkeypatch, database, email_config):
    _env(monkeypatch, email_config)
    return database


@pytest.fixture
def by_topdesk(monkeypatch, database, topdesk_config):
    _env(monkeypatch, topdesk_config)
    return database


class Conversation:
    """A conversation through respond(): each message with the slots the last answer set."""

    def __init__(self, url: str, channel: str = "web", user: dict | None = None, conversation: str = CONVERSATION):
        self.url, self.channel, self.user, self.conversation = url, channel, user or {}, conversation
        self.slots: dict = {}
        self.recent: list[Said] = list(EARLIER)
        self.records: list = []

    def say(self, action: str, message: str, intent: str | None = None, **entities: str):
        turn = Turn(
            message,
            intent=intent,
            confidence=0.9,
            entities=tuple({"entity": k, "value": v} for k, v in entities.items()),
            channel=self.channel,
            slots=dict(self.slots),
            answered=next((s for s in reversed(self.recent) if not s.bot), Said()),
            conversation_id=self.conversation,
            recent=tuple(self.recent),
            user=self.user,
        )
        with session_scope(self.url) as session:
            answer = respond(session, action, turn)
        self.slots.update(answer.slots)
        self.records += answer.records
        self.recent.append(Said(message, intent, 0.9))
        self.recent += [Said(reply.text, bot=True) for reply in answer.replies]
        return answer

    def yes(self):
        return self.say("action_handoff_consent", '/handoff_consent{"answer":"yes"}', "handoff_consent", answer="yes")

    def offered(self):
        return self.say("action_ask_human", "jeg vil snakke med et menneske", "ask_human")


def words(answer) -> str:
    return " ".join(reply.text for reply in answer.replies)


def rows(url: str, table: str) -> list[str]:
    schema = MetaData()
    schema.reflect(engine_for(url))
    with engine_for(url).connect() as connection:
        return [" ".join(map(str, row)) for row in connection.execute(select(schema.tables[table]))]


def test_asking_for_a_person_offers_the_case_and_says_what_is_sent(by_email):
    answer = Conversation(by_email).offered()

    [offer] = answer.replies
    assert "utdrag av samtalen" in offer.text and "kontaktinformasjonen" in offer.text
    assert [b.title for b in offer.buttons] == ["Ja, send saken", "Nei takk"]
    assert [b.payload for b in offer.buttons] == [
        '/handoff_consent{"answer": "yes"}',
        '/handoff_consent{"answer": "no"}',
    ]
    assert answer.slots["handoff_step"] == "consent"


def test_in_nynorsk_the_offer_is_nynorsk(by_email):
    talk = Conversation(by_email)
    turn = Turn("eg vil snakke med eit menneske", intent="ask_human", standard="nn", conversation_id=CONVERSATION)
    with session_scope(talk.url) as session:
        answer = respond(session, "action_ask_human", turn)
    assert "Vil du at eg sender saka" in answer.replies[0].text
    assert answer.replies[0].buttons[0].title == "Ja, send saka"


def test_with_the_handoff_off_the_assistant_names_it_instead(monkeypatch, database):
    monkeypatch.setenv("BOT_HANDOFF_ADAPTER", "off")
    answer = Conversation(database).offered()

    assert [reply.buttons for reply in answer.replies] == [()]
    assert "du når et menneske hos IT" in words(answer)
    assert "handoff_step" not in answer.slots


def test_no_thanks_sends_nothing_and_says_so(by_email, smtp_server):
    talk = Conversation(by_email)
    talk.offered()
    answer = talk.say("action_handoff_consent", '/handoff_consent{"answer":"no"}', "handoff_consent", answer="no")

    assert "jeg sender ingenting" in words(answer)
    assert answer.slots["handoff_step"] is None
    assert smtp_server.mailbox.messages == [] and rows(by_email, "handoff_cases") == []


def test_the_widget_asks_for_a_contact_and_the_case_reaches_the_desk_with_its_number(by_email, smtp_server):
    talk = Conversation(by_email)
    talk.offered()
    asked = talk.yes()
    assert "Skriv navnet ditt og e-postadressen din" in words(asked)
    assert [b.title for b in asked.replies[0].buttons] == ["Hopp over", "Nei takk"]
    assert smtp_server.mailbox.messages == []

    answer = talk.say("action_rephrase", f"Jeg heter {NAME}, {EMAIL}", "nlu_fallback")

    [mail] = smtp_server.mailbox.messages
    [case] = outbox.cases_of(CONVERSATION, url=by_email)
    assert case.state == "sent" and case.reference in mail["Subject"]
    assert case.number in words(answer) and "Saksnummeret er" in words(answer)
    assert mail["Reply-To"] == EMAIL
    body = mail.get_content()
    assert NAME in body and "Får ikke logget inn" not in body  # the excerpt, masked, not the subject
    assert "logget inn i Visma" in body and "912 34 567" not in body and "[telefon]" in body
    assert "Jeg heter" not in body  # the contact answer itself is not part of the excerpt
    assert answer.records == [] and answer.slots["handoff_step"] is None


def test_a_wrong_address_gets_a_clear_message_and_a_second_chance(by_email, smtp_server):
    talk = Conversation(by_email)
    talk.offered()
    talk.yes()

    wrong = talk.say("action_rephrase", "kari.nordmann@kommune", "nlu_fallback")
    assert "«kari.nordmann@kommune» ser ikke ut som en e-postadresse" in words(wrong)
    assert wrong.slots["handoff_step"] == "contact" and smtp_server.mailbox.messages == []

    talk.say("action_rephrase", EMAIL, "nlu_fallback")
    [mail] = smtp_server.mailbox.messages
    assert mail["Reply-To"] == EMAIL


@pytest.mark.parametrize(
    ("typed", "mails", "says"),
    [("Nei takk.", 0, "jeg sender ingenting"), ("hopp over", 1, "Saken er sendt"), ("ja", 0, "Skriv navnet ditt")],
)
def test_typed_no_skip_and_yes_are_not_taken_for_a_name(by_email, smtp_server, typed, mails, says):
    talk = Conversation(by_email)
    talk.offered()
    talk.yes()
    answer = talk.say("action_feedback_helpful", typed, "feedback_helpful")

    assert says in words(answer) and len(smtp_server.mailbox.messages) == mails
    assert answer.records == []


def test_skip_sends_the_case_without_a_contact(by_email, smtp_server):
    talk = Conversation(by_email)
    talk.offered()
    talk.yes()
    answer = talk.say("action_handoff_skip", "/handoff_skip", "handoff_skip")

    [mail] = smtp_server.mailbox.messages
    assert mail["Reply-To"] is None and "(ikke oppgitt)" in mail.get_content()
    assert "Saken er sendt" in words(answer)


def test_teams_knows_who_it_is_and_the_case_reaches_topdesk(by_topdesk, topdesk):
    user = {"name": NAME, "aad_object_id": "00000000-aaaa-bbbb-cccc-000000000001"}
    talk = Conversation(by_topdesk, channel="teams", user=user)
    talk.offered()
    answer = talk.yes()  # no contact question: Teams told who the employee is

    [incident] = topdesk.incidents
    assert incident["number"] in words(answer)
    assert incident["caller"]["dynamicName"] == NAME
    assert user["aad_object_id"] in incident["request"] and "(teams)" in incident["request"]

    status = talk.say("action_case_status", "hva skjer med saken min?", "case_status")
    assert f"saksnummer {incident['number']}" in words(status) and "Registrert" in words(status)


def test_a_case_sent_while_the_mail_server_is_down_waits_and_arrives_once(by_email, smtp_server):
    smtp_server.stop()
    talk = Conversation(by_email)
    talk.offered()
    talk.yes()
    answer = talk.say("action_handoff_skip", "/handoff_skip", "handoff_skip")

    [case] = outbox.cases_of(CONVERSATION, url=by_email)
    assert words(answer) == (
        f"Saken venter og blir sendt så snart servicesenteret svarer. Saksnummeret er {case.reference}."
    )
    assert case.reference in words(talk.say("action_case_status", "hva skjer med saken min?", "case_status"))

    smtp_server.start()  # the action server's periodic delivery (bot/action_server.py) sends it once
    assert outbox.deliver_round(url=by_email)["sent"] == 1
    assert outbox.deliver_round(url=by_email)["sent"] == 0
    [mail] = smtp_server.mailbox.messages
    assert case.reference in mail["Subject"]
    assert "er sendt til IT" in words(talk.say("action_case_status", "hva skjer med saken min?", "case_status"))


class Rounds(threading.Event):
    """A stop event that lets `deliver_every` run `rounds` times."""

    def __init__(self, rounds: int) -> None:
        super().__init__()
        self.left = rounds

    def wait(self, timeout=None) -> bool:
        self.left -= 1
        return self.left < 0


def test_the_periodic_delivery_sends_waiting_cases_each_round(by_email, smtp_server):
    smtp_server.stop()
    talk = Conversation(by_email)
    talk.offered()
    talk.yes()
    talk.say("action_handoff_skip", "/handoff_skip", "handoff_skip")

    outbox.deliver_every(5, Rounds(2))  # the desk is still down: the case waits
    assert [c.state for c in outbox.cases_of(CONVERSATION, url=by_email)] == ["waiting"]
    smtp_server.start()
    outbox.deliver_every(5, Rounds(3))
    assert len(smtp_server.mailbox.messages) == 1
    assert [c.state for c in outbox.cases_of(CONVERSATION, url=by_email)] == ["sent"]


def test_the_daily_cap_gives_a_clear_message(monkeypatch, by_email, smtp_server):
    monkeypatch.setenv("BOT_HANDOFF_DAILY_CAP", "1")
    talk = Conversation(by_email)
    talk.offered()
    talk.yes()
    assert "Saken er sendt" in words(talk.say("action_handoff_skip", "/handoff_skip", "handoff_skip"))

    talk.offered()
    told = talk.yes()  # at once, before any contact question
    assert "Du har allerede sendt 1 saker fra denne samtalen det siste døgnet" in words(told)
    assert told.slots["handoff_step"] is None and len(smtp_server.mailbox.messages) == 1


def test_the_contact_never_reaches_the_inbox_or_the_gap_log(by_email, smtp_server):
    talk = Conversation(by_email)
    talk.offered()
    talk.yes()
    # Whatever the NLU made of them, the contact answers go to the handoff and nowhere else.
    talk.say("action_find_tool", "kari.nordmann(at)kommune", "find_tool")
    talk.say("action_rephrase", "12345", "nlu_fallback")
    talk.say("action_small_talk", f"{NAME} {EMAIL}", "out_of_scope")

    assert len(smtp_server.mailbox.messages) == 1
    assert talk.records == []
    for table in ("inbox_items", "gaps", "feedback"):
        assert all(NAME not in row and "kari.nordmann" not in row for row in rows(by_email, table))


def test_a_question_instead_of_a_contact_is_answered_and_nothing_is_sent(by_email, smtp_server):
    talk = Conversation(by_email)
    talk.offered()
    talk.yes()
    answer = talk.say("action_tool_info", "hva er Teams for noe?", "tool_info")

    assert answer.slots["handoff_step"] is None
    assert words(answer).endswith(text("handoff.dropped"))
    assert smtp_server.mailbox.messages == []


def test_a_thumbs_down_and_two_misunderstandings_in_a_row_offer_the_case(by_email):
    down = Conversation(by_email).say("action_feedback_not_helpful", "/feedback_not_helpful", "feedback_not_helpful")
    assert down.replies[-1].buttons[0].title == "Ja, send saken"

    talk = Conversation(by_email)
    talk.recent = [Said("flibber flabber", "nlu_fallback", 0.2)]
    twice = talk.say("action_rephrase", "glorp snorp", "nlu_fallback")
    assert twice.slots["handoff_step"] == "consent" and "Vil du at jeg sender saken" in words(twice)

    once = Conversation(by_email)
    once.recent = [Said("hva er Teams?", "tool_info", 0.9)]
    assert "handoff_step" not in once.say("action_rephrase", "glorp snorp", "nlu_fallback").slots


def test_case_status_without_a_case_says_so(by_email):
    answer = Conversation(by_email).say("action_case_status", "hva skjer med saken min?", "case_status")
    assert "Jeg finner ingen sak sendt fra denne samtalen" in words(answer)


def test_the_excerpt_is_masked_as_the_case_is_stored(by_email, smtp_server):
    talk = Conversation(by_email)
    talk.offered()
    talk.yes()
    talk.say("action_handoff_skip", "/handoff_skip", "handoff_skip")
    [stored] = rows(by_email, "handoff_cases")
    assert "912 34 567" not in stored and mask("ring meg på 912 34 567") in stored


def test_teams_name_without_an_address_is_not_invented(by_topdesk, topdesk):
    talk = Conversation(by_topdesk, channel="teams", user={"name": NAME})
    talk.offered()
    talk.yes()
    [incident] = topdesk.incidents
    assert "E-post: (ikke oppgitt)" in incident["request"]
