"""Information classes (åpen, intern, fortrolig, strengt fortrolig) in plain words, and which
class the kinds of information employees ask about belong to."""

from __future__ import annotations

from bot.catalogue.schema import CLASSIFICATIONS
from bot.language.norwegian import terms
from bot.texts import DEFAULT_STANDARD, text

LEVEL = {name: rank for rank, name in enumerate(CLASSIFICATIONS)}

# Each class's key in bot/texts/classification.yml, which explains it in plain words.
_EXPLANATION = {
    "åpen": "classification.open",
    "intern": "classification.internal",
    "fortrolig": "classification.confidential",
    "strengt fortrolig": "classification.strictly_confidential",
}


def explained(level: str, standard: str = DEFAULT_STANDARD) -> str:
    """The class in plain words, to fill into a sentence: «fortrolig informasjon, for eksempel
    personopplysninger»."""
    return text(_EXPLANATION[level], standard)


# Words for kinds of information, each with the class such information usually has.
KINDS = {
    "strengt fortrolig": (
        "helseopplysninger helseopplysning helseinformasjon pasientopplysninger pasientinformasjon journal "
        "pasientjournal diagnose diagnoser sensitive sensitiv særlige taushetsbelagt taushetsbelagte "
        "taushetsplikt barnevern barnevernssak strengt gradert graderte fødselsnummer personnummer"
    ),
    "fortrolig": (
        "personopplysninger personopplysning personinformasjon elevopplysninger elevinformasjon "
        "karakterer adresse adresser telefonnummer lønnsopplysninger fortrolig fortrolige personalsak "
        "personalsaker navn bilder bilde"
    ),
    "intern": "interne internt møtereferat referat utkast arbeidsdokument arbeidsdokumenter",
    "åpen": "offentlig offentlige åpen åpne",
}
_KIND_TERMS = {level: set(terms(words)) for level, words in KINDS.items()}


def level_asked_about(message: str) -> str | None:
    """The highest information class that the words in `message` point at, if any."""
    asked = set(terms(message))
    for level in reversed(CLASSIFICATIONS):
        if asked & _KIND_TERMS[level]:
            return level
    return None


def allows(approved_for: str, needed: str) -> bool:
    return LEVEL[approved_for] >= LEVEL[needed]
