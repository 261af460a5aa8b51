"""Held-out NLU benchmark: our pipeline (config.yml) against Rasa's default pipeline.

Run from the project root:

    .venv/bin/python bench/nlu_heldout.py                  # both pipelines (the default one is slow)
    .venv/bin/python bench/nlu_heldout.py --skip-default   # ours only; the default's cached numbers
    .venv/bin/python bench/nlu_heldout.py --default-runs 2 # the default twice (added to cached runs)
    .venv/bin/python bench/nlu_heldout.py --heldout FILE --config FILE

For each pipeline it runs a full `rasa train` (NLU and dialogue: config, domain.yml, data/nlu,
data/rules.yml, data/stories.yml; with an empty Rasa cache, so nothing is reused) and times it,
then loads the model with `Agent.load` in a subprocess and parses every message of the held-out
set (bench/data/nlu_heldout.yml). Both run with BOT_DATABASE_URL pointing at a fresh SQLite
database seeded from data/catalogue/tools.yml, since our catalogue component looks tool names up
there at run time.

"Rasa's default pipeline" is the configuration `rasa init` trains with (its config.yml leaves the
pipeline empty, so Rasa fills in rasa/engine/recipes/config_files/default_config.yml), with
`language: nb`: WhitespaceTokenizer, RegexFeaturizer, LexicalSyntacticFeaturizer, two
CountVectorsFeaturizers (words; char_wb 1-4), DIETClassifier (100 epochs), EntitySynonymMapper,
ResponseSelector (100 epochs), FallbackClassifier (0.3 / 0.1); policies Memoization, Rule,
UnexpecTEDIntent (max_history 5, 100 epochs), TED (max_history 5, 100 epochs).

Scores (scikit-learn):
  * accuracy and macro-F1 over the intents of the held-out set, where a `nlu_fallback`
    prediction counts as an error (the user would be asked to rephrase). nlu_fallback is not a
    class of its own in the macro average: it only lowers the recall of the true intent;
  * the same "ignoring fallback": the top intent in intent_ranking that is not nlu_fallback;
  * per-intent precision / recall / F1 and the most frequent confusions.
Individual misclassified messages are deliberately not listed: the held-out set must not be
used for tuning.

Goals: macro-F1 >= 0.95, at most half the default pipeline's errors, full training <= 3 min.

The default pipeline's results are cached in bench/results/nlu_heldout_default.json (git-ignored)
with a fingerprint of their inputs; `--skip-default` reuses them (saying so when the inputs have
changed since). DIET is not seeded and its errors vary by about +-8 from run to run, so runs on the
same inputs accumulate (`--default-runs N` trains N at once) and the error goal compares with their
mean. Both pipelines train on one snapshot of the inputs taken at the start, so edits made
during the run do not mix in. The report goes to stdout and bench/results/nlu_heldout.md; our run's
parses go to bench/results/nlu_heldout_ours.json.
"""

from __future__ import annotations

import sys

# spaCy (through thinc) imports TensorFlow whenever it is installed. This process needs neither;
# Rasa (which does) runs in subprocesses.
sys.modules.setdefault("tensorflow", None)

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

import yaml  # noqa: E402
from _common import PROJECT_ROOT, RESULTS_DIR, SEED_CATALOGUE, machine, pct, publish, seeded, table  # noqa: E402

HELDOUT_FILE = PROJECT_ROOT / "bench" / "data" / "nlu_heldout.yml"
OUR_CONFIG = PROJECT_ROOT / "config.yml"
DOMAIN = "domain.yml"
TRAINING_DATA = ("data/nlu", "data/rules.yml", "data/stories.yml")
DEFAULT_CACHE = RESULTS_DIR / "nlu_heldout_default.json"
FALLBACK = "nlu_fallback"
TRAINING_GOAL_SECONDS = 180
BIN_DIR = Path(sys.executable).parent
TOP_CONFUSIONS = 12

# Rasa's own default configuration, as filled in for a `rasa init` project, with language nb.
RASA_DEFAULT_CONFIG = """\
# Rasa 3.6's default configuration (rasa/engine/recipes/config_files/default_config.yml), the one
# `rasa init` trains with, for language nb. Written by bench/nlu_heldout.py.
recipe: default.v1
assistant_id: rasa_default_baseline
language: nb

pipeline:
  - name: WhitespaceTokenizer
  - name: RegexFeaturizer
  - name: LexicalSyntacticFeaturizer
  - name: CountVectorsFeaturizer
  - name: CountVectorsFeaturizer
    analyzer: "char_wb"
    min_ngram: 1
    max_ngram: 4
  - name: DIETClassifier
    epochs: 100
    constrain_similarities: true
  - name: EntitySynonymMapper
  - name: ResponseSelector
    epochs: 100
    constrain_similarities: true
  - name: FallbackClassifier
    threshold: 0.3
    ambiguity_threshold: 0.1

policies:
  - name: MemoizationPolicy
  - name: RulePolicy
  - name: UnexpecTEDIntentPolicy
    max_history: 5
    epochs: 100
  - name: TEDPolicy
    max_history: 5
    epochs: 100
    constrain_similarities: true
"""

# Runs in a subprocess with TensorFlow available: loads the model, parses the held-out messages.
PARSE_WORKER = r"""
import asyncio, json, logging, sys, time
logging.disable(logging.WARNING)
from rasa.core.agent import Agent
from rasa.shared.nlu.training_data.loading import load_data

model, data, out = sys.argv[1:4]
examples = load_data(data).intent_examples
started = time.perf_counter()
agent = Agent.load(model)
load_seconds = time.perf_counter() - started

async def main():
    rows = []
    for example in examples:
        text = example.get("text")
        t0 = time.perf_counter()
        result = await agent.parse_message(text)
        ms = 1000 * (time.perf_counter() - t0)
        rows.append({
            "text": text,
            "gold": example.get("intent"),
            "intent": (result.get("intent") or {}).get("name"),
            "confidence": (result.get("intent") or {}).get("confidence"),
            "ranking": [[r.get("name"), r.get("confidence")] for r in result.get("intent_ranking") or []],
            "ms": ms,
        })
    return rows

rows = asyncio.run(main())
with open(out, "w", encoding="utf-8") as f:
    json.dump({"load_seconds": load_seconds, "rows": rows}, f, ensure_ascii=False)
"""


# --- set-up helpers (latency.py uses them too) ----------------------------------------------------


def rel(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def rasa_env(db_url: str, cache_dir: Path | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "BOT_DATABASE_URL": db_url,
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PYTHONUNBUFFERED": "1",
        "RASA_TELEMETRY_ENABLED": "false",
    }
    if cache_dir is not None:
        env["RASA_CACHE_DIRECTORY"] = str(cache_dir)
    return env


def snapshot_inputs(config: Path, heldout: Path, target: Path) -> Path:
    """Copy the training inputs and the held-out set to `target`, so both pipelines see the same
    files even when someone edits the project during the (long) run."""
    target.mkdir(parents=True)
    shutil.copy2(config, target / "config.yml")
    shutil.copy2(heldout, target / "nlu_heldout.yml")
    shutil.copy2(SEED_CATALOGUE, target / "tools.yml")
    for name in (DOMAIN, *TRAINING_DATA):
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        elif source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def input_files(root: Path) -> list[Path]:
    """Domain and training data files under a snapshot (or project) root, in a stable order."""
    files: list[Path] = []
    for name in (DOMAIN, *TRAINING_DATA):
        path = root / name
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in (".yml", ".yaml"))
        elif path.is_file():
            files.append(path)
    return files


def rasa_train(
    config: Path, out_dir: Path, name: str, env: dict[str, str], log: Path, root: Path = PROJECT_ROOT
) -> tuple[Path, float]:
    """Full `rasa train` (NLU + dialogue) on domain and data under `root`, with a fresh, empty Rasa
    cache; returns (model, seconds). Runs in the project directory (config paths such as
    var/spacy-nb are relative to it)."""
    from bot.training.model import ensure_spacy_model

    ensure_spacy_model()  # our config's SpacyNLP reads var/spacy-nb (what `bot train` does)
    command = [
        str(BIN_DIR / "rasa"),
        "train",
        "--config",
        str(config),
        "--domain",
        str(root / DOMAIN),
        "--data",
        *[str(root / d) for d in TRAINING_DATA if (root / d).exists()],
        "--out",
        str(out_dir),
        "--fixed-model-name",
        name,
    ]
    with tempfile.TemporaryDirectory(prefix="rasa-cache-") as cache:
        env = {**env, "RASA_CACHE_DIRECTORY": cache}
        started = time.perf_counter()
        with log.open("w") as handle:
            result = subprocess.run(command, cwd=PROJECT_ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
        seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"`rasa train` failed ({result.returncode}); last lines of {log}:\n" + log.read_text()[-4000:])
    return out_dir / f"{name}.tar.gz", seconds


def parse_heldout(model: Path, heldout: Path, env: dict[str, str], out: Path) -> dict:
    command = [sys.executable, "-c", PARSE_WORKER, str(model), str(heldout), str(out)]
    result = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"parsing the held-out set failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def rasa_version() -> str:
    from importlib.metadata import version

    return version("rasa")


def fingerprint(root: Path, config_text: str) -> str:
    """Hash of a configuration, Rasa's version, and the inputs under a snapshot root."""
    digest = hashlib.sha256()
    parts = [config_text.encode(), rasa_version().encode()]
    parts += [(root / name).read_bytes() for name in ("nlu_heldout.yml", "tools.yml")]
    parts += [str(p.relative_to(root)).encode() + b"\0" + p.read_bytes() for p in input_files(root)]
    for part in parts:
        digest.update(part)
        digest.update(b"\0")
    return digest.hexdigest()


# --- scoring -------------------------------------------------------------------------------------


def top_non_fallback(row: dict) -> str | None:
    if row["intent"] != FALLBACK:
        return row["intent"]
    return next((name for name, _ in row["ranking"] if name != FALLBACK), None)


def score(rows: list[dict], labels: list[str]) -> dict:
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    gold = [r["gold"] for r in rows]
    predicted = [r["intent"] or "(none)" for r in rows]
    ignoring = [top_non_fallback(r) or "(none)" for r in rows]
    p, r, f, support = precision_recall_fscore_support(gold, predicted, labels=labels, zero_division=0)
    confusions = Counter((g, pr) for g, pr in zip(gold, predicted) if g != pr)
    parse_ms = sorted(row["ms"] for row in rows)
    return {
        "n": len(rows),
        "errors": sum(g != pr for g, pr in zip(gold, predicted)),
        "fallbacks": sum(pr == FALLBACK for pr in predicted),
        "accuracy": accuracy_score(gold, predicted),
        "macro_f1": f1_score(gold, predicted, labels=labels, average="macro", zero_division=0),
        "errors_ignoring_fallback": sum(g != pr for g, pr in zip(gold, ignoring)),
        "accuracy_ignoring_fallback": accuracy_score(gold, ignoring),
        "macro_f1_ignoring_fallback": f1_score(gold, ignoring, labels=labels, average="macro", zero_division=0),
        "per_intent": {
            label: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(support[i])}
            for i, label in enumerate(labels)
        },
        "confusions": [[g, pr, n] for (g, pr), n in confusions.most_common()],
        "parse_ms_median": parse_ms[len(parse_ms) // 2] if parse_ms else None,
    }


def evaluate(label: str, config: Path, snapshot: Path, db_url: str, work: Path) -> dict:
    print(f"[{label}] rasa train ...", file=sys.stderr, flush=True)
    env = rasa_env(db_url)
    model, seconds = rasa_train(config, work, f"{label}-model", env, work / f"{label}-train.log", root=snapshot)
    print(f"[{label}] trained in {seconds:.1f} s; parsing the held-out set ...", file=sys.stderr, flush=True)
    parsed = parse_heldout(model, snapshot / "nlu_heldout.yml", env, work / f"{label}-parsed.json")
    config_text = config.read_text(encoding="utf-8")
    return {
        "label": label,
        "config": config_text,
        "fingerprint": fingerprint(snapshot, config_text),
        "data_fingerprint": fingerprint(snapshot, ""),
        "train_seconds": seconds,
        "model_bytes": model.stat().st_size,
        "load_seconds": parsed["load_seconds"],
        "rows": parsed["rows"],
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average": os.getloadavg(),
    }


# --- report --------------------------------------------------------------------------------------


def f3(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def report(
    ours: dict, default_runs: list[dict], default_note: str, labels: list[str], heldout: Path, our_config: Path
) -> str:
    s_ours = score(ours["rows"], labels)
    default = default_runs[-1] if default_runs else None
    s_def = score(default["rows"], labels) if default else None
    all_def = [score(run["rows"], labels) for run in default_runs]
    def_errors = [s["errors"] for s in all_def]
    mean_errors = sum(def_errors) / len(def_errors) if def_errors else None
    lines = [
        "# NLU held-out benchmark: our pipeline vs Rasa's default pipeline",
        "",
        f"Held-out set: {rel(heldout)} ({s_ours['n']} messages, {len(labels)} intents). "
        f"Training data: {', '.join(TRAINING_DATA)}. Rasa {rasa_version()}. Machine: {machine()}.",
        f"Inputs (domain, data, held-out set, catalogue) fingerprint {ours['data_fingerprint'][:12]}.",
        f"Ours: {rel(our_config)} measured {ours['measured_at']} (load average at the end "
        f"{', '.join(f'{x:.1f}' for x in ours['load_average'])}).",
        f"Default: {default_note}"
        + (
            f" Latest run {default['measured_at']}, inputs fingerprint {default.get('data_fingerprint', '?')[:12]}."
            if default
            else ""
        ),
        "",
        'A `nlu_fallback` prediction counts as an error; "ignoring fallback" takes the top intent in '
        "intent_ranking that is not nlu_fallback. Macro-F1 averages the held-out intents only "
        "(a fallback lowers the true intent's recall).",
        "",
        "## Summary",
        "",
    ]
    columns = [("ours (config.yml)", s_ours, ours)]
    if default:
        columns.append(("Rasa default, latest run", s_def, default))
    metric_rows = [
        ("Full `rasa train` (s)", lambda s, d: f"{d['train_seconds']:.1f}"),
        ("Model size (MB)", lambda s, d: f"{d['model_bytes'] / 1e6:.1f}"),
        ("Model load (s)", lambda s, d: f"{d['load_seconds']:.1f}"),
        ("Parse, median per message (ms)", lambda s, d: f"{s['parse_ms_median']:.1f}"),
        ("Accuracy", lambda s, d: pct(s["accuracy"])),
        ("Macro-F1", lambda s, d: f3(s["macro_f1"])),
        ("Errors", lambda s, d: f"{s['errors']} / {s['n']}"),
        ("  of which nlu_fallback", lambda s, d: str(s["fallbacks"])),
        ("Accuracy ignoring fallback", lambda s, d: pct(s["accuracy_ignoring_fallback"])),
        ("Macro-F1 ignoring fallback", lambda s, d: f3(s["macro_f1_ignoring_fallback"])),
        ("Errors ignoring fallback", lambda s, d: str(s["errors_ignoring_fallback"])),
    ]
    lines.append(
        table(["", *[c[0] for c in columns]], [[name, *[fn(s, d) for _, s, d in columns]] for name, fn in metric_rows])
    )
    if len(default_runs) > 1:
        lines += ["", f"Rasa default over its {len(default_runs)} runs on these inputs (DIET is not seeded):", ""]
        lines.append(
            table(
                ["Run", "Measured", "Train (s)", "Accuracy", "Macro-F1", "Errors", "nlu_fallback"],
                [
                    [
                        i + 1,
                        run["measured_at"],
                        f"{run['train_seconds']:.0f}",
                        pct(s["accuracy"]),
                        f3(s["macro_f1"]),
                        s["errors"],
                        s["fallbacks"],
                    ]
                    for i, (run, s) in enumerate(zip(default_runs, all_def))
                ]
                + [
                    [
                        "mean",
                        "",
                        f"{sum(r['train_seconds'] for r in default_runs) / len(default_runs):.0f}",
                        pct(sum(s["accuracy"] for s in all_def) / len(all_def)),
                        f3(sum(s["macro_f1"] for s in all_def) / len(all_def)),
                        f"{mean_errors:.1f}",
                        f"{sum(s['fallbacks'] for s in all_def) / len(all_def):.1f}",
                    ]
                ],
            )
        )
    lines += ["", "## Goals", ""]
    goals = [
        ("macro-F1 >= 0.95", f3(s_ours["macro_f1"]), s_ours["macro_f1"] >= 0.95),
        ("full training <= 180 s", f"{ours['train_seconds']:.1f} s", ours["train_seconds"] <= TRAINING_GOAL_SECONDS),
    ]
    if default_runs:
        basis = "the default's" if len(default_runs) == 1 else f"the default's mean over {len(default_runs)} runs"
        goals.append(
            (
                f"errors <= half {basis}",
                f"{s_ours['errors']} vs {mean_errors:.1f} / 2 = {mean_errors / 2:.1f}",
                s_ours["errors"] <= mean_errors / 2,
            )
        )
    lines.append(table(["Goal", "Ours", "Met"], [[g, v, "yes" if ok else "NO"] for g, v, ok in goals], align="lll"))

    lines += ["", "## Per intent (fallback counts as an error)", ""]
    rows = []
    for label in sorted(labels, key=lambda name: s_ours["per_intent"][name]["f1"]):
        o = s_ours["per_intent"][label]
        row = [label, o["support"], f3(o["precision"]), f3(o["recall"]), f3(o["f1"])]
        if s_def:
            row.append(f3(s_def["per_intent"][label]["f1"]))
        rows.append(row)
    headers = ["Intent", "n", "ours P", "ours R", "ours F1"] + (["default F1 (latest)"] if s_def else [])
    lines.append(table(headers, rows))

    for name, s in [(c[0], c[1]) for c in columns]:
        lines += ["", f"## Top confusions: {name} (true → predicted, count)", ""]
        top = s["confusions"][:TOP_CONFUSIONS]
        lines.append(table(["True", "Predicted", "n"], top, align="llr") if top else "(none)")
    return "\n".join(lines)


def load_default_cache() -> dict | None:
    """The cached default-pipeline runs: {"fingerprint": ..., "runs": [...]}, or None."""
    if not DEFAULT_CACHE.exists():
        return None
    cached = json.loads(DEFAULT_CACHE.read_text(encoding="utf-8"))
    if "runs" not in cached:  # an older cache with a single run
        cached = {"fingerprint": cached.get("fingerprint"), "runs": [cached]}
    return cached


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--heldout", type=Path, default=HELDOUT_FILE)
    parser.add_argument("--config", type=Path, default=OUR_CONFIG, help="our pipeline (default config.yml)")
    parser.add_argument(
        "--skip-default", action="store_true", help=f"do not train Rasa's default pipeline; reuse {rel(DEFAULT_CACHE)}"
    )
    parser.add_argument(
        "--default-runs",
        type=int,
        default=1,
        metavar="N",
        help="train and score the default pipeline N times (DIET varies from run to run); "
        "runs on the same inputs accumulate in the cache",
    )
    parser.add_argument("--no-write", action="store_true", help="print only; write nothing to bench/results/")
    args = parser.parse_args()
    our_config = args.config.resolve()

    labels = sorted(
        {
            block["intent"]
            for block in (yaml.safe_load(args.heldout.read_text(encoding="utf-8")).get("nlu") or [])
            if "intent" in block
        }
    )
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-nlu-") as tmp:
        work = Path(tmp)
        snapshot = snapshot_inputs(our_config, args.heldout, work / "inputs")
        db_url = seeded(f"sqlite:///{work / 'catalogue.db'}", snapshot / "tools.yml")
        ours = evaluate("ours", snapshot / "config.yml", snapshot, db_url, work)
        wanted = fingerprint(snapshot, RASA_DEFAULT_CONFIG)
        cached = load_default_cache()
        runs = cached["runs"] if cached and cached.get("fingerprint") == wanted else []
        note = ""
        if args.skip_default:
            if cached:
                runs = cached["runs"]
                stale = cached.get("fingerprint") != wanted
                note = f"cached in {rel(DEFAULT_CACHE)}" + (
                    " — STALE: training data, domain, held-out set, catalogue or Rasa changed since; "
                    "re-run without --skip-default."
                    if stale
                    else " (same inputs as ours)."
                )
        else:
            config = work / "rasa-default-config.yml"
            config.write_text(RASA_DEFAULT_CONFIG, encoding="utf-8")
            for _ in range(args.default_runs):
                runs.append(evaluate("default", config, snapshot, db_url, work))
            note = (
                f"{args.default_runs} run(s) now on the same inputs"
                + (
                    f", plus {len(runs) - args.default_runs} earlier cached run(s) on the same inputs"
                    if len(runs) > args.default_runs
                    else ""
                )
                + "."
            )
            if not args.no_write:
                RESULTS_DIR.mkdir(parents=True, exist_ok=True)
                DEFAULT_CACHE.write_text(
                    json.dumps({"fingerprint": wanted, "runs": runs}, ensure_ascii=False, indent=1), encoding="utf-8"
                )
        if not runs:
            note = "not measured (run without --skip-default once)."
        if not args.no_write:
            RESULTS_DIR.mkdir(parents=True, exist_ok=True)
            (RESULTS_DIR / "nlu_heldout_ours.json").write_text(
                json.dumps(ours, ensure_ascii=False, indent=1), encoding="utf-8"
            )

    text = report(ours, runs, note, labels, args.heldout, our_config)
    text += f"\n\nTotal run time {time.perf_counter() - started:.0f} s."
    publish("nlu_heldout", text, not args.no_write)


if __name__ == "__main__":
    main()
