"""Find which catalogue tools (workplace and private) a message mentions.

Handles case, aliases, multi-word names, Norwegian inflection and compounds ("Teamsen",
"Teams-møtet", "gmailen", "teamsmøte"), names written joined or split ("vismareise" for Visma
Reise, "drop box" for Dropbox) and small typos in names of five letters or more, a swap of two
adjacent letters counting as one ("otulook"), while ordinary Norwegian words ("teamet", "gaten",
"profilbilde") never count as a tool. Text is split by spaCy's Norwegian tokenizer; names are
looked up in an index built from the catalogue.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import process as fuzzy_process
from rapidfuzz.distance import OSA
from sqlalchemy.orm import Session

from bot.catalogue import snapshot
from bot.catalogue.schema import CatalogueFile
from bot.language.norwegian import STOP_WORDS, fold, lexicon, nlp

# Endings that Norwegian (bokmål, nynorsk, dialect) and English put on a name: "Teamsen",
# "Dropboxen", "appa", "Outlooks". Longest first.
SUFFIXES = ("ene", "ane", "ens", "ets", "en", "et", "er", "ar", "a", "s", "n", "i")
COMPOUND_LINKS = ("", "s", "e")  # teamsmøte, visma-appen → vismaappen, skole + s + ...
MIN_FUZZY_LENGTH = 5
MIN_COMPOUND_HEAD = 4
MIN_COMPOUND_TAIL = 3
MAX_SPLIT_PARTS = 3  # a one-word name written as up to three words: "selvbetjenings portalen"
MIN_SPLIT_PART = 2  # each of them at least this long, so "g mail" is not Gmail

SCORE_EXACT, SCORE_INFLECTED, SCORE_COMPOUND, SCORE_TYPO = 1.0, 0.95, 0.9, 0.8

_PART_RE = re.compile(r"\w+", re.UNICODE)

# Articles, possessives and demonstratives (bokmål and nynorsk): after one, a lower-case word that
# is both a name and an ordinary word is the ordinary word ("min profil", "et signal").
DETERMINERS = frozenset(
    "en ei et ett ein eit eitt min mi mitt mine din di ditt dine sin si sitt sine vår vårt våre "
    "deres dykkar hans hennes dens dets denne dette disse noen noe ingen hver hvert".split()
)


@dataclass(frozen=True)
class Mention:
    """One catalogue entry found in a message. Several mentions with one span: an ambiguous name."""

    kind: str  # "tool" (workplace) or "private_tool"
    id: str
    name: str  # the catalogue's name
    text: str  # as written in the message
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class _Part:
    text: str  # folded
    raw: str  # as written
    start: int
    end: int


@dataclass(frozen=True)
class _Surface:
    tokens: tuple[str, ...]
    kind: str
    id: str
    name: str
    ordinary: bool  # a one-word name that is also an ordinary word: match it only exactly, not as a noun
    written: str | None  # a name of one or two letters ("X", "KS") matches only in its own case


def message_parts(text: str) -> list[_Part]:
    """spaCy tokens, each split further at hyphens, dots and slashes ('Teams-møtet' → Teams, møtet)."""
    parts = []
    for token in nlp().tokenizer(text):
        for match in _PART_RE.finditer(token.text):
            raw = match.group()
            parts.append(_Part(fold(raw), raw, token.idx + match.start(), token.idx + match.end()))
    return parts


MAX_CASE_SENSITIVE_LENGTH = 2


class RecognitionIndex:
    """Names and aliases of one catalogue snapshot, keyed by their first word."""

    def __init__(self, catalogue: CatalogueFile):
        self.by_first: dict[str, list[_Surface]] = defaultdict(list)
        entries = [("tool", e) for e in catalogue.tools] + [("private_tool", e) for e in catalogue.private_tools]
        seen = set()

        def add(tokens: tuple[str, ...], kind: str, entry, ordinary: bool, written: str | None) -> None:
            if (tokens, kind, entry.id) not in seen:
                seen.add((tokens, kind, entry.id))
                self.by_first[tokens[0]].append(_Surface(tokens, kind, entry.id, entry.name, ordinary, written))

        for kind, entry in entries:
            for surface in (entry.name, *entry.aliases):
                parts = message_parts(surface)
                tokens = tuple(part.text for part in parts)
                if not tokens:
                    continue
                one_word = len(tokens) == 1
                ordinary = one_word and _is_ordinary_form(tokens[0])
                written = parts[0].raw if one_word and len(tokens[0]) <= MAX_CASE_SENSITIVE_LENGTH else None
                add(tokens, kind, entry, ordinary, written)
                joined = "".join(tokens)
                if not one_word and not _is_ordinary_form(joined):  # "Visma HRM" written "vismahrm"
                    add((joined,), kind, entry, False, None)
        for surfaces in self.by_first.values():
            surfaces.sort(key=lambda s: -len(s.tokens))
        # First words that are a whole one-word name a message may write split or as a compound's head.
        self.whole_words = {w for w, ss in self.by_first.items() if any(len(s.tokens) == 1 for s in ss)}
        # Candidates for typo matching, bucketed by first letter (typos rarely hit the first one), and
        # by first two letters for a swap of those two ("uotlook").
        self.fuzzy_buckets: dict[str, list[str]] = defaultdict(list)
        self.swap_buckets: dict[str, list[str]] = defaultdict(list)
        for word in self.by_first:
            if len(word) >= MIN_FUZZY_LENGTH:
                self.fuzzy_buckets[word[0]].append(word)
                if word[0] != word[1]:
                    self.swap_buckets[word[1] + word[0]].append(word)

    # -- matching one message word against name words ---------------------------------------

    def _first_word_candidates(self, word: str) -> list[tuple[str, float]]:
        """Name first-words that `word` may stand for, with the kind of match as a score."""
        found: dict[str, float] = {}
        if word in self.by_first:
            found[word] = SCORE_EXACT
        if not _is_ordinary_form(word):
            for suffix in SUFFIXES:
                stem = word[: -len(suffix)]
                if word.endswith(suffix) and len(stem) >= 2 and stem in self.by_first:
                    found.setdefault(stem, SCORE_INFLECTED)
            # The longest head wins: "vismareiseappen" is Visma Reise, not Visma + "reiseappen".
            for cut in range(len(word) - MIN_COMPOUND_TAIL, MIN_COMPOUND_HEAD - 1, -1):
                head, tail = word[:cut], word[cut:]
                if head in self.whole_words and _is_compound_tail(tail):
                    found.setdefault(head, SCORE_COMPOUND)
                    break
            if len(word) >= MIN_FUZZY_LENGTH - 1:
                for name_word in self._typo_matches(word):
                    found.setdefault(name_word, SCORE_TYPO)
        return list(found.items())

    def _typo_matches(self, word: str) -> list[str]:
        """Name words within one edit of `word` (two from nine letters on), with or without an
        ending; OSA distance, so a swap of two adjacent letters is one edit ("temas", "otulook")."""
        buckets = [self.fuzzy_buckets.get(word[0], ()), self.swap_buckets.get(word[:2], ())]
        forms = {word} | {word[: -len(s)] for s in SUFFIXES if word.endswith(s) and len(word) - len(s) >= 4}
        matches = []
        for form in forms:
            if form != word and _is_ordinary_form(form):
                continue  # "teamets" is team + ets, not a typo of "Teams"
            limit = 1 if len(form) < 9 else 2
            for bucket in buckets:
                for name_word, _, _ in fuzzy_process.extract(
                    form, bucket, scorer=OSA.distance, score_cutoff=limit, limit=None
                ):
                    matches.append(name_word)
        return matches

    def _matches_word(self, word: str, name_word: str, *, last: bool) -> float:
        """Score for a later word of a multi-word name (inflection and compounds only on the last)."""
        if word == name_word:
            return SCORE_EXACT
        if _is_ordinary_form(word):
            return 0.0
        if last:
            for suffix in SUFFIXES:
                if word == name_word + suffix:
                    return SCORE_INFLECTED
            if word.startswith(name_word) and len(name_word) >= 2 and _is_compound_tail(word[len(name_word) :]):
                return SCORE_COMPOUND
        same_start = word[0] == name_word[0] or word[:2] == name_word[1::-1]
        if len(name_word) >= MIN_FUZZY_LENGTH and same_start and OSA.distance(word, name_word) <= 1:
            return SCORE_TYPO
        return 0.0

    # -- the whole message -------------------------------------------------------------------

    def find(self, text: str) -> list[Mention]:
        parts = message_parts(text)
        mentions: list[Mention] = []
        i = 0
        while i < len(parts):
            best: list[tuple[_Surface, float]] = []
            best_length = 0
            for length, surface, score in self._candidates(text, parts, i):
                if length < best_length:
                    continue
                if length > best_length:
                    best, best_length = [], length
                best.append((surface, score))
            if not best:
                i += 1
                continue
            top = max(score for _, score in best)
            start, end = parts[i].start, parts[i + best_length - 1].end
            seen_ids = set()
            for surface, score in best:
                if score == top and (surface.kind, surface.id) not in seen_ids:
                    seen_ids.add((surface.kind, surface.id))
                    mentions.append(Mention(surface.kind, surface.id, surface.name, text[start:end], start, end, score))
            i += best_length
        return _dedupe(mentions)

    def _candidates(self, text: str, parts: list[_Part], i: int):
        """(number of message parts, surface, score) of every name that may start at part `i`."""
        for first, first_score in self._first_word_candidates(parts[i].text):
            for surface in self.by_first[first]:
                length = len(surface.tokens)
                if i + length > len(parts):
                    continue
                if surface.ordinary and (first_score < SCORE_EXACT or _after_determiner(parts, i)):
                    continue  # "i Profil" is the tool; "min profil", "profilen" are ordinary words
                if surface.written is not None and parts[i].raw != surface.written:
                    continue
                score = self._score_rest(parts, i, surface, first_score)
                if score:
                    yield length, surface, score
        yield from self._split_candidates(text, parts, i)

    def _split_candidates(self, text: str, parts: list[_Part], i: int):
        """A one-word name written as two or three words ("drop box", "one driven"), exactly or
        inflected on the last word. The words stand apart by a space or a hyphen only, none is a
        function word or shorter than two letters, and names that are ordinary words never match."""
        joined = ""
        for k in range(MAX_SPLIT_PARTS):
            if i + k >= len(parts):
                return
            part = parts[i + k]
            if len(part.text) < MIN_SPLIT_PART or part.text in STOP_WORDS:
                return
            if k and text[parts[i + k - 1].end : part.start] not in (" ", "-"):
                return
            joined += part.text
            if not k:
                continue
            if joined in self.whole_words:
                found = [(joined, SCORE_EXACT)]
            else:
                stems = [
                    joined[: -len(s)] for s in SUFFIXES if joined.endswith(s) and joined[: -len(s)] in self.whole_words
                ]
                found = [(stems[0], SCORE_INFLECTED)] if stems and not _is_ordinary_form(joined) else []
            for key, score in found:
                for surface in self.by_first[key]:
                    if len(surface.tokens) == 1 and not surface.ordinary and surface.written is None:
                        yield k + 1, surface, score

    def _score_rest(self, parts: list[_Part], i: int, surface: _Surface, first_score: float) -> float:
        if len(surface.tokens) == 1:
            return first_score
        if first_score not in (SCORE_EXACT, SCORE_TYPO):
            return 0.0  # inflection and compounds belong on a name's last word
        score = first_score
        for offset, name_word in enumerate(surface.tokens[1:], start=1):
            last = offset == len(surface.tokens) - 1
            word_score = self._matches_word(parts[i + offset].text, name_word, last=last)
            if not word_score:
                return 0.0
            score = min(score, word_score)
        return score


def _after_determiner(parts: list[_Part], i: int) -> bool:
    """Whether a lower-case word follows an article or possessive, as a common noun does ('et signal')."""
    return i > 0 and parts[i].raw.islower() and parts[i - 1].text in DETERMINERS


def _is_ordinary_form(word: str) -> bool:
    """A Norwegian word form or function word, which never stands for a tool by inflection or typo."""
    return word in STOP_WORDS or lexicon().is_word(word)


def _is_compound_tail(tail: str) -> bool:
    """The rest of a compound after a name: an ordinary word, maybe after a linking s or e."""
    for link in COMPOUND_LINKS:
        if tail.startswith(link):
            rest = tail[len(link) :]
            if len(rest) >= MIN_COMPOUND_TAIL and lexicon().is_word(rest):
                return True
    return False


def _dedupe(mentions: list[Mention]) -> list[Mention]:
    """One mention per catalogue entry: the best-scored, earliest one."""
    best: dict[tuple[str, str], Mention] = {}
    for mention in mentions:
        key = (mention.kind, mention.id)
        if key not in best or mention.score > best[key].score:
            best[key] = mention
    return sorted(best.values(), key=lambda m: (m.start, m.kind, m.id))


def index(session: Session) -> RecognitionIndex:
    return snapshot.derived(session, "recognition", RecognitionIndex)


def recognise(session: Session, text: str) -> list[Mention]:
    """Catalogue tools and private tools that `text` mentions, in the order they appear."""
    return index(session).find(text)
