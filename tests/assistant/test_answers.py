"""Catalogue answers against a real database holding the seed catalogue (data/catalogue/tools.yml)."""

from __future__ import annotations

import pytest

from bot.assistant import answers, classification
from bot.assistant.answers import Mentioned
from bot.assistant.contact import reach_it
from bot.assistant.replies import Answer
from bot.catalogue import store
from bot.texts import text as catalogue_text


def texts(answer: Answer) -> list[str]:
    return [reply.text for reply in answer.replies]


def payloads(answer: Answer) -> list[str]:
    return [button.payload for reply in answer.replies for button in reply.buttons]


def named(*tool_ids: str) -> Mentioned:
    """Tools named in one place of the message (more than one id: an ambiguous name)."""
    return Mentioned(tools=[list(tool_ids)])


def follow_ups(tool_id: str, *aspects: str) -> list[str]:
    return [f'/tool_{aspect}{{"tool": "{tool_id}"}}' for aspect in aspects]


# --- Mentioned ---------------------------------------------------------------------------------


def test_mentioned_groups_tools_by_place_in_the_text():
    entities = [
        {"entity": "tool", "value": "visma-hrm", "start": 10, "end": 15},
        {"entity": "tool", "value": "visma-reise", "start": 10, "end": 15},
        {"entity": "tool", "value": "teams", "start": 20, "end": 25},
        {"entity": "private_tool", "value": "dropbox", "start": 30, "end": 37},
        {"entity": "sector", "value": "skole", "start": 40, "end": 45},
        {"entity": "category", "value": "Samhandling", "start": 50, "end": 61},
        {"entity": "tool", "value": None, "start": 0, "end": 1},
    ]
    found = Mentioned.from_entities(entities)
    assert found.tools == [["visma-hrm", "visma-reise"], ["teams"]]
    assert (found.private_tools, found.sectors, found.categories) == (["dropbox"], ["skole"], ["Samhandling"])


# --- need: which tool or process -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, tool_id, says",
    [
        ("hvor ser jeg lønnsslippen", "visma-hrm", "Til det kan du bruke Visma HRM."),
        ("hvordan attesterer jeg en faktura", "unit4", "Til det kan du bruke Unit4 ERP."),
        ("jeg vil holde et videomøte", "teams", "Til det kan du bruke Microsoft Teams."),
        ("hvor skriver jeg rapport etter vakta", "gerica", "Til det kan du bruke Gerica."),
        ("jeg må skrive et vedtak", "elements", "Til det kan du bruke Elements."),
        ("booke møterom", "bookup", "Til det kan du bruke Bookup."),
    ],
)
def test_need_picks_the_tool_and_remembers_it(seed, text, tool_id, says):
    answer = answers.need(seed, text, Mentioned())
    first = answer.replies[0]
    assert first.text.startswith(says)
    assert "Den passer til å " in first.text  # the task that matched
    assert [b.payload for b in first.buttons] == follow_ups(tool_id, "access", "training", "support")
    assert answer.slots == {"tool": tool_id}


@pytest.mark.parametrize(
    "text, process_name, first_tool",
    [
        ("hvordan bytter jeg vakt?", "Bytte vakt", "gat"),
        ("hvordan bestiller jeg ny PC?", "Bestille ny PC", "selvbetjening"),
        ("jeg har glemt passordet mitt", "Glemt passord", "passord"),
    ],
)
def test_need_gives_the_steps_of_a_process(seed, text, process_name, first_tool):
    answer = answers.need(seed, text, Mentioned())
    process = next(p for p in store.read_catalogue(seed).processes if p.name == process_name)
    text = answer.replies[0].text
    assert text.startswith(f"{process.name}:\n1. {process.steps[0]}\n2. ")
    assert f"{len(process.steps)}. {process.steps[-1]}" in text
    assert "Verktøy du trenger: " in text
    assert payloads(answer)[0] == f'/tool_info{{"tool": "{first_tool}"}}'
    assert answer.slots == {"tool": first_tool}


def test_need_with_close_candidates_asks_did_you_mean(seed):
    answer = answers.need(seed, "dele filer", Mentioned())
    assert answer.slots == {} and answer.gaps == []
    assert texts(answer) == ["Mente du en av disse? Hvis ingen passer, skriv gjerne litt mer om hva du skal gjøre."]
    candidates = {b.title: b.payload for b in answer.replies[0].buttons}
    assert 2 <= len(candidates) <= 3
    assert candidates["OneDrive"] == '/tool_info{"tool": "onedrive"}'
    assert candidates["Microsoft Teams"] == '/tool_info{"tool": "teams"}'


def test_a_process_among_the_choices_sends_its_name(seed):
    # A process has no id the dialogue knows: its button sends its name as the message, which
    # must give the steps, not a search again.
    answer = answers.need(seed, "dele filer", Mentioned())
    button = next(b for r in answer.replies for b in r.buttons if b.title == "Sende store eller sensitive filer")
    assert button.payload == "Sende store eller sensitive filer"
    pressed = answers.need(seed, button.payload, Mentioned())
    assert pressed.replies[0].text.startswith("Sende store eller sensitive filer:\n1. ")


def test_need_does_not_offer_the_tools_of_the_process_again(seed):
    # "Søke ferie": the process wins and lists Visma HRM, which also scores close.
    answer = answers.need(seed, "søke ferie", Mentioned())
    assert answer.replies[0].text.startswith("Søke ferie:")
    assert payloads(answer) == ['/tool_info{"tool": "visma-hrm"}', '/tool_info{"tool": "gat"}']
    assert "Dette kan også passe:" not in texts(answer)


def test_a_process_name_as_the_whole_message_gives_its_steps(seed):
    pressed = answers.need(seed, "Levere reiseregning", Mentioned())
    assert pressed.replies[0].text.startswith("Levere reiseregning:\n1. Logg inn i Visma Reise.")
    assert pressed.slots == {"tool": "visma-reise"}


@pytest.mark.parametrize("text", ["???", "hvordan fikser jeg det", "kan du ordne det for meg"])
def test_a_vague_need_that_nothing_fits_is_said_plainly_without_a_gap(seed, text):
    answer = answers.need(seed, text, Mentioned())
    assert texts(answer) == [answers.no_tool_fits().replies[0].text]
    assert texts(answer)[0].startswith("Jeg fant ikke noe verktøy i katalogen som passer til det.")
    assert payloads(answer) == [] and answer.slots == {} and answer.gaps == []
    assert not answer.out_of_scope


def test_need_with_a_private_tool_gives_the_approved_alternative(seed):
    answer = answers.need(seed, "kan jeg dele filer i Dropbox?", Mentioned(private_tools=["dropbox"]))
    assert texts(answer)[0].endswith("\nGodkjent alternativ: OneDrive, Sikker filoverføring.")
    assert answer.slots == {"private_tool": "dropbox", "tool": "onedrive"}


# --- questions about one tool --------------------------------------------------------------------


@pytest.mark.parametrize(
    "aspect, starts, field, buttons",
    [
        ("info", "Microsoft Teams (Samarbeid og møter): ", "summary", ("access", "training", "support")),
        ("access", "Slik får du tilgang til Microsoft Teams: ", "access", ("training", "support")),
        ("training", "Opplæring i Microsoft Teams: ", "training", ("access", "support")),
        ("support", "Hjelp med Microsoft Teams: ", "support", ("access", "training")),
    ],
)
def test_tool_question_answers_each_aspect_from_the_catalogue(seed, aspect, starts, field, buttons):
    teams = store.get_tool(seed, "teams")
    answer = answers.tool_question(seed, aspect, named("teams"), context_tool=None)
    assert len(answer.replies) == 1
    assert answer.replies[0].text == starts + getattr(teams, field) + (
        f"\nLenke: {teams.url}" if aspect == "info" else ""
    )
    assert payloads(answer) == follow_ups("teams", *buttons)
    assert answer.slots == {"tool": "teams", "aspect": aspect}


def test_tool_question_uses_the_tool_from_the_conversation(seed):
    answer = answers.tool_question(seed, "access", Mentioned(), context_tool="gerica")
    assert texts(answer) == [f"Slik får du tilgang til Gerica: {store.get_tool(seed, 'gerica').access}"]
    assert answer.slots == {"tool": "gerica", "aspect": "access"}


def test_a_named_tool_wins_over_the_conversation(seed):
    answer = answers.tool_question(seed, "training", named("excel"), context_tool="gerica")
    assert texts(answer)[0].startswith("Opplæring i Microsoft Excel: ")
    assert answer.slots == {"tool": "excel", "aspect": "training"}


@pytest.mark.parametrize("aspect", answers.ASPECTS)
def test_an_ambiguous_name_gets_a_clarifying_question(seed, aspect):
    answer = answers.tool_question(seed, aspect, named("visma-hrm", "visma-reise"), context_tool="teams")
    assert texts(answer) == ["Det navnet passer på flere verktøy. Hvilket mener du?"]
    assert [(b.title, b.payload) for b in answer.replies[0].buttons] == [
        ("Visma HRM", f'/tool_{aspect}{{"tool": "visma-hrm"}}'),
        ("Visma Reise", f'/tool_{aspect}{{"tool": "visma-reise"}}'),
    ]
    assert answer.slots == {}


def test_without_a_tool_the_question_is_which_tool(seed):
    answer = answers.tool_question(seed, "support", Mentioned(), context_tool=None)
    assert texts(answer) == [catalogue_text("answers.ask_which_tool")]
    assert answer.slots == {}


def test_a_tool_question_about_a_private_tool_gives_the_advice(seed):
    answer = answers.tool_question(seed, "access", Mentioned(private_tools=["whatsapp"]), context_tool="gerica")
    assert texts(answer) == [
        f"{store.get_private_tool(seed, 'whatsapp').guidance}\nGodkjent alternativ: Microsoft Teams."
    ]
    assert answer.slots == {"private_tool": "whatsapp", "tool": "teams"}


def test_a_tool_without_training_or_support_gets_a_helpful_default(small):
    training = answers.tool_question(small, "training", named("notatappen"), context_tool=None)
    support = answers.tool_question(small, "support", named("notatappen"), context_tool=None)
    info = answers.tool_question(small, "info", named("notatappen"), context_tool=None)
    assert texts(training) == [
        "Jeg har ikke noe kurs registrert for Notatappen. Spør lederen din eller en kollega som kan verktøyet."
    ]
    assert texts(support) == [f"For hjelp med Notatappen kan du kontakte {reach_it()}."]
    assert texts(info) == ["Notatappen (Kontorstøtte): En enkel app for notater."]  # no URL, no link line


# --- may I use it? ---------------------------------------------------------------------------------


def test_a_private_tool_gets_guidance_alternatives_and_access_buttons(seed):
    dropbox = store.get_private_tool(seed, "dropbox")
    answer = answers.allowed(seed, Mentioned(private_tools=["dropbox"]), context_tool="gerica")
    assert texts(answer) == [f"{dropbox.guidance}\nGodkjent alternativ: OneDrive, Sikker filoverføring."]
    assert [(b.title, b.payload) for b in answer.replies[0].buttons] == [
        ("Tilgang til OneDrive", '/tool_access{"tool": "onedrive"}'),
        ("Tilgang til Sikker filoverføring", '/tool_access{"tool": "sikker-filoverforing"}'),
    ]
    assert answer.slots == {"private_tool": "dropbox", "tool": "onedrive"}


def test_a_private_tool_without_an_alternative_is_said_honestly(seed):
    canva = store.get_private_tool(seed, "canva")
    assert canva.alternatives == ()
    answer = answers.allowed(seed, Mentioned(private_tools=["canva"]), context_tool=None)
    assert texts(answer) == [
        f"Canva er ikke godkjent for jobb, og kommunen har ikke et godkjent alternativ ennå.\n{canva.guidance}"
    ]
    assert payloads(answer) == []
    assert answer.slots == {"private_tool": "canva"}  # no workplace tool to talk about next


def test_two_private_tools_get_an_answer_each(seed):
    answer = answers.allowed(seed, Mentioned(private_tools=["gmail", "vipps"]), context_tool=None)
    assert texts(answer) == [
        f"{store.get_private_tool(seed, 'gmail').guidance}\nGodkjent alternativ: Microsoft Outlook.",
        "Vipps er ikke godkjent for jobb, og kommunen har ikke et godkjent alternativ ennå.\n"
        + store.get_private_tool(seed, "vipps").guidance,
    ]
    assert payloads(answer) == ['/tool_access{"tool": "outlook"}']


@pytest.mark.parametrize("tool_id, level", [("teams", "intern"), ("gerica", "strengt fortrolig"), ("lovdata", "åpen")])
def test_a_workplace_tool_is_approved_with_its_information_class(seed, tool_id, level):
    tool = store.get_tool(seed, tool_id)
    answer = answers.allowed(seed, named(tool_id), context_tool=None)
    assert texts(answer) == [
        f"Ja, {tool.name} er godkjent for jobb. Det kan brukes til {classification.explained(level)}."
    ]
    assert payloads(answer) == follow_ups(tool_id, "access", "training", "support")
    assert answer.slots == {"tool": tool_id, "aspect": "allowed"}


def test_allowed_uses_the_tool_from_the_conversation(seed):
    answer = answers.allowed(seed, Mentioned(), context_tool="outlook")
    assert texts(answer)[0].startswith("Ja, Microsoft Outlook er godkjent for jobb.")


def test_an_unknown_tool_is_not_said_to_be_approved(seed):
    answer = answers.allowed(seed, Mentioned(), context_tool=None)
    assert texts(answer)[0].startswith("Jeg kjenner ikke det verktøyet, så jeg kan ikke si at det er godkjent.")
    assert answer.slots == {}


def test_an_unknown_private_tool_is_not_answered_with_the_conversation_tool(seed):
    # A private tool id the catalogue no longer has (e.g. removed by an import): never "Ja, Teams ...".
    answer = answers.allowed(seed, Mentioned(private_tools=["removed-tool"]), context_tool="teams")
    assert texts(answer)[0].startswith("Jeg kjenner ikke det verktøyet")


def test_allowed_with_an_ambiguous_name_asks_which(seed):
    answer = answers.allowed(seed, named("visma-hrm", "visma-reise"), context_tool=None)
    assert payloads(answer) == ['/ask_allowed{"tool": "visma-hrm"}', '/ask_allowed{"tool": "visma-reise"}']


def test_a_tool_without_classification_is_approved_without_a_class(small):
    answer = answers.allowed(small, named("notatappen"), context_tool=None)
    assert texts(answer) == ["Ja, Notatappen er godkjent for jobb."]


# --- information classes ---------------------------------------------------------------------------


def approved_for(session, level: str) -> set[str]:
    return {
        t.id
        for t in store.read_catalogue(session).tools
        if t.data_classification and classification.allows(t.data_classification, level)
    }


def test_personal_data_in_an_internal_tool_is_no_with_tools_that_fit(seed):
    answer = answers.information_class(seed, "kan jeg lagre personopplysninger i Teams?", named("teams"), None)
    assert texts(answer)[0] == (
        "Nei. Microsoft Teams er bare godkjent for intern informasjon, som ikke er hemmelig, men bare er for ansatte. "
        "Det du spør om er fortrolig informasjon, for eksempel personopplysninger."
    )
    assert texts(answer)[1] == (
        "Til det samme kan du bruke dette, som er godkjent for fortrolig informasjon, for eksempel personopplysninger:"
    )
    suggested = [b.payload for b in answer.replies[1].buttons]
    assert 1 <= len(suggested) <= 3
    fitting = approved_for(seed, "fortrolig")
    assert "teams" not in fitting
    assert all(p in {f'/tool_info{{"tool": "{t}"}}' for t in fitting} for p in suggested)
    # Tools for the same job (sharing, meetings, chat), not any tool with the class.
    assert not {
        '/tool_info{"tool": "bitwarden"}',
        '/tool_info{"tool": "altinn"}',
        '/tool_info{"tool": "citrix"}',
    } & set(suggested)
    assert answer.slots == {"tool": "teams", "aspect": "classification", "information_level": "fortrolig"}


def test_health_data_in_a_strictly_confidential_tool_is_yes(seed):
    answer = answers.information_class(seed, "er det lov å ha helseopplysninger i Gerica?", named("gerica"), None)
    assert texts(answer) == [f"Ja. Gerica er godkjent for {classification.explained('strengt fortrolig')}."]
    assert answer.slots == {"tool": "gerica", "aspect": "classification", "information_level": "strengt fortrolig"}


def test_a_lower_class_in_a_higher_tool_is_yes_and_says_it_is_covered(seed):
    answer = answers.information_class(seed, "kan jeg lagre et møtereferat i Elements?", named("elements"), None)
    assert texts(answer) == [
        f"Ja. Elements er godkjent for {classification.explained('fortrolig')}. "
        f"Det dekker {classification.explained('intern')}."
    ]


def test_health_data_in_a_confidential_tool_is_no(seed):
    answer = answers.information_class(seed, "kan jeg skrive diagnoser i Visma HRM?", named("visma-hrm"), None)
    assert texts(answer)[0].startswith("Nei. Visma HRM er bare godkjent for fortrolig informasjon")
    suggested = {b.payload for b in answer.replies[1].buttons}
    assert suggested <= {f'/tool_info{{"tool": "{t}"}}' for t in approved_for(seed, "strengt fortrolig")}


def test_information_class_uses_the_tool_from_the_conversation(seed):
    answer = answers.information_class(seed, "kan jeg lagre personopplysninger der?", Mentioned(), "visma-hrm")
    assert texts(answer) == [f"Ja. Visma HRM er godkjent for {classification.explained('fortrolig')}."]
    assert answer.slots == {"tool": "visma-hrm", "aspect": "classification", "information_level": "fortrolig"}


def test_without_a_kind_of_information_the_tools_class_is_told(seed):
    answer = answers.information_class(seed, "hva kan jeg lagre i Teams?", named("teams"), None)
    assert texts(answer) == [f"Microsoft Teams er godkjent for {classification.explained('intern')}."]


def test_without_a_tool_the_tools_for_that_class_are_listed(seed):
    answer = answers.information_class(seed, "hvor kan jeg lagre helseopplysninger?", Mentioned(), None)
    assert texts(answer) == [f"Verktøy som er godkjent for {classification.explained('strengt fortrolig')}:"]
    assert {b.payload for b in answer.replies[0].buttons} <= {
        f'/tool_info{{"tool": "{t}"}}' for t in approved_for(seed, "strengt fortrolig")
    }
    assert '/tool_info{"tool": "gerica"}' in payloads(answer)
    assert answer.slots == {}


def test_without_tool_or_kind_the_question_is_explained(seed):
    answer = answers.information_class(seed, "hva kan jeg lagre?", Mentioned(), None)
    assert texts(answer)[0].startswith("Det kommer an på hva slags informasjon det er")


def test_information_in_a_private_tool_is_no_with_the_advice(seed):
    answer = answers.information_class(
        seed, "kan jeg lagre personopplysninger i Dropbox?", Mentioned(private_tools=["dropbox"]), "teams"
    )
    assert texts(answer)[0] == "Nei. Jobbinformasjon skal ikke lagres eller deles i private verktøy."
    assert texts(answer)[1] == (
        f"{store.get_private_tool(seed, 'dropbox').guidance}\nGodkjent alternativ: OneDrive, Sikker filoverføring."
    )
    assert answer.slots == {"private_tool": "dropbox", "tool": "onedrive"}


def test_information_class_with_an_ambiguous_name_asks_which(seed):
    answer = answers.information_class(seed, "personopplysninger i Visma?", named("visma-hrm", "visma-reise"), None)
    assert payloads(answer) == [
        '/ask_classification{"tool": "visma-hrm"}',
        '/ask_classification{"tool": "visma-reise"}',
    ]


def test_a_tool_without_classification_is_not_guessed(small):
    answer = answers.information_class(
        small, "kan jeg lagre personopplysninger i Notatappen?", named("notatappen"), None
    )
    assert texts(answer) == [
        "Det er ikke registrert hva slags informasjon Notatappen er godkjent for. "
        f"Spør {reach_it()} før du lagrer noe som ikke er åpent."
    ]
    assert answer.slots == {"tool": "notatappen", "aspect": "classification", "information_level": "fortrolig"}


def test_no_tool_approved_for_the_class_is_said(small):
    answer = answers.information_class(small, "hvor kan jeg lagre helseopplysninger?", Mentioned(), None)
    assert texts(answer)[0].startswith("Jeg finner ikke noe verktøy i katalogen som er godkjent for strengt fortrolig")


# --- lists -------------------------------------------------------------------------------------------


def test_tool_list_by_category(seed):
    answer = answers.tool_list(seed, Mentioned(categories=["Samarbeid og møter"]))
    assert texts(answer) == [
        "Verktøy for samarbeid og møter:\n"
        "- Bookup: Booking av møterom, kommunale lokaler og utstyr\n"
        "- Microsoft Outlook: E-post og kalender for jobben\n"
        "- Microsoft Planner: Oppgavetavle for team og prosjekter\n"
        "- Microsoft Teams: Chat, videomøter og samarbeid i team\n"
        "- Proxyclick: Registrering av besøkende i rådhuset og andre kommunale bygg"
    ]
    assert payloads(answer) == [
        '/tool_info{"tool": "bookup"}',
        '/tool_info{"tool": "outlook"}',
        '/tool_info{"tool": "planner"}',
        '/tool_info{"tool": "teams"}',
        '/tool_info{"tool": "proxyclick"}',
    ]


def test_tool_list_keeps_acronyms_in_the_heading(seed):
    assert texts(answers.tool_list(seed, Mentioned(categories=["IT-hjelp og sikkerhet"])))[0].startswith(
        "Verktøy for IT-hjelp og sikkerhet:\n"
    )
    assert texts(answers.tool_list(seed, Mentioned(sectors=["NAV"])))[0].startswith("Verktøy for NAV:\n")


def test_tool_list_by_sector(seed):
    answer = answers.tool_list(seed, Mentioned(sectors=["skole"]))
    assert texts(answer)[0].splitlines()[0] == "Verktøy for skole:"
    assert payloads(answer) == [
        '/tool_info{"tool": "itslearning"}',
        '/tool_info{"tool": "vigilo"}',
        '/tool_info{"tool": "visma-flyt-skole"}',
    ]


@pytest.mark.parametrize("mentioned", [Mentioned(), Mentioned(categories=["Finnes ikke"])])
def test_tool_list_without_a_known_topic_offers_the_categories(seed, mentioned):
    catalogue = store.read_catalogue(seed)
    categories = sorted({t.category for t in catalogue.tools}, key=str.casefold)
    answer = answers.tool_list(seed, mentioned)
    assert texts(answer) == [
        f"Katalogen har {len(catalogue.tools)} verktøy. Velg et område, eller skriv hva du vil gjøre:"
    ]
    assert payloads(answer) == [f'/list_tools{{"category": "{c}"}}' for c in categories]
    assert [b.title for b in answer.replies[0].buttons] == categories


# --- an empty catalogue --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ask",
    [
        pytest.param(lambda s: answers.need(s, "hvordan bytter jeg vakt?", Mentioned()), id="need"),
        pytest.param(lambda s: answers.tool_question(s, "info", Mentioned(), None), id="tool_question"),
        pytest.param(lambda s: answers.tool_question(s, "access", named("teams"), "gat"), id="tool_question-named"),
        pytest.param(lambda s: answers.allowed(s, named("teams"), None), id="allowed"),
        pytest.param(lambda s: answers.allowed(s, Mentioned(private_tools=["dropbox"]), None), id="allowed-private"),
        pytest.param(
            lambda s: answers.information_class(s, "hvor kan jeg lagre helseopplysninger?", Mentioned(), None),
            id="information_class-kind",
        ),
        pytest.param(
            lambda s: answers.information_class(s, "hva kan jeg lagre?", Mentioned(), "teams"), id="information_class"
        ),
        pytest.param(lambda s: answers.tool_list(s, Mentioned(categories=["Samarbeid og møter"])), id="tool_list"),
    ],
)
def test_an_empty_catalogue_is_said_politely(empty, ask):
    answer = ask(empty)
    assert texts(answer) == [catalogue_text("answers.empty_catalogue")]
    assert payloads(answer) == [] and answer.slots == {}
