"""The lexical view of the task search: free-text needs against the tasks of the test catalogue
(the fused search in service: test_fused_search.py)."""

from __future__ import annotations

import pytest

from bot.catalogue.schema import CatalogueFile
from bot.catalogue.search import CANDIDATE_FLOOR, FIT_THRESHOLD, LexicalIndex


@pytest.fixture(scope="module")
def index(test_catalogue) -> LexicalIndex:
    return LexicalIndex(test_catalogue)


# (need, expected entry id, rank it must reach). The needs share few words with the tasks.
# Top-1 where one answer is clearly right; top-3 where the need is vague or two entries fit.
NEEDS = [
    ("hvor ser jeg lønnsslippen", "visma-hrm", 1),
    ("kor finn eg lønnsslippen min", "visma-hrm", 1),  # nynorsk
    ("når får jeg utbetalt lønn", "visma-hrm", 1),
    ("har byttet bank, lønna må inn på ny konto", "visma-hrm", 3),
    ("jeg vil ha fri i juli", "visma-hrm", 1),
    ("skal ha sommerferie, hvor søker jeg", "visma-hrm", 1),
    ("ungen er syk, hvor fører jeg egenmelding", "visma-hrm", 1),
    ("må bytte vakt med en kollega", "bytte-vakt", 1),
    ("må bytte vakt med en kollega", "gat", 3),
    ("hvor ligger turnusen", "gat", 1),
    ("korleis sender eg reiserekning", "reiseregning", 1),  # nynorsk
    ("må levere kvittering for taxi", "reiseregning", 1),
    ("jeg kjørte egen bil til et møte, hvordan får jeg betalt", "visma-reise", 1),
    ("hvordan tar jeg et videomøte med kollegaene", "teams", 1),
    ("vil sende en rask melding til kollegaen min", "teams", 3),
    ("trenger å dele en stor fil med en ekstern", "onedrive", 1),
    ("hvor lagrer jeg filene mine", "onedrive", 3),
    ("PC-en min virker ikke", "selvbetjening", 1),
    ("husker ikke passordet mitt", "selvbetjening", 1),
    ("trenger tilgang til et nytt system", "selvbetjening", 1),
    # Top-2 since the coverage rerank: Visma HRM shares the verb ("registrere egenmelding").
    ("hvordan registrerer jeg at en elev er borte", "visma-flyt-skole", 2),
    ("hvordan gir jeg karakter på en prøve", "visma-flyt-skole", 1),
    ("noen falt på gangen og skadet seg", "compilo", 1),
    ("hvor finner jeg rutinene for brannvern", "compilo", 1),
    ("hvordan sender jeg et brev til en innbygger", "sikker-post", 1),
    ("hvordan journalfører jeg et brev", "websak", 1),
    ("jeg trenger et nettkurs om personvern", "ks-laering", 1),
    ("vil vise tall for enheten min til ledergruppa", "powerbi", 1),
    ("hvor ser jeg statistikk for sykefraværet", "powerbi", 1),
    ("hvordan skriver jeg i pasientjournalen", "profil", 1),
    ("første dag på jobb, hva gjør jeg", "ny-ansatt", 1),
    ("kan KI hjelpe meg å oppsummere et dokument", "copilot", 1),
    ("skal sette opp autosvar før ferien", "outlook", 3),
]

# Needs that no tool in the test catalogue covers.
NO_FIT = [
    "hvor er kantina",
    "hva blir været i morgen",
    "når går bussen til sentrum",
    "hvem vant fotballkampen i går",
    "trenger programvare for å styre droner",
    "",
    "??",
    "og så videre",  # only stop words
    # One word the catalogue uses ("elevene") no longer makes a need fit: the words the catalogue
    # never uses count against it (coverage).
    "kan jeg få et program for å lage musikk med elevene",
]


@pytest.mark.parametrize("need, expected, rank", NEEDS, ids=[f"{n}->{e}" for n, e, _ in NEEDS])
def test_need_finds_its_tool(index, need, expected, rank):
    result = index.search(need, limit=3)
    ranked = [hit.id for hit in result.hits]
    assert expected in ranked[:rank], [(h.id, h.score) for h in result.hits]
    assert result.fits
    if rank == 1:
        assert result.best.id == expected


@pytest.mark.parametrize("need", NO_FIT)
def test_need_no_tool_covers_does_not_fit(index, need):
    result = index.search(need)
    assert not result.fits, [(h.id, h.score) for h in result.hits]
    assert result.best is None


def test_scores_are_returned_sorted_and_bounded(index):
    for need, _, _ in NEEDS:
        hits = index.search(need, limit=5).hits
        scores = [hit.score for hit in hits]
        assert scores == sorted(scores, reverse=True)
        assert all(CANDIDATE_FLOOR <= s <= 1 for s in scores)
        assert len(hits) <= 5 and len({h.id for h in hits}) == len(hits)


def test_hit_explains_itself_with_the_passage_that_matched(index):
    best = index.search("hvor ser jeg lønnsslippen").best
    assert (best.kind, best.id, best.name) == ("tool", "visma-hrm", "Visma HRM")
    assert best.why == "se lønnsslipp og årsoppgave"
    assert best.score >= FIT_THRESHOLD
    process = index.search("må bytte vakt med en kollega").best
    assert (process.kind, process.name) == ("process", "Bytte vakt")


def test_limit(index):
    assert len(index.search("dele filer med kolleger", limit=1).hits) == 1
    assert len(index.search("dele filer med kolleger", limit=3).hits) == 3


def test_empty_catalogue_finds_nothing():
    result = LexicalIndex(CatalogueFile()).search("hvor ser jeg lønnsslippen")
    assert result.hits == () and not result.fits and result.best is None
