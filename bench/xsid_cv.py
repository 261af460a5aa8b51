"""Cross-validation on xSID no.valid that chose the NLU pipeline's features and classifier.

Run from the project root (2-5 minutes, no Rasa training):

    .venv/bin/python bench/xsid_cv.py

No test data is used. It reproduces what the Rasa pipeline computes, with scikit-learn directly
so that many candidates can be compared quickly: spaCy's blank "nb" tokenizer (SpacyTokenizer),
then Rasa's CountVectorsFeaturizer preprocessing (digits -> __NUMBER__, lowercase, tokens joined
by spaces, token pattern \\w+ for words), then each candidate's weighting and classifier.
The 3,300 sentences are 300 source sentences in 11 spellings (bokmål + 10 dialect versions);
folds are grouped by source sentence (5-fold GroupKFold), so a held-out sentence is never seen in
another spelling, as in the test set. The report goes to stdout and bench/results/xsid_cv.md.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("tensorflow", None)  # spaCy would import it; nothing here needs it

import argparse  # noqa: E402
import re  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from _common import machine, table, write_result  # noqa: E402
from scipy.sparse import csr_matrix, hstack  # noqa: E402
from sklearn.calibration import CalibratedClassifierCV  # noqa: E402
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer  # noqa: E402
from sklearn.linear_model import LogisticRegression, SGDClassifier  # noqa: E402
from sklearn.model_selection import GroupKFold  # noqa: E402
from sklearn.preprocessing import normalize  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402
from xsid import DEFAULT_DATA  # noqa: E402

W12, W1 = ("word", (1, 2)), ("word", (1, 1))
CWB14 = ("char_wb", (1, 4))
E5 = ("e5", None)  # multilingual-e5-small sentence embeddings (bot/nlu/sentence_embeddings.py)


def svm(C=1.0, **kw):
    return lambda: LinearSVC(C=C, random_state=42, **kw)


def rasa_lr():  # Rasa's LogisticRegressionClassifier settings
    return LogisticRegression(class_weight="balanced", max_iter=100, random_state=42)


# (name, features, weighting, classifier factory); weighting "counts" = Rasa's raw counts,
# "tfidf" = sublinear TF-IDF L2-normalised per featurizer (what LinearIntentClassifier does).
CANDIDATES = [
    ("previous config.yml: w1 + char_wb 2-5, counts, Rasa LR", [W1, ("char_wb", (2, 5))], "counts", rasa_lr),
    ("w1-2 + char_wb 1-4, counts, Rasa LR (`lr`)", [W12, CWB14], "counts", rasa_lr),
    (
        "README baseline: w1-2 + char_wb 2-5, TF-IDF, LR C=1",
        [W12, ("char_wb", (2, 5))],
        "tfidf",
        lambda: LogisticRegression(C=1, max_iter=2000),
    ),
    ("w1-2 + char_wb 1-4, TF-IDF, LR C=30", [W12, CWB14], "tfidf", lambda: LogisticRegression(C=30, max_iter=2000)),
    ("**w1-2 + char_wb 1-4, TF-IDF, LinearSVC C=1 (chosen)**", [W12, CWB14], "tfidf", svm(1.0)),
    ("  same, C=0.3", [W12, CWB14], "tfidf", svm(0.3)),
    ("  same, C=0.5", [W12, CWB14], "tfidf", svm(0.5)),
    ("  same, C=2", [W12, CWB14], "tfidf", svm(2.0)),
    ("  same, C=0.5, class_weight=balanced", [W12, CWB14], "tfidf", svm(0.5, class_weight="balanced")),
    ("  same, TF-IDF without sublinear tf", [W12, CWB14], "tfidf-linear", svm(1.0)),
    ("  same, counts (no TF-IDF)", [W12, CWB14], "counts", svm(1.0)),
    ("  w1 + char_wb 1-4", [W1, CWB14], "tfidf", svm(1.0)),
    ("  w1-3 + char_wb 1-4", [("word", (1, 3)), CWB14], "tfidf", svm(1.0)),
    ("  w1-2 + char_wb 1-3", [W12, ("char_wb", (1, 3))], "tfidf", svm(1.0)),
    ("  w1-2 + char_wb 2-4", [W12, ("char_wb", (2, 4))], "tfidf", svm(1.0)),
    ("  w1-2 + char_wb 1-5", [W12, ("char_wb", (1, 5))], "tfidf", svm(1.0)),
    ("  w1-2 + char 1-5 (across words)", [W12, ("char", (1, 5))], "tfidf", svm(1.0)),
    ("  char_wb 1-5 only", [("char_wb", (1, 5))], "tfidf", svm(1.0)),
    (
        "  SGD modified_huber",
        [W12, CWB14],
        "tfidf",
        lambda: SGDClassifier(loss="modified_huber", alpha=1e-4, random_state=42),
    ),
    (
        "  LinearSVC + CalibratedClassifierCV(sigmoid)",
        [W12, CWB14],
        "tfidf",
        lambda: CalibratedClassifierCV(LinearSVC(C=1, random_state=42), method="sigmoid", cv=5),
    ),
    ("e5 sentence embeddings only, LinearSVC C=1", [E5], "tfidf", svm(1.0)),
    ("e5 sentence embeddings only, LinearSVC C=10", [E5], "tfidf", svm(10.0)),
    ("w1-2 + char_wb 1-4 TF-IDF + e5, LinearSVC C=2", [W12, CWB14, E5], "tfidf", svm(2.0)),
    ("w1-2 + char_wb 1-4 TF-IDF + e5, LinearSVC C=1", [W12, CWB14, E5], "tfidf", svm(1.0)),
    ("**w1-2 + char_wb 1-4 TF-IDF + e5, LinearSVC C=0.5 (chosen)**", [W12, CWB14, E5], "tfidf", svm(0.5)),
    ("w1-2 + char_wb 1-4 TF-IDF + e5, LinearSVC C=0.3", [W12, CWB14, E5], "tfidf", svm(0.3)),
    (
        "w1-2 + char_wb 1-4 TF-IDF + e5, LR C=30",
        [W12, CWB14, E5],
        "tfidf",
        lambda: LogisticRegression(C=30, max_iter=3000),
    ),
]


def rasa_text(nlp, text: str) -> str:
    tokens = [t.text for t in nlp(text) if t.text.strip()]
    return " ".join(re.sub(r"\b[0-9]+\b", "__NUMBER__", t).lower() for t in tokens)


def features(train: list[str], test: list[str], blocks, weighting: str, embeddings=None):
    """Feature matrices for train and test texts; the e5 block takes the rows of `embeddings`
    (train rows, test rows), centred on the training mean and L2-normalised as the classifier does."""
    a, b = [], []
    for analyzer, ngrams in blocks:
        if analyzer == "e5":
            x, y = embeddings
            mean = x.mean(axis=0)
            a.append(csr_matrix(normalize(x - mean)))
            b.append(csr_matrix(normalize(y - mean)))
            continue
        vectorizer = CountVectorizer(
            analyzer=analyzer, ngram_range=ngrams, token_pattern=r"(?u)\b\w+\b" if analyzer == "word" else None
        )
        x, y = vectorizer.fit_transform(train), vectorizer.transform(test)
        if weighting.startswith("tfidf"):
            tfidf = TfidfTransformer(sublinear_tf=weighting == "tfidf")
            x, y = tfidf.fit_transform(x), tfidf.transform(y)
        a.append(x)
        b.append(y)
    return hstack(a).tocsr(), hstack(b).tocsr()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")

    import spacy
    from xsid import read_conll

    from bot.language.sentence_encoder import embed

    nlp = spacy.blank("nb")
    sentences = read_conll(args.data / "no.valid.conll")
    ids = [
        line.split(" = ", 1)[1].split("/")[0]
        for line in (args.data / "no.valid.conll").read_text(encoding="utf-8").splitlines()
        if line.startswith("# id = ")
    ]
    assert len(ids) == len(sentences)
    texts = [rasa_text(nlp, s.text) for s in sentences]
    started = time.monotonic()
    vectors = embed([" ".join(t.text for t in nlp(s.text) if t.text.strip()) for s in sentences])
    print(f"e5 embeddings of {len(sentences)} sentences: {time.monotonic() - started:.0f} s", flush=True)
    labels = np.array([s.intent for s in sentences])
    folds = list(GroupKFold(5).split(texts, labels, ids))

    rows = []
    for name, blocks, weighting, make in CANDIDATES:
        started = time.monotonic()
        scores = []
        for train, test in folds:
            x, y = features(
                [texts[i] for i in train], [texts[i] for i in test], blocks, weighting, (vectors[train], vectors[test])
            )
            scores.append(float((make().fit(x, labels[train]).predict(y) == labels[test]).mean()))
        rows.append([name, f"{np.mean(scores):.4f}", f"{np.std(scores):.4f}", f"{time.monotonic() - started:.0f} s"])
        print(" | ".join(rows[-1]), flush=True)

    text = "\n".join(
        [
            "# xSID no.valid: 5-fold cross-validation grouped by source sentence",
            "",
            f"{len(sentences)} sentences, {len(set(ids))} source sentences. Machine: {machine()}.",
            "",
            table(["candidate", "accuracy", "std over folds", "time (5 folds)"], rows, "lrrr"),
        ]
    )
    print("\n" + text)
    print(f"\nWritten to {write_result('xsid_cv', text)}")


if __name__ == "__main__":
    main()
