"""xSID Norwegian benchmark: intent accuracy of Rasa NLU pipelines on an external data set.

Run from the project root:

    .venv/bin/python bench/xsid.py                      # chosen pipeline + LogisticRegression (~3 min)
    .venv/bin/python bench/xsid.py --configs chosen     # a subset: chosen, lr, default
    .venv/bin/python bench/xsid.py --include-default    # adds Rasa's default DIET pipeline (~30 min)

Data: ../shared/benchmarks/xsid-no (xSID 0.7 Norwegian, CC BY-SA 4.0; see its README.md), or
--data DIR. It is not copied into the project: the CoNLL files are converted to Rasa NLU training
data in a temporary directory. `no.valid.conll` (3,300 sentences) is the training set,
`no.test.conll` (5,500) the test set. Intent names lose their "/" (Rasa reads "a/b" as a
retrieval intent): "alarm/set_alarm" is trained as "alarm__set_alarm" and mapped back.

Configurations
  chosen   the NLU pipeline of config.yml (--config). Components that need the catalogue database
           (bot.nlu.catalogue_entities.*) are left out; on xSID they would find nothing anyway.
  lr       the same pipeline with its intent classifier replaced by Rasa's
           LogisticRegressionClassifier (default settings).
  default  Rasa's default pipeline (WhitespaceTokenizer, RegexFeaturizer, LexicalSyntactic-
           Featurizer, two CountVectorsFeaturizers, DIETClassifier 100 epochs, ...). Slow; only
           with --include-default or --configs default.

Each configuration is trained with `rasa train nlu` in a subprocess, with Rasa's training cache
disabled, and the wall time of that command is reported (it includes ~10 s of Rasa start-up).
The model is then loaded with `Agent.load` and every test sentence parsed. Accuracy is the
classifier's top intent (the first non-`nlu_fallback` entry of `intent_ranking`), as in the
published figures; the share of sentences on which FallbackClassifier would answer
`nlu_fallback` is shown beside it. Results are printed and written to bench/results/xsid.md
(git-ignored).
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import yaml  # noqa: E402
from _common import PROJECT_ROOT, machine, table, write_result  # noqa: E402

DEFAULT_DATA = PROJECT_ROOT.parent / "shared" / "benchmarks" / "xsid-no"
DIALECTS = ("B", "N", "T", "V")
DIALECT_NAMES = {"B": "bokmål", "N": "Northern", "T": "Trøndersk", "V": "Western"}
# Components that cannot load without the catalogue database (no-ops on xSID).
DATABASE_COMPONENTS = ("bot.nlu.catalogue_entities.",)
INTENT_CLASSIFIERS = (
    "LogisticRegressionClassifier",
    "DIETClassifier",
    "SklearnIntentClassifier",
    "KeywordIntentClassifier",
    "MitieIntentClassifier",
    "bot.nlu.intent_classifier.",
)
DEFAULT_CONFIG = (  # Rasa's own default configuration, as `rasa init` writes it
    Path(importlib.util.find_spec("rasa").submodule_search_locations[0])
    / "engine"
    / "recipes"
    / "config_files"
    / "default_config.yml"
)
CONFIG_NAMES = ("chosen", "lr", "default")
THRESHOLDS = (0.35, 0.5, 0.6, 0.7)

# Published NorSID figures (intent accuracy on no.test) from the data set's README.md.
REFERENCES = [
    ("LTG (NB-BERT), published, 43k+ training sentences", 0.980, 0.972, 0.983, 0.982, 0.980),
    ("MaiNLP (mDeBERTa), published", 0.978, 0.969, 0.980, 0.977, 0.976),
    ("CUFE, published", 0.964, 0.933, 0.958, 0.936, 0.944),
    ("mBERT baseline (English training only), published", 0.864, 0.826, 0.833, 0.848, 0.842),
    ("TF-IDF word+char n-grams + LR, same data (README)", 0.900, None, None, None, 0.905),
]
# Earlier measurement of Rasa's default pipeline (design notes); rerun with --include-default.
DEFAULT_EARLIER = ("Rasa default DIET pipeline, earlier run (not rerun)", None, None, None, None, 0.907, 29 * 60)


# --- data ----------------------------------------------------------------------------------------


@dataclass
class Sentence:
    text: str
    intent: str
    dialect: str


def read_conll(path: Path) -> list[Sentence]:
    """The sentences of an xSID CoNLL file, from their `# text`, `# intent`, `# dialect` lines."""
    sentences, fields = [], {}
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("# ") and " = " in line:
            key, _, value = line[2:].partition(" = ")
            fields[key.strip()] = value.strip()
        elif not line.strip():
            if "text" in fields:
                sentences.append(Sentence(fields["text"], fields["intent"], fields.get("dialect", "?")))
            fields = {}
    return sentences


def rasa_intent(intent: str) -> str:
    return intent.replace("/", "__")


def xsid_intent(intent: str) -> str:
    return intent.replace("__", "/")


def write_training_data(sentences: list[Sentence], directory: Path) -> tuple[Path, Path]:
    """Rasa NLU training data (JSON format: no markup parsing of the text) and a minimal domain."""
    nlu = directory / "nlu.json"
    examples = [{"text": s.text, "intent": rasa_intent(s.intent), "entities": []} for s in sentences]
    nlu.write_text(json.dumps({"rasa_nlu_data": {"common_examples": examples}}, ensure_ascii=False), encoding="utf-8")
    domain = directory / "domain.yml"
    intents = sorted({rasa_intent(s.intent) for s in sentences})
    domain.write_text(yaml.safe_dump({"version": "3.1", "intents": intents}, allow_unicode=True), encoding="utf-8")
    return nlu, domain


# --- configurations ------------------------------------------------------------------------------


def project_pipeline(config_file: Path) -> tuple[str, list[dict], list[str]]:
    """The language and NLU pipeline of config.yml without database components, and what was left out."""
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    pipeline, stripped = [], []
    for component in config.get("pipeline") or []:
        if str(component.get("name", "")).startswith(DATABASE_COMPONENTS):
            stripped.append(component["name"])
        else:
            pipeline.append(component)
    return config.get("language", "nb"), pipeline, stripped


def with_logistic_regression(pipeline: list[dict]) -> list[dict]:
    """The pipeline with its (first) intent classifier replaced by LogisticRegressionClassifier."""
    result, replaced = [], False
    for component in pipeline:
        name = str(component.get("name", ""))
        if not replaced and name.startswith(INTENT_CLASSIFIERS):
            result.append({"name": "LogisticRegressionClassifier"})
            replaced = True
        else:
            result.append(copy.deepcopy(component))
    if not replaced:
        raise SystemExit("config.yml has no intent classifier to replace")
    return result


def configurations(config_file: Path, names: list[str]) -> tuple[dict[str, dict], list[str]]:
    language, pipeline, stripped = project_pipeline(config_file)
    default_pipeline = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))["pipeline"]
    pipelines = {
        "chosen": pipeline,
        "lr": with_logistic_regression(pipeline),
        "default": default_pipeline,
    }
    configs = {
        name: {"recipe": "default.v1", "language": language, "assistant_id": "xsid-bench", "pipeline": pipelines[name]}
        for name in names
    }
    return configs, stripped


def describe(pipeline: list[dict]) -> str:
    parts = []
    for component in pipeline:
        name = str(component["name"]).rsplit(".", 1)[-1]
        options = {k: v for k, v in component.items() if k != "name"}
        parts.append(name + ("(" + ", ".join(f"{k}={v}" for k, v in options.items()) + ")" if options else ""))
    return " → ".join(parts)


# --- training and evaluation ---------------------------------------------------------------------


@dataclass
class Result:
    name: str
    train_seconds: float
    parse_seconds: float = 0.0
    correct: Counter = field(default_factory=Counter)
    total: Counter = field(default_factory=Counter)
    fallback: int = 0
    confusions: Counter = field(default_factory=Counter)
    scored: list = field(default_factory=list)  # (confidence of the top intent, correct?)
    load: float = 0.0  # 1-minute load average right after training: on a busy machine it takes longer

    def accuracy(self, dialect: str | None = None) -> float:
        if dialect is None:
            return sum(self.correct.values()) / max(1, sum(self.total.values()))
        return self.correct[dialect] / max(1, self.total[dialect])


def train(name: str, config: dict, nlu: Path, domain: Path, work: Path) -> tuple[Path, float]:
    config_file = work / f"config-{name}.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    env = {
        **os.environ,
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "RASA_CACHE_DIRECTORY": str(work / f"cache-{name}"),  # a cold cache: honest timings
        "RASA_MAX_CACHE_SIZE": "0",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])),
    }
    command = [
        str(Path(sys.executable).with_name("rasa")),
        "train",
        "nlu",
        "--config",
        str(config_file),
        "--nlu",
        str(nlu),
        "--domain",
        str(domain),
        "--out",
        str(work / "models"),
        "--fixed-model-name",
        name,
        "--quiet",
    ]
    print(f"[{name}] training: {describe(config['pipeline'])}", flush=True)
    started = time.monotonic()
    # From the project root, so that relative paths in config.yml (var/spacy-nb) resolve.
    subprocess.run(command, cwd=PROJECT_ROOT, env=env, check=True)
    seconds = time.monotonic() - started
    print(f"[{name}] trained in {seconds:.0f} s", flush=True)
    return work / "models" / f"{name}.tar.gz", seconds


def evaluate(name: str, model: Path, seconds: float, test: list[Sentence]) -> Result:
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    result = Result(name, seconds)
    started = time.monotonic()
    cwd = os.getcwd()
    os.chdir(PROJECT_ROOT)
    try:
        agent = Agent.load(str(model))

        async def parse_all() -> list[dict]:
            return [await agent.parse_message(s.text) for s in test]

        parsed = asyncio.run(parse_all())
    finally:
        os.chdir(cwd)
    for sentence, data in zip(test, parsed):
        ranking = [r for r in data.get("intent_ranking") or [] if r["name"] != "nlu_fallback"]
        top = (data.get("intent") or {}).get("name")
        predicted = ranking[0]["name"] if ranking else top
        result.fallback += top == "nlu_fallback"
        result.total[sentence.dialect] += 1
        correct = predicted is not None and xsid_intent(predicted) == sentence.intent
        result.scored.append((ranking[0]["confidence"] if ranking else 0.0, correct))
        if correct:
            result.correct[sentence.dialect] += 1
        else:
            result.confusions[(sentence.intent, xsid_intent(predicted or "-"))] += 1
    result.parse_seconds = time.monotonic() - started
    print(f"[{name}] accuracy {result.accuracy():.3f} ({result.parse_seconds:.0f} s to parse {len(test)})", flush=True)
    return result


# --- report --------------------------------------------------------------------------------------


def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def report(
    results: list[Result],
    configs: dict[str, dict],
    stripped: list[str],
    train: list[Sentence],
    test: list[Sentence],
    include_earlier_default: bool,
) -> str:
    total = Counter(s.dialect for s in test)
    headers = ["system", *[f"{d} ({total[d]})" for d in DIALECTS], "overall", "fallback", "train NLU", "load"]
    rows = [
        [
            f"**{r.name}** (this run)",
            *[fmt(r.accuracy(d)) for d in DIALECTS],
            f"**{r.accuracy():.3f}**",
            f"{100 * r.fallback / max(1, len(test)):.1f}%",
            f"{r.train_seconds:.0f} s",
            f"{r.load:.1f}",
        ]
        for r in results
    ]
    if include_earlier_default:
        name, *scores, seconds = DEFAULT_EARLIER
        rows.append([name, *[fmt(s) for s in scores], "–", f"~{seconds // 60} min", "–"])
    rows += [[name, *[fmt(s) for s in scores], "–", "–", "–"] for name, *scores in REFERENCES]
    lines = [
        "# xSID Norwegian intent accuracy",
        "",
        f"Train: no.valid ({len(train)} sentences); test: no.test ({len(test)} sentences). Machine: {machine()}.",
        "Accuracy of the classifier's top intent; `fallback` = share that FallbackClassifier turns into",
        "nlu_fallback; `train NLU` = wall time of `rasa train nlu` (cold cache, incl. ~10 s start-up);",
        "`load` = the machine's 1-minute load average right after training (2 cores: above 2, other",
        "processes competed for the CPU and training took longer than on a quiet machine).",
        "",
        table(headers, rows),
        "",
        "Configurations:",
    ]
    lines += [f"- `{name}`: {describe(config['pipeline'])}" for name, config in configs.items()]
    if stripped:
        lines.append(
            f"- left out of `chosen`/`lr` (need the catalogue database, no-ops on xSID): {', '.join(stripped)}"
        )
    lines.append("")
    for r in results:
        common = ", ".join(f"{gold} → {pred} ({n})" for (gold, pred), n in r.confusions.most_common(6))
        lines.append(f"Most frequent errors of `{r.name}`: {common}")
    lines += ["", "Confidence of the top intent vs a FallbackClassifier threshold (ambiguity_threshold ignored):", ""]
    sweep = []
    for r in results:
        errors = sum(not ok for _, ok in r.scored) or 1
        right = sum(ok for _, ok in r.scored) or 1
        for threshold in THRESHOLDS:
            below = [ok for confidence, ok in r.scored if confidence < threshold]
            sweep.append(
                [
                    r.name,
                    f"{threshold:.2f}",
                    f"{100 * len(below) / max(1, len(r.scored)):.1f}%",
                    f"{100 * sum(not ok for ok in below) / errors:.0f}%",
                    f"{100 * sum(below) / right:.1f}%",
                ]
            )
    lines.append(table(["config", "threshold", "fallback", "errors caught", "correct answers lost"], sweep))
    lines.append("")
    unseen = sorted({s.intent for s in test} - {s.intent for s in train})
    if unseen:
        n = sum(s.intent in unseen for s in test)
        lines.append(f"Test intents absent from training (always wrong): {', '.join(unseen)} ({n} sentences).")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="directory with no.valid.conll and no.test.conll"
    )
    parser.add_argument("--config", type=Path, default=PROJECT_ROOT / "config.yml", help="Rasa config for `chosen`")
    parser.add_argument("--configs", default="chosen,lr", help=f"comma-separated subset of {', '.join(CONFIG_NAMES)}")
    parser.add_argument("--include-default", action="store_true", help="also Rasa's default DIET pipeline (~30 min)")
    parser.add_argument("--limit", type=int, help="test on the first N test sentences only (a quick check)")
    args = parser.parse_args()

    names = [n.strip() for n in args.configs.split(",") if n.strip()]
    if args.include_default and "default" not in names:
        names.append("default")
    unknown = set(names) - set(CONFIG_NAMES)
    if unknown:
        parser.error(f"unknown configuration(s): {', '.join(sorted(unknown))}")

    sys.path.insert(0, str(PROJECT_ROOT))
    from bot.training.model import ensure_spacy_model

    ensure_spacy_model()
    train_set = read_conll(args.data / "no.valid.conll")
    test_set = read_conll(args.data / "no.test.conll")[: args.limit]
    configs, stripped = configurations(args.config, names)
    if stripped:
        print(f"Left out for xSID (need the catalogue database): {', '.join(stripped)}", flush=True)

    results = []
    with tempfile.TemporaryDirectory(prefix="xsid-") as tmp:
        work = Path(tmp)
        nlu, domain = write_training_data(train_set, work)
        for name, config in configs.items():
            model, seconds = train(name, config, nlu, domain, work)
            load = os.getloadavg()[0]
            results.append(evaluate(name, model, seconds, test_set))
            results[-1].load = load

    text = report(results, configs, stripped, train_set, test_set, "default" not in names)
    print("\n" + text)
    print(f"\nWritten to {write_result('xsid', text)}")


if __name__ == "__main__":
    main()
