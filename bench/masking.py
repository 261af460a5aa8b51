"""Masking benchmark: recall on personal data, what stays of innocent numbers, and time, for the
masker in the work tree beside the one of a baseline commit (issue 14, items 5 and 6).

    .venv/bin/python bench/masking.py                    # ~2 min, most of it the baseline's slow inputs
    .venv/bin/python bench/masking.py --baseline REV     # another baseline commit

Scores bot.privacy.masking.mask on bench/data/masking.yml: a personal text counts as masked when
the output is the text with each secret replaced by a mask label and nothing else changed; an
innocent text counts as kept when the output is the text. Then times mask() over the data set
and on long hostile inputs, with the Teams channel's mention removal and the training examples'
markup removal beside it (those must be linear too).

The baseline is read from git at run time (`git show REV:path`) rather than copied in here, so
it is exactly the code that was in service and no second copy of it has to be kept in step.
The report goes to stdout and to bench/results/masking.md (git-ignored). It never fails on a
score: it is a report.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("tensorflow", None)  # spaCy would import TensorFlow (bench/catalogue_quality.py)

import argparse  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import types  # noqa: E402
from collections import defaultdict  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

from _common import PROJECT_ROOT, load_labelled, machine, pct, publish, table  # noqa: E402

DATA = PROJECT_ROOT / "bench" / "data" / "masking.yml"
# main before issue 14's items 5, 6 and 13 changed the masker, the Teams text and the examples.
BASELINE = "56257887a2f10220e6718175f4387fb8cc5a975e"
HOSTILE_LENGTH = 60_000


def baseline_module(path: str, revision: str) -> types.ModuleType:
    """The module at `path` as it was at `revision`, loaded under a name of its own."""
    source = subprocess.run(
        ["git", "show", f"{revision}:{path}"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout
    module = types.ModuleType(f"baseline_{path.replace('/', '_')[:-3]}")
    sys.modules[module.__name__] = module  # dataclasses look their module up there
    exec(compile(source, f"{revision}:{path}", "exec"), module.__dict__)
    return module


def secrets(item: dict[str, Any]) -> list[str]:
    return [item["secret"]] if isinstance(item["secret"], str) else list(item["secret"])


def labels_of(masks: dict[str, str]) -> re.Pattern:
    return re.compile("|".join(re.escape(label) for label in masks.values()))


def masked_as(item: dict[str, Any], output: str, labels: re.Pattern) -> list[str] | None:
    """The labels that replaced the item's secrets, or None when the output is anything else."""
    pattern = re.escape(item["text"])
    for secret in sorted(secrets(item), key=len, reverse=True):
        pattern = pattern.replace(re.escape(secret), f"({labels.pattern})")
    found = re.fullmatch(pattern, output)
    return list(found.groups()) if found else None


def score(mask: Callable[[str], str], masks: dict[str, str], personal, innocent) -> dict[str, Any]:
    labels = labels_of(masks)
    recall, kinds, kept = defaultdict(lambda: [0, 0]), [0, 0], defaultdict(lambda: [0, 0])
    missed, changed = [], []
    for item in personal:
        output = mask(item["text"])
        found = masked_as(item, output, labels)
        recall[item["_category"]][0] += found is not None
        recall[item["_category"]][1] += 1
        if found is None:
            missed.append((item["text"], output))
        elif item["kind"] in masks:
            kinds[0] += all(label == masks[item["kind"]] for label in found)
            kinds[1] += 1
    for item in innocent:
        output = mask(item["text"])
        kept[item["_category"]][0] += output == item["text"]
        kept[item["_category"]][1] += 1
        if output != item["text"]:
            changed.append((item["text"], output))
    masked = sum(n for n, _ in recall.values())
    return {
        "recall": recall,
        "kinds": kinds,
        "kept": kept,
        "missed": missed,
        "changed": changed,
        "precision": masked / (masked + len(changed)) if masked + len(changed) else float("nan"),
    }


def total(counts: dict[str, list[int]]) -> float:
    hits, count = (sum(c[i] for c in counts.values()) for i in (0, 1))
    return hits / count if count else float("nan")


def fraction(counts: list[int]) -> str:
    return f"{counts[0]}/{counts[1]} ({pct(counts[0] / counts[1])})" if counts[1] else "–"


def seconds(function: Callable[[], Any], repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def hostile_inputs() -> list[tuple[str, str, str]]:
    """(what, function, text): long inputs that made a regex backtrack; `function` is mask,
    mention (the Teams channel's message_text) or markup (the examples' normalise)."""
    n = HOSTILE_LENGTH
    return [
        ('mask: "1" × 60,000', "mask", "1" * n),
        ('mask: "a" × 60,000', "mask", "a" * n),
        ('mask: "1 " × 30,000', "mask", "1 " * (n // 2)),
        ('mask: "1." × 30,000', "mask", "1." * (n // 2)),
        ('mask: "a." × 30,000', "mask", "a." * (n // 2)),
        ('mask: "a@" × 30,000', "mask", "a@" * (n // 2)),
        ('mask: "a@a." × 15,000', "mask", "a@a." * (n // 4)),
        ('mask: "a.b at " × 8,571', "mask", "a.b at " * (n // 7)),
        ('mask: "+47 " × 15,000', "mask", "+47 " * (n // 4)),
        ('Teams mentions: "<at>" × 15,000', "mention", "<at>" * (n // 4)),
        ('Teams mentions: "<at " × 15,000', "mention", "<at " * (n // 4)),
        ('examples markup: "[" × 28,000', "markup", "[" * 28_000),
        ('examples markup: "[a](" × 15,000', "markup", "[a](" * (n // 4)),
    ]


def functions(masking, teams, examples) -> dict[str, Callable[[str], Any]]:
    return {
        "mask": masking.mask,
        "mention": lambda text: teams.message_text({"text": text}),
        "markup": examples.normalise,
    }


def report(args) -> str:
    from bot.channels import teams
    from bot.privacy import masking
    from bot.training import examples

    personal, innocent = load_labelled(DATA, "personal"), load_labelled(DATA, "innocent")
    old = {
        name: baseline_module(f"bot/{name}.py", args.baseline)
        for name in ("privacy/masking", "channels/teams", "training/examples")
    }
    masker_then, masker_now = old["privacy/masking"], masking
    then = score(masker_then.mask, masker_then.MASKS, personal, innocent)
    now = score(masking.mask, masking.MASKS, personal, innocent)
    base = f"baseline {args.baseline[:7]}"
    lines = [f"# Masking (`bench/masking.py`, data `{DATA.relative_to(PROJECT_ROOT)}`)", "", machine(), ""]

    rows = [
        [category, fraction(then["recall"][category]), fraction(now["recall"][category])]
        for category in dict.fromkeys(item["_category"] for item in personal)
    ]
    rows.append(
        ["**all personal data (recall)**", f"**{pct(total(then['recall']))}**", f"**{pct(total(now['recall']))}**"]
    )
    rows.append(["masked with the expected label", fraction(then["kinds"]), fraction(now["kinds"])])
    lines += ["## Personal data masked", "", table(["category", base, "now"], rows), ""]

    rows = [
        [category, fraction(then["kept"][category]), fraction(now["kept"][category])]
        for category in dict.fromkeys(item["_category"] for item in innocent)
    ]
    rows.append(["**all innocent texts kept**", f"**{pct(total(then['kept']))}**", f"**{pct(total(now['kept']))}**"])
    rows.append(["precision (masked personal / all masked texts)", pct(then["precision"]), pct(now["precision"])])
    lines += ["## Innocent numbers left as written", "", table(["category", base, "now"], rows), ""]

    texts = [item["text"] for item in personal + innocent]
    per_message = {
        name: seconds(lambda m=m: [m.mask(t) for t in texts], repeat=20) / len(texts) * 1e6
        for name, m in (("then", masker_then), ("now", masker_now))
    }
    old_functions = functions(masker_then, old["channels/teams"], old["training/examples"])
    new_functions = functions(masker_now, teams, examples)
    rows = [["mask(), mean per text of the data set", f"{per_message['then']:.1f} µs", f"{per_message['now']:.1f} µs"]]
    for what, kind, text in hostile_inputs():
        print(f"timing {what} …", file=sys.stderr)
        timed_then = (
            "skipped" if args.skip_baseline_hostile else f"{seconds(lambda k=kind, t=text: old_functions[k](t)):.2f} s"
        )
        rows.append([what, timed_then, f"{seconds(lambda k=kind, t=text: new_functions[k](t), repeat=3):.3f} s"])
    lines += ["## Time", "", table(["input", base, "now"], rows), ""]

    for title, pairs in (
        ("Personal data not masked now", now["missed"]),
        ("Innocent texts changed now", now["changed"]),
    ):
        lines += (
            [f"## {title}", ""]
            + [f"- `{text}` → `{output}`" for text, output in pairs]
            + ["- none" if not pairs else "", ""]
        )
    return "\n".join(lines).rstrip() + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help="git revision of the baseline (default: %(default).7s)")
    parser.add_argument(
        "--skip-baseline-hostile",
        action="store_true",
        help="do not time the baseline on the long hostile inputs (minutes)",
    )
    parser.add_argument("--no-write", action="store_true", help="print only, do not write bench/results/masking.md")
    args = parser.parse_args()
    publish("masking", report(args), write=not args.no_write)


if __name__ == "__main__":
    main()
