"""Which written standard to answer in: the municipality's (BOT_WRITTEN_STANDARD), or, with
BOT_MIRROR_STANDARD on, the one the employee clearly writes. "Clearly" is a margin of marker words
over the last few messages, so "ok", "takk", "Teams?" or a mixed message never flip it.

Also the words that belong to one standard only, which the message catalogue's texts are checked
against (tests/language/test_standard_words.py; the chosen forms are in docs/nynorsk.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.language.norwegian import words

STANDARDS = ("nb", "nn")
WINDOW = 3  # the employee's last messages the decision looks at
MARGIN = 2  # marker words one standard must lead the other by to count as clearly written

# Words written in one standard only (function words and our domain words). A text in the other
# standard must not hold them; the function words among them also decide a conversation's standard.
ONLY_IN = {
    "nb": frozenset(
        """
        jeg ikke hva hvordan hvorfor hvem hvor hvilken hvilket hvilke noe noen mye fra bare hele
        være vært gjøre gjør sier dere deres ansatt ansatte tjeneste tjenesten tjenester
        brukerstøtte brukeren brukere personopplysninger lagrer opplæringen avdelingen
        leder lederen meldingen saken kommer vet mer veiledning
        """.split()
    ),
    "nn": frozenset(
        """
        eg ikkje kva korleis kvifor kven noko nokon mykje frå berre heile vere vore gjere gjer
        seier dykk dykkar tilsett tilsette teneste tenesta tenester brukarstøtte brukar brukaren
        brukarar personopplysningar lagrar opplæringa avdelinga leiar leiaren meldinga saka
        kjem tek veit meir rettleiing
        """.split()
    ),
}
# The markers that decide: words employees actually write, common enough to show the standard.
# Not "ein"/"en" alone or "de": dialect and English make them unreliable on their own.
MARKERS = {
    "nb": frozenset("jeg ikke hva hvordan hvorfor hvem hvor noe noen mye fra bare hele være gjøre mer kommer".split()),
    "nn": frozenset("eg ikkje kva korleis kvifor kven noko nokon mykje frå berre heile vere gjere meir kjem".split()),
}


def markers_in(text: str) -> dict[str, int]:
    """How many marker words of each standard `text` holds."""
    found = words(text)
    return {standard: sum(word in MARKERS[standard] for word in found) for standard in STANDARDS}


def standard_for(messages: Sequence[str], current: str | None, written: str = "nb", mirror: bool = True) -> str:
    """The standard to answer in after the employee's `messages` (oldest first): `written` (the
    municipality's) when mirroring is off; otherwise the one the last WINDOW messages clearly use,
    or `current` (the conversation's so far; None → `written`) when they are short or mixed."""
    if not mirror:
        return written
    typed = [m for m in messages if m.strip()[:1] not in ("", "/")][-WINDOW:]  # not buttons' payloads
    counts = {standard: 0 for standard in STANDARDS}
    for message in typed:
        for standard, count in markers_in(message).items():
            counts[standard] += count
    if counts["nn"] - counts["nb"] >= MARGIN:
        return "nn"
    if counts["nb"] - counts["nn"] >= MARGIN:
        return "nb"
    return current if current in STANDARDS else written
