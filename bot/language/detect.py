"""Which written language a message is in: bokmål (nb), nynorsk (nn) or English (en).

A word count of function words that only one of them uses; good enough to tell IT which
languages employees write in, not a general language identifier.
"""

from __future__ import annotations

from bot.language.norwegian import words

MARKERS = {
    "nn": set(
        "eg ikkje kva korleis kvifor kven kor frå ein eit eitt dei dykk dykkar meir heile berre noko nokon "
        "mykje gjere seier vere vore skule høyre sjå".split()
    ),
    "en": set(
        "i the is are what how where can do does my you your with and to of for it this that which "
        "please want need use using access help".split()
    ),
    # Not "kan", "må", "vil": nynorsk uses them too.
    "nb": set(
        "jeg ikke hva hvordan hvorfor hvem hvor fra en et de dere mer hele bare noe noen mye gjøre sier "
        "være vært skole høre se".split()
    ),
}


def language_of(text: str) -> str:
    found = words(text)
    scores = {language: sum(word in markers for word in found) for language, markers in MARKERS.items()}
    best = max(scores, key=lambda language: (scores[language], language == "nb"))
    return best if scores[best] > 0 else "nb"
