"""Finding the tools a message mentions, on the test catalogue (tests/catalogue/data/catalogue.yml)."""

from __future__ import annotations

import textwrap

import pytest

from bot import db
from bot.catalogue import recognition, search, snapshot, store
from bot.catalogue.recognition import RecognitionIndex
from bot.catalogue.schema import CatalogueFile, ToolEntry


@pytest.fixture(scope="module")
def index(test_catalogue) -> RecognitionIndex:
    return RecognitionIndex(test_catalogue)


def found(index: RecognitionIndex, message: str) -> list[tuple[str, str]]:
    """(id, text as written) of each mention, checking that the offsets point at that text."""
    mentions = index.find(message)
    for mention in mentions:
        assert message[mention.start : mention.end] == mention.text, mention
        assert 0 < mention.score <= 1
    return [(m.id, m.text) for m in mentions]


# (message, [(id, text as written in the message)]) — in the order the mentions appear.
MENTIONS = [
    # Plain names, any case
    ("Teams", [("teams", "Teams")]),
    ("Hvordan bruker jeg teams?", [("teams", "teams")]),
    ("TEAMS ER NEDE", [("teams", "TEAMS")]),
    ("Jeg får ikke startet OUTLOOK", [("outlook", "OUTLOOK")]),
    ("mICROSOFT tEAMS", [("teams", "mICROSOFT tEAMS")]),
    ("Hvor finner jeg Compilo?", [("compilo", "Compilo")]),
    # Aliases
    ("Er MS Teams det samme?", [("teams", "MS Teams")]),
    ("Eg finn ikkje timelista i MinGat", [("gat", "MinGat")]),
    ("PowerBI er tregt", [("powerbi", "PowerBI")]),
    ("Kan jeg bruke Hotmail?", [("outlook-com", "Hotmail")]),
    ("Er Flyt Skole oppe?", [("visma-flyt-skole", "Flyt Skole")]),
    ("I VFS fører jeg fravær", [("visma-flyt-skole", "VFS")]),
    ("Gå til IT-portalen", [("selvbetjening", "IT-portalen")]),
    ("Kan jeg bruke Google Disk?", [("google-drive", "Google Disk")]),
    ("Visma Lønn viser feil beløp", [("visma-hrm", "Visma Lønn")]),
    # Multi-word names; the longest name wins over a shorter one inside it
    ("Microsoft Teams krasjer", [("teams", "Microsoft Teams")]),
    ("Hvor i Power BI ser jeg sykefraværet?", [("powerbi", "Power BI")]),
    ("Logg inn i Visma Flyt Skole", [("visma-flyt-skole", "Visma Flyt Skole")]),
    ("visma flyt skole", [("visma-flyt-skole", "visma flyt skole")]),
    ("Kurset ligger i KS Læring", [("ks-laering", "KS Læring")]),
    ("ks læring", [("ks-laering", "ks læring")]),
    ("Dokumentasjon i Visma Profil", [("profil", "Visma Profil")]),
    ("Microsoft 365 Copilot Chat", [("copilot", "Microsoft 365 Copilot Chat")]),
    ("Facebook Messenger", [("messenger", "Facebook Messenger")]),
    ("Acos WebSak", [("websak", "Acos WebSak")]),
    ("Jeg har en konto på Outlook.com", [("outlook-com", "Outlook.com")]),
    ("Chat GPT", [("chatgpt", "Chat GPT")]),
    # Inflected forms
    ("Teamsen henger", [("teams", "Teamsen")]),
    ("Jeg har glemt passordet til gmailen min", [("gmail", "gmailen")]),
    ("Dropboxen er full", [("dropbox", "Dropboxen")]),
    ("outlooken min er treg", [("outlook", "outlooken")]),
    ("Hva skriver vi i whatsappen?", [("whatsapp", "whatsappen")]),
    ("Teamsene våre", [("teams", "Teamsene")]),
    ("Lagret i OneDriven", [("onedrive", "OneDriven")]),
    ("copiloten svarer rart", [("copilot", "copiloten")]),
    ("Outlooks kalender", [("outlook", "Outlooks")]),
    ("finner ikke mingaten", [("gat", "mingaten")]),
    ("Websaken er låst", [("websak", "Websaken")]),
    # Hyphenated compounds: the mention is the name, without the hyphenated tail
    ("Hvordan deler jeg skjermen i Teams-møtet?", [("teams", "Teams")]),
    ("Power BI-en viser gamle tall", [("powerbi", "Power BI")]),
    ("KS Læring-kurset om personvern", [("ks-laering", "KS Læring")]),
    ("Send det som SvarUt-brev", [("sikker-post", "SvarUt")]),
    ("Del Dropbox-lenka med meg", [("dropbox", "Dropbox")]),
    ("Hotmail-kontoen min", [("outlook-com", "Hotmail")]),
    ("outlook.com-kontoen min", [("outlook-com", "outlook.com")]),
    ("Compilo-avviket er sendt", [("compilo", "Compilo")]),
    # Closed compounds
    ("teamsmøtet starter nå", [("teams", "teamsmøtet")]),
    ("Hvem er i teamskanalen?", [("teams", "teamskanalen")]),
    ("Legg det i whatsappgruppa", [("whatsapp", "whatsappgruppa")]),
    ("dropboxmappa er borte", [("dropbox", "dropboxmappa")]),
    ("Jeg glemte gmailkontoen", [("gmail", "gmailkontoen")]),
    ("Se i outlookkalenderen", [("outlook", "outlookkalenderen")]),
    # Typos in names of five letters or more
    ("Outlok vil ikke starte", [("outlook", "Outlok")]),
    ("Er Whatsap lov?", [("whatsapp", "Whatsap")]),
    ("Dropbx på jobb", [("dropbox", "Dropbx")]),
    ("Kan jeg bruke Gogle Drive?", [("google-drive", "Gogle Drive")]),
    ("Gmial er blokkert", [("gmail", "Gmial")]),
    ("Copliot hjelper meg", [("copilot", "Copliot")]),
    ("Messnger på jobbmobilen", [("messenger", "Messnger")]),
    ("Wetransfr er tregt", [("wetransfer", "Wetransfr")]),
    ("Teasm starter ikke", [("teams", "Teasm")]),
    # Two adjacent letters swapped count as one typo, the first two as well
    ("otulook er tregt", [("outlook", "otulook")]),
    ("Temas virker ikke", [("teams", "Temas")]),
    ("Uotlook henger", [("outlook", "Uotlook")]),
    ("Dorpbox er full", [("dropbox", "Dorpbox")]),
    ("Kan jeg bruke Google Drvie?", [("google-drive", "Google Drvie")]),
    # Multi-word names written joined, also inflected or as a compound's head
    ("vismareise er nede", [("visma-reise", "vismareise")]),  # not Visma + "reise"
    ("Vismareisen henger", [("visma-reise", "Vismareisen")]),
    ("vismareiseappen", [("visma-reise", "vismareiseappen")]),
    ("Lønnsslippen ligger i vismahrm", [("visma-hrm", "vismahrm")]),
    ("Del det på googledrive", [("google-drive", "googledrive")]),
    # One-word names written as two or three words, also with a hyphen or inflected
    ("Er drop box lov?", [("dropbox", "drop box")]),
    ("Legg det i whats app-gruppa", [("whatsapp", "whats app")]),
    ("Sendte det med We Transfer", [("wetransfer", "We Transfer")]),
    ("Lagret i drop boxen", [("dropbox", "drop boxen")]),
    ("Drop-box er full", [("dropbox", "Drop-box")]),
    ("Bestill i selvbetjenings portalen", [("selvbetjening", "selvbetjenings portalen")]),
    # A name that is also an ordinary word: as a name it counts
    ("Logg inn i Profil", [("profil", "Profil")]),
    ("Profil er nede", [("profil", "Profil")]),
    ("Skriv rapporten i profil etter vakta", [("profil", "profil")]),
    # A two-letter alias counts as written
    ("Finner ikke saken i WS", [("websak", "WS")]),
    # Several tools in one message
    (
        "Jeg bruker WhatsApp og Dropbox privat, men Teams på jobb",
        [("whatsapp", "WhatsApp"), ("dropbox", "Dropbox"), ("teams", "Teams")],
    ),
    (
        "Bruk OneDrive, ikke Dropbox eller Google Drive",
        [("onedrive", "OneDrive"), ("dropbox", "Dropbox"), ("google-drive", "Google Drive")],
    ),
    ("gmail og hotmail", [("gmail", "gmail"), ("outlook-com", "hotmail")]),
    ("ChatGPT eller Copilot?", [("chatgpt", "ChatGPT"), ("copilot", "Copilot")]),
    ("Svarut eller WebSak?", [("sikker-post", "Svarut"), ("websak", "WebSak")]),
    ("teamsen til teamet mitt", [("teams", "teamsen")]),
    ("et team i Teams", [("teams", "Teams")]),
    ("Teams og teams-møtet og Teamsen", [("teams", "Teams")]),  # one mention per tool
]

# An alias two tools share: both are returned, on the same span.
AMBIGUOUS = [
    ("Visma", "Visma"),
    ("Jeg finner ikke lønnsslippen i Visma", "Visma"),
    ("Visma-appen er nede", "Visma"),
    ("Vismaen henger", "Vismaen"),
]

# Ordinary sentences that mention no tool, many with words close to a name.
NEGATIVES = [
    "teamet mitt har møte i morgen",
    "jeg jobber i et team",
    "teamene våre møtes hver uke",
    "teamlederen vår slutter",
    "teamets mål for året",
    "tema for møtet er budsjett",
    "gaten er stengt på grunn av veiarbeid",
    "gata mi er full av snø",
    "profilbildet mitt er gammelt",
    "jeg oppdaterte profilen min",
    "min profil på Facebook er privat",
    "jeg har et profilert foredrag",
    "jeg må sende post til kommunen",
    "posten kom sent i dag",
    "skal vi ta en prat i lunsjen?",
    "jeg skrev det i chatten",
    "jeg må chatte med lederen",
    "hvem har vakt i kveld?",
    "vi skal på visning i morgen",
    "jeg droppet møtet",
    "hva betyr ws",
    "han har en drive for å lære",
    "Det står i mappa på disken",
    "jeg googlet det",
    "kopien ligger i arkivet",
    "Hun er en god kollega",
    "Han mailet meg i går",
    "ny ansatt",
    "en kraftig power i bilen",
    "Kan du gi meg en kort oversikt?",
    "Vi sitter i samme gate som biblioteket",
    "temaet for møtet er budsjett",
    "vi skal drop, box og løpe",  # split words only join across a space or a hyphen
    "det er et pro fil",  # a name that is an ordinary word never matches written split
    "send en g mail",  # nor from a one-letter word
]


@pytest.mark.parametrize("message, expected", MENTIONS, ids=[m for m, _ in MENTIONS])
def test_mentions(index, message, expected):
    assert found(index, message) == expected


@pytest.mark.parametrize("message, text", AMBIGUOUS)
def test_alias_shared_by_two_tools_returns_both(index, message, text):
    mentions = index.find(message)
    assert sorted(m.id for m in mentions) == ["visma-flyt-skole", "visma-hrm"]
    assert {(m.start, m.end, m.text) for m in mentions} == {
        (message.index(text), message.index(text) + len(text), text)
    }
    assert mentions[0].score == mentions[1].score


@pytest.mark.parametrize("message", NEGATIVES)
def test_ordinary_sentences_mention_no_tool(index, message):
    assert index.find(message) == []


def test_offsets_kinds_names_and_scores(index):
    message = "Jeg bruker WhatsApp og Dropbox privat, men Teams på jobb"
    mentions = index.find(message)
    assert [(m.kind, m.id, m.name, m.start, m.end, m.score) for m in mentions] == [
        ("private_tool", "whatsapp", "WhatsApp", 11, 19, 1.0),
        ("private_tool", "dropbox", "Dropbox", 23, 30, 1.0),
        ("tool", "teams", "Microsoft Teams", 43, 48, 1.0),
    ]
    (typo,) = index.find("Kan jeg bruke Gogle Disk?")
    assert (typo.id, typo.start, typo.end) == ("google-drive", 14, 24)
    (power,) = index.find("Power BI-en")
    assert (power.start, power.end) == (0, 8)
    (inflected,) = index.find("I går hang Teamsen")
    assert (inflected.start, inflected.end, inflected.text) == (11, 18, "Teamsen")


def test_guards_hold_for_swapped_letters_and_split_names():
    """A swap is a typo like any other: a name that is itself a Norwegian word ("tidvis") matches
    only as written, while a name that is no word ("Tidbank") matches with two letters swapped. A
    split name does not start with a function word ("på loggen" is not Påloggen)."""
    catalogue = CatalogueFile(
        tools=(tool("tidvis", "Tidvis"), tool("tidbank", "Tidbank"), tool("paloggen", "Påloggen"))
    )
    names = RecognitionIndex(catalogue)
    assert [m.id for m in names.find("Tidvis er nede")] == ["tidvis"]
    assert names.find("tidvsi er nede") == []
    assert [m.id for m in names.find("tidbnak er nede")] == ["tidbank"]
    assert [m.id for m in names.find("pålog gen")] == ["paloggen"]
    assert names.find("hva står på loggen") == []


def tool(tool_id: str, name: str) -> ToolEntry:
    return ToolEntry(tool_id, name, "Tid", "Et verktøy.", ("føre timer",), "Alle.")


def test_split_and_joined_names_score_as_written(index):
    assert [(m.id, m.score) for m in index.find("drop box")] == [("dropbox", 1.0)]
    assert [(m.id, m.score) for m in index.find("drop boxen")] == [("dropbox", 0.95)]
    assert [(m.id, m.score) for m in index.find("vismahrm")] == [("visma-hrm", 1.0)]


def test_exact_match_scores_above_inflection_compound_and_typo(index):
    scores = {message: index.find(message)[0].score for message in ("Teams", "Teamsen", "teamsmøte", "Teasm")}
    assert scores["Teams"] > scores["Teamsen"] > scores["teamsmøte"] > scores["Teasm"]


def test_workplace_and_private_tool_sharing_a_first_word(index):
    assert [(m.kind, m.id) for m in index.find("Outlook")] == [("tool", "outlook")]
    assert [(m.kind, m.id) for m in index.find("Outlook.com")] == [("private_tool", "outlook-com")]


def test_two_letter_alias_is_case_sensitive(index):
    assert [m.id for m in index.find("WS")] == ["websak"]
    assert index.find("ws") == [] and index.find("Ws") == []


def test_empty_and_punctuation_only_messages(index):
    assert index.find("") == []
    assert index.find("?!… -- ") == []


def test_empty_catalogue_recognises_nothing():
    assert RecognitionIndex(CatalogueFile()).find("Teams og Outlook") == []


# --- through the database: a newly imported tool is found at once -------------------------------

TEAMS_ONLY = textwrap.dedent("""\
    version: 1
    tools:
      - id: teams
        name: Microsoft Teams
        aliases: [Teams]
        category: Samhandling
        summary: Chat og videomøter.
        tasks: [holde videomøter, chatte med kolleger]
        access: Alle ansatte.
""")

NEW_TOOL = textwrap.dedent("""\
    version: 1
    tools:
      - id: padlet
        name: Padlet
        category: Skole
        summary: Digitale oppslagstavler for undervisning.
        tasks: [lage en digital oppslagstavle for klassen]
        access: Lærere logger inn med Feide.
""")


def test_newly_imported_tool_is_recognised_and_searchable_at_once(db_url):
    message, need = "Kan jeg bruke Padlet med elevene?", "vil lage en oppslagstavle"
    with db.session_scope(db_url) as session:
        store.load_and_import(session, TEAMS_ONLY, "teams.yml")
    with db.session_scope(db_url) as session:
        assert recognition.recognise(session, message) == []
        assert [m.id for m in recognition.recognise(session, "Teams")] == ["teams"]
        first_index = recognition.index(session)
        assert recognition.index(session) is first_index  # cached while the catalogue is unchanged
        assert not search.search(session, need).fits
    with db.session_scope(db_url) as session:
        store.load_and_import(session, NEW_TOOL, "padlet.yml")
    with db.session_scope(db_url) as session:  # same process, no restart, no explicit refresh
        assert recognition.index(session) is not first_index
        assert [(m.id, m.text) for m in recognition.recognise(session, message)] == [("padlet", "Padlet")]
        result = search.search(session, need)
        assert result.fits and result.best.id == "padlet"
    with db.session_scope(db_url) as session:  # and gone at once when replaced away
        store.load_and_import(session, TEAMS_ONLY, "teams.yml", replace=True)
    with db.session_scope(db_url) as session:
        assert recognition.recognise(session, message) == []
        assert "padlet" not in [hit.id for hit in search.search(session, need).hits]


def test_recognise_through_the_database(loaded_db_url):
    with db.session_scope(loaded_db_url) as session:
        mentions = recognition.recognise(session, "Kan jeg dele Teams-opptaket på Dropbox?")
    assert [(m.kind, m.id, m.text) for m in mentions] == [
        ("tool", "teams", "Teams"),
        ("private_tool", "dropbox", "Dropbox"),
    ]


def test_snapshot_is_kept_per_database(new_database):
    first, second = new_database(), new_database()
    with db.session_scope(first) as session:
        store.load_and_import(session, NEW_TOOL, "a.yml")
    with db.session_scope(second) as session:
        assert recognition.recognise(session, "Padlet") == []
    with db.session_scope(first) as session:
        assert [m.id for m in recognition.recognise(session, "Padlet")] == ["padlet"]
    snapshot.clear()
    with db.session_scope(first) as session:
        assert [m.id for m in recognition.recognise(session, "Padlet")] == ["padlet"]
