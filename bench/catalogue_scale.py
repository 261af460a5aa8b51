"""Catalogue scale benchmark: import, memory, index build, latency and export at 10,000 tools.

Run from the project root (about 4 minutes of CPU on 2 cores; longer when other jobs share them):

    .venv/bin/python bench/catalogue_scale.py
    .venv/bin/python bench/catalogue_scale.py --no-postgres        # SQLite only
    .venv/bin/python bench/catalogue_scale.py --tools 2000         # a smaller generated catalogue

It generates a catalogue deterministically (seeded random: 10,000 workplace tools, 2,500 private
tools, 1,000 processes, unique Norwegian-looking names and tasks from word lists), writes it as
YAML to a temporary file and, for each backend (SQLite in a temporary file; PostgreSQL in a fresh
database created on BENCH_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/postgres,
and dropped afterwards; skipped with a message when unreachable), measures side by side with the
seed catalogue (data/catalogue/tools.yml):
  * import: read + parse + validate, then the database write, each timed separately;
  * peak memory of the import: tracemalloc peak (parse and write separately) and the RSS growth
    (ru_maxrss delta). Every import runs in a fresh subprocess so peaks never mix, and the
    tracemalloc run is a separate subprocess so its overhead does not touch the timings;
  * index build: reading the catalogue from the database, RecognitionIndex and LexicalIndex;
  * per-message latency (p50 / p95 / max) of recognise() and the lexical search over ~300 generated
    messages (tool names, inflections, typos, private tools, plain needs, small talk), in wall
    time and in thread CPU time (which stays fair when other jobs share the machine);
  * export to YAML and CSV.
The semantic view of the search (bot.catalogue.semantic) is not timed here: embedding 10,000
tools' passages takes the encoder most of an hour on two cores (see bench/README.md).
The report goes to stdout and bench/results/catalogue_scale.md (git-ignored). The goal line
(under 10 ms per message) is reported, never asserted.
"""

from __future__ import annotations

import sys

# spaCy (through thinc) imports TensorFlow whenever it is installed, as it is beside Rasa. That
# costs seconds and ~350 MB of RSS (which would swamp the memory numbers) and nothing here needs
# it, so make the import fail fast. Worker subprocesses run this same file, so they get it too.
sys.modules.setdefault("tensorflow", None)

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import pickle  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402

import yaml  # noqa: E402
from _common import PROJECT_ROOT, SEED_CATALOGUE, machine, percentile, publish, table  # noqa: E402

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SEED = 20240601
GOAL_MS = 10.0
MESSAGES = 300

# --- generating a catalogue ----------------------------------------------------------------------

BRAND_START = (
    "Nor",
    "Vis",
    "Ka",
    "Tel",
    "Ar",
    "Ly",
    "Sol",
    "Fjord",
    "Berg",
    "Vik",
    "Sam",
    "Hel",
    "Kom",
    "Tid",
    "Lin",
    "Ro",
    "Sko",
    "Ve",
    "Da",
    "Mo",
    "El",
    "Fri",
    "Gro",
    "Hav",
    "Is",
    "Ju",
    "Kvi",
    "Lø",
    "Mi",
    "Ny",
    "Ok",
    "Pa",
    "Rå",
    "Sy",
    "Tu",
    "Ul",
    "Vå",
    "Ask",
    "Bjør",
    "Dok",
    "Ek",
    "Gla",
    "Hu",
    "Ind",
)
BRAND_MIDDLE = ("", "ra", "ve", "li", "ta", "no", "ko", "me", "si", "da", "ru")
BRAND_END = (
    "vik",
    "net",
    "flyt",
    "sys",
    "plan",
    "dok",
    "tal",
    "ia",
    "on",
    "ex",
    "ix",
    "us",
    "era",
    "ora",
    "bit",
    "hub",
    "lo",
    "ma",
    "sa",
    "kom",
    "tek",
    "lyx",
    "io",
    "nor",
    "gard",
    "vest",
    "dal",
)
PRODUCTS = (
    "Arkiv",
    "Vakt",
    "Turnus",
    "Lønn",
    "Portal",
    "Innsyn",
    "Skole",
    "Barnehage",
    "Helse",
    "Omsorg",
    "Kart",
    "Byggesak",
    "Økonomi",
    "Faktura",
    "Innkjøp",
    "Avvik",
    "Kvalitet",
    "Læring",
    "Booking",
    "Møterom",
    "Chat",
    "Mobil",
    "Web",
    "Direkte",
    "Plan",
    "Analyse",
    "Rapport",
    "Tilgang",
    "Sak",
    "Journal",
    "Elev",
    "Foresatt",
    "Tjeneste",
    "Bolig",
    "Vann",
    "Renovasjon",
    "Politikk",
    "Tolk",
)
PRODUCT_SUFFIXES = ("Pro", "365", "Go", "Pluss", "Web", "Mobil", "Direkte", "Sky", "Start", "Flex")
PRIVATE_PRODUCTS = (
    "Chat",
    "Drive",
    "Notes",
    "Share",
    "Cloud",
    "Meet",
    "Docs",
    "Photo",
    "Mail",
    "Talk",
    "Board",
    "Pay",
    "Translate",
    "AI",
    "Snap",
    "Box",
    "Call",
    "Vid",
    "Sketch",
    "Poll",
)
VERBS = (
    "registrere",
    "sende",
    "bestille",
    "godkjenne",
    "søke etter",
    "skrive",
    "dele",
    "planlegge",
    "føre",
    "melde",
    "finne",
    "oppdatere",
    "signere",
    "arkivere",
    "booke",
    "endre",
    "se",
    "lage",
    "levere",
    "attestere",
    "følge opp",
    "rapportere",
    "svare på",
    "skanne",
    "kontrollere",
    "bytte",
)
OBJECTS = (
    "timeliste",
    "fravær",
    "avvik",
    "vaktbytte",
    "reiseregning",
    "faktura",
    "elevfravær",
    "byggesøknad",
    "journalnotat",
    "møterom",
    "ferie",
    "lønnsslipp",
    "medisinliste",
    "tiltaksplan",
    "innkjøp",
    "kontrakt",
    "vedtak",
    "søknad",
    "pleieplan",
    "foreldremelding",
    "karakterer",
    "timeplan",
    "kurs",
    "opplæring",
    "dokumenter",
    "postliste",
    "eiendomskart",
    "nøkler",
    "tjenestebil",
    "utstyr",
    "sakspapirer",
    "protokoll",
    "budsjett",
    "regnskap",
    "rapport",
    "varsel",
    "timeavtale",
    "legemidler",
    "besøksliste",
    "arbeidsplan",
    "vannmåler",
    "renovasjonsrute",
    "skjema",
    "brukerkonto",
    "passord",
    "hendelse",
)
QUALIFIERS = (
    "",
    "",
    "",
    "",
    "for hjemmetjenesten",
    "i barnehagen",
    "på skolen",
    "for ansatte",
    "til lederen",
    "fra mobilen",
    "for innbyggere",
    "i saken",
    "på sykehjemmet",
    "for avdelingen",
    "i teknisk etat",
)
CATEGORIES = (
    "Samhandling",
    "Kontorstøtte",
    "HR og lønn",
    "Økonomi",
    "Helse og omsorg",
    "Oppvekst",
    "Sak og arkiv",
    "Kart og eiendom",
    "Sikkerhet",
    "Innkjøp",
    "Kommunikasjon",
    "Læring",
    "Analyse",
    "Teknisk drift",
)
PRIVATE_CATEGORIES = ("Meldinger", "Lagring", "Video", "E-post", "KI", "Oversettelse", "Notater", "Skjema")
AUDIENCES = (
    "alle",
    "helse og omsorg",
    "hjemmetjenesten",
    "sykehjem",
    "oppvekst",
    "skole",
    "barnehage",
    "kultur",
    "teknisk",
    "administrasjon",
    "ledere",
    "NAV",
    "økonomi",
    "HR",
)
CLASSIFICATIONS = (None, "åpen", "intern", "intern", "fortrolig", "strengt fortrolig")


def slug(text: str) -> str:
    text = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60] or "x"


class _Unique:
    """Unique names (compared case-insensitively) and unique ids."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.ids: set[str] = set()

    def name(self, candidate: str) -> bool:
        key = candidate.casefold()
        if key in self.names:
            return False
        self.names.add(key)
        return True

    def id(self, name: str) -> str:
        base = slug(name)
        candidate, n = base, 2
        while candidate in self.ids:
            candidate, n = f"{base}-{n}", n + 1
        self.ids.add(candidate)
        return candidate


def _brand(rng: random.Random) -> str:
    return rng.choice(BRAND_START) + rng.choice(BRAND_MIDDLE) + rng.choice(BRAND_END)


def _task(rng: random.Random) -> str:
    return " ".join(p for p in (rng.choice(VERBS), rng.choice(OBJECTS), rng.choice(QUALIFIERS)) if p)


def generate_catalogue(n_tools: int, n_private: int, n_processes: int, seed: int = SEED) -> dict:
    """A catalogue document (format v1) with unique names; the same arguments give the same document."""
    rng = random.Random(seed)
    unique = _Unique()
    tools = []
    while len(tools) < n_tools:
        brand, product = _brand(rng), rng.choice(PRODUCTS)
        shape = rng.random()
        if shape < 0.3:
            name = brand
        elif shape < 0.75:
            name = f"{brand} {product}"
        else:
            name = f"{brand} {product} {rng.choice(PRODUCT_SUFFIXES)}"
        if not unique.name(name):
            continue
        aliases = []
        words = name.split()
        if len(words) >= 2 and rng.random() < 0.5:
            aliases.append("".join(words[:2]))  # "Norvik Arkiv" → "NorvikArkiv"
        if len(words) == 3 and rng.random() < 0.5:
            aliases.append("".join(w[0] for w in words).upper())  # "NAP"
        tasks = list(dict.fromkeys(_task(rng) for _ in range(rng.randint(3, 6))))
        entry = {
            "id": unique.id(name),
            "name": name,
            "aliases": aliases,
            "category": rng.choice(CATEGORIES),
            "summary": f"{product}løsning for kommunen. Her kan du {tasks[0]} og {tasks[-1]}.",
            "tasks": tasks,
            "access": rng.choice(
                (
                    "Alle ansatte logger inn med kommunebrukeren.",
                    "Lederen din bestiller tilgang i Selvbetjeningsportalen.",
                    f"Tilgang gis av systemansvarlig for {name}.",
                )
            ),
            "training": rng.choice((None, "Se veiledningen på intranettet.", f"Kurs i {name} i KS Læring.")),
            "support": rng.choice(
                ("IT-servicesenteret via Selvbetjeningsportalen.", f"Fagansvarlig for {product.lower()}.")
            ),
            "url": f"https://{slug(name)}.example.no" if rng.random() < 0.7 else None,
            "data_classification": rng.choice(CLASSIFICATIONS),
            "audience": rng.sample(AUDIENCES, rng.randint(1, 2)),
        }
        tools.append({k: v for k, v in entry.items() if v is not None})
    tool_ids = [t["id"] for t in tools]

    private = []
    while len(private) < n_private:
        brand, product = _brand(rng), rng.choice(PRIVATE_PRODUCTS)
        name = f"{brand}{product}" if rng.random() < 0.5 else f"{brand} {product}"
        if not unique.name(name):
            continue
        alternatives = rng.sample(tool_ids, rng.randint(1, 2))
        private.append(
            {
                "id": unique.id(name),
                "name": name,
                "aliases": [name.replace(" ", "")] if " " in name and rng.random() < 0.5 else [],
                "category": rng.choice(PRIVATE_CATEGORIES),
                "alternatives": alternatives,
                "guidance": f"{name} er ikke godkjent for jobb. Kommunen har ingen databehandleravtale med "
                f"leverandøren. Bruk heller et av de godkjente verktøyene.",
            }
        )

    processes = []
    while len(processes) < n_processes:
        verb, obj, qualifier = rng.choice(VERBS), rng.choice(OBJECTS), rng.choice(QUALIFIERS[4:])
        name = f"{verb.capitalize()} {obj} {qualifier}"
        if not unique.name(name):
            continue
        used = rng.sample(tool_ids, rng.randint(1, 3))
        steps = [f"Logg inn i verktøyet {rng.choice(used)} med kommunebrukeren."]
        steps += [f"Velg «{rng.choice(VERBS)} {rng.choice(OBJECTS)}» i menyen." for _ in range(rng.randint(1, 4))]
        steps.append("Lederen din får beskjed og godkjenner.")
        processes.append(
            {
                "id": unique.id(name),
                "name": name,
                "aliases": [f"{obj} {qualifier}"] if rng.random() < 0.3 else [],
                "tools": used,
                "steps": steps,
                "audience": rng.sample(AUDIENCES, 1),
            }
        )
    return {"version": 1, "tools": tools, "private_tools": private, "processes": processes}


# --- generating messages -------------------------------------------------------------------------

NAME_TEMPLATES = (
    "{x} virker ikke",
    "hvordan logger jeg inn i {x}?",
    "får ikke åpnet {x} på mobilen",
    "kan jeg bruke {x} til dette?",
    "hvem har ansvaret for {x}",
    "hei! trenger hjelp med {x} i dag",
    "{x} henger seg opp hele tiden når jeg skal lagre",
    "hvor finner jeg opplæring i {x}",
)
PRIVATE_TEMPLATES = ("kan jeg sende dette på {x}?", "er det lov å bruke {x} på jobb", "jeg har lagret alt i {x}")
NEED_TEMPLATES = ("hvordan kan jeg {x}?", "jeg må {x}", "hvor skal jeg {x}", "trenger å {x} før fredag")
SMALL_TALK = (
    "hei",
    "takk for hjelpen!",
    "printeren på kontoret er tom for papir igjen",
    "kan du hjelpe meg med noe?",
    "jeg har glemt hva jeg skulle spørre om",
    "har dere åpent i romjulen",
    "teamet vårt skal på tur til fjells neste uke, noen tips?",
    "hvordan er været i morgen",
    "jeg skal ha ferie fra mandag og lurer på hva jeg må huske å gjøre først",
)


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.4:
        return word[:i] + word[i + 1 :]  # dropped letter
    if kind < 0.7:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # swapped letters
    return word[:i] + rng.choice("aeiorstn") + word[i + 1 :]  # wrong letter


def generate_messages(document: dict, n: int = MESSAGES, seed: int = SEED) -> list[str]:
    """Realistic chat messages for a catalogue: names as written, inflected, misspelt; needs; small talk."""
    rng = random.Random(seed + 1)
    tools, private = document["tools"], document.get("private_tools") or []
    messages = []
    for _ in range(n):
        kind = rng.random()
        tool = rng.choice(tools)
        if kind < 0.25:
            surface = rng.choice([tool["name"], *tool.get("aliases", [])])
            messages.append(rng.choice(NAME_TEMPLATES).format(x=surface))
        elif kind < 0.35:
            first = tool["name"].split()[-1]
            messages.append(
                rng.choice(
                    ("{x}en min henger", "lenken til {x}-møtet virker ikke", "fikk ikke lagt ved fila i {x}en")
                ).format(x=first.lower() if rng.random() < 0.5 else first)
            )
        elif kind < 0.50:
            words = tool["name"].split()
            longest = max(range(len(words)), key=lambda i: len(words[i]))
            words[longest] = _typo(rng, words[longest])
            messages.append(rng.choice(NAME_TEMPLATES).format(x=" ".join(words)))
        elif kind < 0.58 and private:
            messages.append(rng.choice(PRIVATE_TEMPLATES).format(x=rng.choice(private)["name"]))
        elif kind < 0.63:
            other = rng.choice(tools)
            messages.append(f"skal jeg bruke {tool['name']} eller {other['name']} for å {rng.choice(other['tasks'])}?")
        elif kind < 0.90:
            messages.append(rng.choice(NEED_TEMPLATES).format(x=rng.choice(tool["tasks"])))
        else:
            messages.append(rng.choice(SMALL_TALK))
    return messages


# --- worker: runs in a fresh subprocess per backend and catalogue ------------------------------


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def worker_timed(url: str, catalogue_path: str, messages_path: str, pickle_path: str | None) -> dict:
    from bot import db
    from bot.catalogue import recognition, schema, search, store
    from bot.language.norwegian import lexicon

    db.upgrade(url)
    with db.session_scope(url) as session:
        store.stamp(session)  # open the connection pool outside the measurements
    gc.collect()
    out: dict = {}
    rss_before = _maxrss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    text = Path(catalogue_path).read_text(encoding="utf-8")
    catalogue = schema.parse(text, fmt=schema.format_of(catalogue_path))  # what load_and_import(replace=True) does
    out["parse_s"], out["parse_cpu_s"] = time.perf_counter() - started, time.process_time() - cpu
    out["rss_parse_mb"] = _maxrss_mb() - rss_before
    started, cpu = time.perf_counter(), time.process_time()
    with db.session_scope(url) as session:
        result = store.import_catalogue(session, catalogue, replace=True)
    out["write_s"], out["write_cpu_s"] = time.perf_counter() - started, time.process_time() - cpu  # incl. commit
    out["rss_import_mb"] = _maxrss_mb() - rss_before
    out["created"] = result.created
    out["file_mb"] = len(text.encode("utf-8")) / 1e6
    if pickle_path:  # the memory worker of the other backends starts from this instead of parsing again
        Path(pickle_path).write_bytes(pickle.dumps(catalogue))
    del text, catalogue, result
    gc.collect()

    # Load spaCy's tokenizer and open the lexicon once, so the index timings are the index alone.
    started = time.perf_counter()
    recognition.message_parts("oppvarming")
    lexicon().is_word("oppvarming")
    out["language_load_s"] = time.perf_counter() - started
    # What the bot pays once per catalogue revision: the first call of each reads the catalogue
    # and builds its index (bot.catalogue.snapshot). The read and the builds are timed inside
    # that first call by wrapping the module functions the snapshot calls.
    inner: dict[str, float] = {}

    def timed(name, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                inner[name] = inner.get(name, 0.0) + time.perf_counter() - started

        return wrapper

    originals = (store.read_catalogue, recognition.RecognitionIndex, search.LexicalIndex)
    store.read_catalogue = timed("read", store.read_catalogue)
    recognition.RecognitionIndex = timed("recognition_build", recognition.RecognitionIndex)
    search.LexicalIndex = timed("search_build", search.LexicalIndex)
    try:
        with db.session_scope(url) as session:
            started = time.perf_counter()
            recognition.recognise(session, "oppvarming")
            out["recognition_cold_s"] = time.perf_counter() - started
            out["recognition_read_s"] = inner.pop("read", None)
            started = time.perf_counter()
            search.lexical_index(session).search("oppvarming")
            out["search_cold_s"] = time.perf_counter() - started
            out["search_read_s"] = inner.pop("read", None)
    finally:
        store.read_catalogue, recognition.RecognitionIndex, search.LexicalIndex = originals
    out["recognition_build_s"] = inner.get("recognition_build")
    out["search_build_s"] = inner.get("search_build")
    gc.collect()

    messages = json.loads(Path(messages_path).read_text(encoding="utf-8"))
    rec_ms, search_ms, stamp_ms, found, fits = [], [], [], 0, 0
    cpu_ms = []  # recognise() + search() per message in thread CPU time: robust to a busy machine
    with db.session_scope(url) as session:
        recognition.recognise(session, "oppvarming")
        search.lexical_index(session).search("oppvarming")
    for number, message in enumerate(messages):
        # A session per message, as the bot has: its first call reads the catalogue stamp.
        with db.session_scope(url) as session:
            cpu = time.thread_time()
            started = time.perf_counter()
            mentions = recognition.recognise(session, message)
            rec_ms.append(1000 * (time.perf_counter() - started))
            cpu_ms.append(1000 * (time.thread_time() - cpu))
            found += bool(mentions)
            cpu = time.thread_time()
            started = time.perf_counter()
            result = search.lexical_index(session).search(message)
            search_ms.append(1000 * (time.perf_counter() - started))
            cpu_ms[number] += 1000 * (time.thread_time() - cpu)
            fits += result.fits
    with db.session_scope(url) as session:
        for _ in range(100):
            started = time.perf_counter()
            store.stamp(session)  # the revision check made once per session (message)
            stamp_ms.append(1000 * (time.perf_counter() - started))
    out.update(rec_ms=rec_ms, search_ms=search_ms, cpu_ms=cpu_ms, stamp_ms=stamp_ms, with_mentions=found, fitting=fits)

    with db.session_scope(url) as session:
        started = time.perf_counter()
        exported = store.export(session, "yaml")
        out["export_yaml_s"] = time.perf_counter() - started
        out["export_yaml_mb"] = len(exported.encode("utf-8")) / 1e6
        started = time.perf_counter()
        exported = store.export(session, "csv")
        out["export_csv_s"] = time.perf_counter() - started
    out["rss_total_mb"] = _maxrss_mb()
    db.engine_for(url).dispose()
    return out


def worker_memory(url: str, catalogue_path: str, pickle_path: str | None) -> dict:
    """tracemalloc peaks of the import. With `pickle_path` the parse is not traced again (its peak
    does not depend on the database): the parsed catalogue is loaded and only the write is traced."""
    from bot import db
    from bot.catalogue import schema, store

    db.upgrade(url)
    with db.session_scope(url) as session:
        store.stamp(session)
    gc.collect()
    out = {}
    if pickle_path:
        catalogue = pickle.loads(Path(pickle_path).read_bytes())
        tracemalloc.start()
    else:
        tracemalloc.start()
        text = Path(catalogue_path).read_text(encoding="utf-8")
        catalogue = schema.parse(text, fmt=schema.format_of(catalogue_path))
        out["trace_parse_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
        del text
        gc.collect()
        tracemalloc.reset_peak()
    with db.session_scope(url) as session:
        store.import_catalogue(session, catalogue, replace=True)
    out["trace_write_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    db.engine_for(url).dispose()
    return out


def run_worker(
    mode: str, url: str, catalogue_path: Path, messages_path: Path | None = None, pickle_path: Path | None = None
) -> dict:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        mode,
        "--url",
        url,
        "--catalogue-file",
        str(catalogue_path),
    ]
    if messages_path is not None:
        command += ["--messages-file", str(messages_path)]
    if pickle_path is not None:
        command += ["--pickle-file", str(pickle_path)]
    process = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT_ROOT)
    if process.returncode != 0:
        raise RuntimeError(f"worker {mode} on {url} failed:\n{process.stderr[-4000:]}")
    return json.loads(process.stdout.strip().splitlines()[-1])


# --- PostgreSQL databases ------------------------------------------------------------------------


class Postgres:
    """Fresh databases on the server, each dropped afterwards."""

    def __init__(self, admin_url: str):
        from sqlalchemy import create_engine, text

        self._text = text
        self.admin_url = admin_url
        self.engine = create_engine(admin_url, isolation_level="AUTOCOMMIT", future=True)
        self.created: list[str] = []

    def reachable(self) -> str | None:
        try:
            with self.engine.connect() as connection:
                connection.execute(self._text("select 1"))
            return None
        except Exception as error:  # noqa: BLE001 - any failure means "skip PostgreSQL"
            return str(error).splitlines()[0]

    def create(self, label: str) -> str:
        from bot.throwaway import new_postgres

        url = new_postgres(self.admin_url, f"digihjelpen_bench_{label}")
        self.created.append(url)
        return url

    def drop_all(self) -> None:
        from bot import db

        for url in self.created:
            db.drop_database(url)
        self.created.clear()
        self.engine.dispose()


# --- report --------------------------------------------------------------------------------------


def _s(value, none: str = "n/a") -> str:
    return none if value is None else f"{value:.2f} s"


def _ms(values, q=None) -> str:
    if q is None:
        return f"{max(values):.2f}"
    return f"{percentile(values, q):.2f}"


def build_report(runs: list[tuple[str, dict]], counts: dict, notes: list[str], total_s: float) -> str:
    headers = ["metric", *(label for label, _ in runs)]

    def row(label, fn):
        return [label, *(fn(r) for _, r in runs)]

    import_rows = [
        row(
            "entries (tools / private / processes)",
            lambda r: "{tools} / {private_tools} / {processes}".format(**r["created"]),
        ),
        row("YAML file size", lambda r: f"{r['file_mb']:.2f} MB"),
        row("read + parse + validate", lambda r: f"{r['parse_s']:.2f} s"),
        row("database write (incl. commit)", lambda r: f"{r['write_s']:.2f} s"),
        row("import total", lambda r: f"{r['parse_s'] + r['write_s']:.2f} s"),
        row(
            "  CPU time of the importing process: parse / write",
            lambda r: f"{r['parse_cpu_s']:.2f} / {r['write_cpu_s']:.2f} s",
        ),
        row(
            "tracemalloc peak, parse",
            lambda r: f"{r['trace_parse_mb']:.1f} MB" if "trace_parse_mb" in r else "as SQLite",
        ),
        row("tracemalloc peak, write", lambda r: f"{r['trace_write_mb']:.1f} MB"),
        row("RSS growth (ru_maxrss), parse", lambda r: f"{r['rss_parse_mb']:.1f} MB"),
        row("RSS growth (ru_maxrss), whole import", lambda r: f"{r['rss_import_mb']:.1f} MB"),
        row("process peak RSS (after indexes, search, export)", lambda r: f"{r['rss_total_mb']:.0f} MB"),
    ]
    index_rows = [
        row("load spaCy tokenizer + lexicon (once per process)", lambda r: f"{r['language_load_s']:.2f} s"),
        row("first recognise() after an import", lambda r: _s(r["recognition_cold_s"])),
        row("  of which read_catalogue()", lambda r: _s(r["recognition_read_s"])),
        row("  of which build RecognitionIndex", lambda r: _s(r["recognition_build_s"])),
        row("first search() after an import", lambda r: _s(r["search_cold_s"])),
        row("  of which read_catalogue()", lambda r: _s(r["search_read_s"], none="0 (reuses the copy read above)")),
        row("  of which build SearchIndex", lambda r: _s(r["search_build_s"])),
    ]

    def both(r):
        return [a + b for a, b in zip(r["rec_ms"], r["search_ms"])]

    latency_rows = [
        row("recognise() p50", lambda r: _ms(r["rec_ms"], 50)),
        row("recognise() p95", lambda r: _ms(r["rec_ms"], 95)),
        row("recognise() max", lambda r: _ms(r["rec_ms"])),
        row("search() p50", lambda r: _ms(r["search_ms"], 50)),
        row("search() p95", lambda r: _ms(r["search_ms"], 95)),
        row("search() max", lambda r: _ms(r["search_ms"])),
        row("both per message p50", lambda r: _ms(both(r), 50)),
        row("both per message p95", lambda r: _ms(both(r), 95)),
        row("both per message max", lambda r: _ms(both(r))),
        row("both per message, CPU time p50", lambda r: _ms(r["cpu_ms"], 50)),
        row("both per message, CPU time p95", lambda r: _ms(r["cpu_ms"], 95)),
        row("revision check (store.stamp, once per message) p50", lambda r: _ms(r["stamp_ms"], 50)),
        row(
            "messages with a mention / with a fitting hit",
            lambda r: f"{r['with_mentions']} / {r['fitting']} of {len(r['rec_ms'])}",
        ),
        row(
            f"goal: both under {GOAL_MS:g} ms at p95 (wall / CPU)",
            lambda r: " / ".join(
                "met" if percentile(values, 95) < GOAL_MS else "**not met**" for values in (both(r), r["cpu_ms"])
            ),
        ),
    ]
    export_rows = [
        row("export YAML", lambda r: f"{r['export_yaml_s']:.2f} s ({r['export_yaml_mb']:.1f} MB)"),
        row("export CSV", lambda r: f"{r['export_csv_s']:.2f} s"),
    ]
    lines = [
        "# Catalogue scale benchmark",
        "",
        f"Machine: {machine()}. Generated catalogue: {counts['tools']:,} tools, {counts['private_tools']:,} private "
        f"tools, {counts['processes']:,} processes (seed {SEED}); {counts['messages']} messages per catalogue.",
        f"Goal: under {GOAL_MS:g} ms per message (recognise() + search(), p95).",
        "",
        *notes,
        "## Import and memory",
        "",
        table(headers, import_rows),
        "",
        "## Index build",
        "",
        table(headers, index_rows),
        "",
        "## Per-message latency (ms)",
        "",
        table(headers, latency_rows),
        "",
        "## Export",
        "",
        table(headers, export_rows),
        "",
        f"Total run time {total_s:.0f} s.",
    ]
    return "\n".join(lines)


# --- main ----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--tools", type=int, default=10_000)
    parser.add_argument("--private-tools", type=int)
    parser.add_argument("--processes", type=int)
    parser.add_argument("--messages", type=int, default=MESSAGES)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="do not write bench/results/catalogue_scale.md")
    parser.add_argument("--keep", type=Path, help="also save the generated catalogue YAML here")
    # Internal: one measurement in a fresh process.
    parser.add_argument("--worker", choices=("timed", "memory"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--catalogue-file", help=argparse.SUPPRESS)
    parser.add_argument("--messages-file", help=argparse.SUPPRESS)
    parser.add_argument("--pickle-file", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        if args.worker == "timed":
            result = worker_timed(args.url, args.catalogue_file, args.messages_file, args.pickle_file)
        else:
            result = worker_memory(args.url, args.catalogue_file, args.pickle_file)
        print(json.dumps(result))
        return

    started = time.perf_counter()
    n_private = args.private_tools if args.private_tools is not None else args.tools // 4
    n_processes = args.processes if args.processes is not None else args.tools // 10
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp_name:
        tmp = Path(tmp_name)
        t0 = time.perf_counter()
        document = generate_catalogue(args.tools, n_private, n_processes)
        big_path = tmp / "generated.yml"
        big_path.write_text(
            yaml.dump(
                document,
                Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
                allow_unicode=True,
                sort_keys=False,
                width=100,
            ),
            encoding="utf-8",
        )
        if args.keep:
            args.keep.write_text(big_path.read_text(encoding="utf-8"), encoding="utf-8")
        print(f"generated {args.tools:,}-tool catalogue in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        seed_document = yaml.safe_load(SEED_CATALOGUE.read_text(encoding="utf-8"))
        catalogues = {
            "seed": (SEED_CATALOGUE, generate_messages(seed_document, args.messages)),
            f"{args.tools // 1000}k" if args.tools % 1000 == 0 else str(args.tools): (
                big_path,
                generate_messages(document, args.messages),
            ),
        }
        message_paths = {}
        for label, (_, messages) in catalogues.items():
            message_paths[label] = tmp / f"messages-{label}.json"
            message_paths[label].write_text(json.dumps(messages, ensure_ascii=False), encoding="utf-8")

        backends: list[tuple[str, object]] = [("SQLite", None)]
        postgres = None
        if not args.no_postgres:
            postgres = Postgres(POSTGRES_URL)
            problem = postgres.reachable()
            if problem:
                notes += [f"PostgreSQL skipped: cannot reach {POSTGRES_URL} ({problem}).", ""]
                postgres = None
            else:
                backends.append(("PostgreSQL", postgres))
        else:
            notes += ["PostgreSQL skipped (--no-postgres).", ""]

        runs: list[tuple[str, dict]] = []
        try:
            for number, (backend, server) in enumerate(backends):
                for label, (path, _) in catalogues.items():
                    urls = []
                    for mode in ("timed", "memory"):
                        if server is None:
                            urls.append(f"sqlite:///{tmp}/{label}-{mode}.db")
                        else:
                            urls.append(server.create(f"{label}_{mode}".lower()))
                    # The first backend's timed run saves the parsed catalogue; later backends' memory
                    # runs load it rather than trace the (database-independent) parse again.
                    parsed = tmp / f"parsed-{label}.pickle"
                    t0 = time.perf_counter()
                    result = run_worker("timed", urls[0], path, message_paths[label], parsed if number == 0 else None)
                    result.update(run_worker("memory", urls[1], path, pickle_path=parsed if number > 0 else None))
                    print(f"{backend} {label}: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
                    runs.append((f"{label} {backend}", result))
        finally:
            if postgres is not None:
                postgres.drop_all()

    counts = {"tools": args.tools, "private_tools": n_private, "processes": n_processes, "messages": args.messages}
    report = build_report(runs, counts, notes, time.perf_counter() - started)
    publish("catalogue_scale", report, not args.no_write)


if __name__ == "__main__":
    main()
