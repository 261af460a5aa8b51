"""Which answer a question gets when it does not fit its intent plainly (issue "Answers employees
can trust", its examples on the seed catalogue): a list request that names a need, an access or
information question that names a task, follow-ups that keep the aspect, processes for "how do I",
and no tool for one ordinary word."""

from __future__ import annotations

from bot.assistant import answers
from bot.assistant.answers import Mentioned
from bot.texts import text as catalogue_text


def texts(answer) -> list[str]:
    return [reply.text for reply in answer.replies]


def titles(answer) -> list[str]:
    return [button.title for reply in answer.replies for button in reply.buttons]


def named(*tool_ids: str) -> Mentioned:
    return Mentioned(tools=[list(tool_ids)])


def test_which_tool_do_we_use_for_a_task_is_a_need_not_the_category_list(seed):
    answer = answers.tool_list(seed, Mentioned(), "Hvilket verktøy bruker vi til å dele skjerm?")
    assert not texts(answer)[0].startswith("Katalogen har")
    assert len(titles(answer)) <= 3


def test_a_plain_list_request_still_lists_the_categories(seed):
    answer = answers.tool_list(seed, Mentioned(), "hvilke verktøy har vi?")
    assert texts(answer)[0].startswith("Katalogen har 55 verktøy.")
    assert len(titles(answer)) > 10


def test_access_for_a_task_answers_access_to_the_tool_for_it(seed):
    answer = answers.tool_question(
        seed, "access", Mentioned(), None, "Må jeg søke om tilgang for å levere reiseregning?"
    )
    assert texts(answer)[0] == "Til det bruker du Visma Reise."
    assert texts(answer)[1].startswith("Slik får du tilgang til Visma Reise:")
    assert answer.slots == {"tool": "visma-reise", "aspect": "access"}


def test_a_question_without_a_task_keeps_the_tool_of_the_conversation(seed):
    answer = answers.tool_question(seed, "access", Mentioned(), "gerica", "hvordan får jeg tilgang til det?")
    assert texts(answer)[0].startswith("Slik får du tilgang til Gerica:")
    support = answers.tool_question(seed, "support", Mentioned(), None, "det virker ikke")
    assert texts(support) == [catalogue_text("answers.ask_which_tool")]


def test_information_class_follow_up_keeps_the_aspect_for_the_new_tool(seed):
    first = answers.about_tool(seed, "classification", "Kan jeg dele personopplysninger i Teams?", named("teams"), None)
    assert texts(first)[0].startswith("Nei. Microsoft Teams er bare godkjent for intern informasjon")
    follow_up = "hva med OneDrive da?"
    aspect = answers.follow_up_aspect(follow_up, named("onedrive"), first.slots["aspect"])
    assert aspect == "classification"
    answer = answers.about_tool(
        seed, aspect, follow_up, named("onedrive"), first.slots["tool"], previous_level=first.slots["information_level"]
    )
    assert texts(answer)[0].startswith("Nei. OneDrive er bare godkjent for intern informasjon")
    assert "personopplysninger" in texts(answer)[0]


def test_follow_ups_keep_access_training_and_support_too(seed):
    for aspect, start in [
        ("access", "Slik får du tilgang til OneDrive"),
        ("training", "Opplæring i OneDrive"),
        ("support", "Hjelp med OneDrive"),
    ]:
        kept = answers.follow_up_aspect("og OneDrive?", named("onedrive"), aspect)
        assert kept == aspect
        assert texts(answers.about_tool(seed, kept, "og OneDrive?", named("onedrive"), "teams"))[0].startswith(start)


def test_a_question_of_its_own_does_not_keep_the_aspect():
    assert answers.follow_up_aspect("hva er OneDrive?", named("onedrive"), "access") is None
    assert answers.follow_up_aspect("hva med OneDrive da?", Mentioned(), "access") is None
    assert answers.follow_up_aspect("hva med OneDrive da?", named("onedrive"), None) is None


def test_alternatives_for_an_information_class_do_the_same_job(seed):
    answer = answers.information_class(seed, "kan jeg dele personopplysninger i Teams?", named("teams"), None)
    offered = set(titles(answer))
    assert offered and not offered & {"Bitwarden", "Altinn", "Citrix"}


def test_how_do_i_prefers_the_process(seed):
    answer = answers.need(seed, "hva er fremgangsmåten når jeg skal slutte", Mentioned())
    assert "Slutte i jobben" in texts(answer)[0] or "Slutte i jobben" in titles(answer)


def test_one_ordinary_word_gets_no_tool(seed):
    answer = answers.need(seed, "det virker ikke", Mentioned())
    assert answer.slots == {} and answer.gaps == [] and titles(answer) == []


def test_a_covered_need_is_not_logged_as_a_missing_tool(seed):
    for text in ("Trenger et sted å lagre bilder fra en tilsynsrapport", "hvor ser jeg hvor mye jeg tjente i fjor"):
        answer = answers.need(seed, text, Mentioned())
        assert answer.gaps == [] and not answer.out_of_scope, text
