"""The training functions' messages (bot.training: English, for the command line) in Norwegian for
the trainer inbox. A message not known here is shown as it is, after a Norwegian lead-in."""

from __future__ import annotations

import re

_NAME = r"['\"](?P<name>.+?)['\"]"
_MESSAGES: list[tuple[re.Pattern, str]] = [
    (re.compile(pattern + r"\Z", re.S), text)
    for pattern, text in [
        (
            r"already an example of the intent (?P<intent>\S+) in (?P<file>\S+)",
            "finnes allerede som eksempel på et annet tema, {intent} (i filen {file}). Avgjør hvilket tema som er riktig; "
            "spør en utvikler om det gamle eksempelet skal flyttes",
        ),
        (
            r"already an example of the intent (?P<intent>\S+)",
            "finnes allerede som eksempel på et annet tema, {intent}",
        ),
        (r"already an example of (?P<intent>\S+)", "finnes allerede som eksempel på temaet {intent}"),
        (r"The example is empty\.", "Eksempelet er tomt."),
        (
            r"The example is (?P<n>\d+) characters long; at most (?P<max>\d+) are allowed\.",
            "Eksempelet er {n} tegn langt. Det kan være høyst {max} tegn.",
        ),
        (
            _NAME + r" is not a valid intent name: .*",
            "«{name}» kan ikke brukes som navn på et tema. Bruk små bokstaver a–z, tall og _, og begynn med en bokstav "
            "(for eksempel guest_wifi). Navnet kan være høyst 64 tegn.",
        ),
        (
            r"There is no intent " + _NAME + r" with examples in .*",
            "Temaet «{name}» finnes ikke. Velg et tema fra listen, eller lag et nytt tema.",
        ),
        (r"A new intent needs the answer the bot should give\.", "Et nytt tema må ha svaret roboten skal gi."),
        (r"A new intent needs a Norwegian name\.", "Et nytt tema må ha et navn."),
        (
            r"The name is (?P<n>\d+) characters long; at most (?P<max>\d+) are allowed\.",
            "Navnet er {n} tegn langt. Det kan være høyst {max} tegn.",
        ),
        (
            r"An intent is called " + _NAME + r" already \(\S+\)\.",
            "Det finnes allerede et tema som heter «{name}». Velg det i listen over temaer, eller gi det nye et annet navn.",
        ),
        (
            r"The answer is (?P<n>\d+) characters long; at most (?P<max>\d+) are allowed\.",
            "Svaret er {n} tegn langt. Det kan være høyst {max} tegn.",
        ),
        (
            r"The intent " + _NAME + r" exists already; .*",
            "Temaet «{name}» finnes allerede. Velg det i listen over temaer som finnes i stedet.",
        ),
        (
            r"The domain already has a response or action " + _NAME + r"\.",
            "Roboten har allerede et svar eller en handling som heter «{name}». Velg et annet navn på temaet.",
        ),
        (r"(?P<file>\S+) exists already\.", "Filen {file} finnes allerede. Velg et annet navn på temaet."),
        (r"no examples given", "ingen meldinger er valgt"),
        (r"No inbox message given\.", "Velg minst én melding."),
        # Attaching messages to a catalogue entry (bot.catalogue.changes)
        (r"The phrase is empty\.", "Skriv oppgaven eller navnet som skal legges til."),
        (
            r"The phrase is (?P<n>\d+) characters long; at most (?P<max>\d+) are allowed\.",
            "Teksten er {n} tegn lang. Den kan være høyst {max} tegn.",
        ),
        (
            r"The phrase contains personal data or the mask that replaced it \((?P<masks>.*)\); write it without\.",
            "Teksten inneholder personopplysninger eller merket som skjuler dem ({masks}). Skriv oppgaven med egne ord, "
            "uten personopplysninger.",
        ),
        (
            r"There is no workplace tool with the id " + _NAME + r"\.",
            "Fant ikke verktøyet «{name}» i katalogen. Det kan være fjernet. Velg et verktøy i listen.",
        ),
        (
            r"There is no process with the id " + _NAME + r"\.",
            "Fant ikke fremgangsmåten «{name}» i katalogen. Den kan være fjernet. Velg en fremgangsmåte i listen.",
        ),
        (
            r"A phrase can be added to a workplace tool or a process, not to a .*\.",
            "Velg et verktøy eller en fremgangsmåte i listen.",
        ),
        (r"No inbox message with id (?P<ids>[\d, ]+)\.", "Fant ikke melding nr. {ids} i innboksen."),
        (
            r"Inbox message (?P<ids>[\d, ]+) has been handled already\.",
            "Melding nr. {ids} er allerede behandlet, kanskje av en annen trener. Siden viser nå det som venter.",
        ),
    ]
]
_NO_NEW_EXAMPLE = re.compile(r"A new intent needs at least one new example \((?P<reasons>.*)\)\.\Z", re.S)
_TEXT_AND_REASON = re.compile(r"(?P<q>['\"])(?P<text>.*?)(?P=q): (?P<reason>.*)\Z", re.S)


def in_norwegian(message: str) -> str:
    """`message` from bot.training in Norwegian (klarspråk) for a trainer."""
    nested = _NO_NEW_EXAMPLE.match(message)
    if nested:
        details = []
        for part in nested.group("reasons").split("; "):
            found = _TEXT_AND_REASON.match(part)
            details.append(
                f"«{found.group('text')}» {in_norwegian(found.group('reason'))}" if found else in_norwegian(part)
            )
        return "Et nytt tema må ha minst ett eksempel som ikke finnes fra før: " + "; ".join(details) + "."
    for pattern, text in _MESSAGES:
        found = pattern.match(message)
        if found:
            return text.format(**found.groupdict())
    return f"Det gikk ikke: {message}"
