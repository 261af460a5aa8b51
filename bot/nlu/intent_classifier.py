"""A fast linear intent classifier for Rasa 3.6: TF-IDF weighting + linear SVM + softmax confidences.

Why: Rasa's DIET trains for minutes to tens of minutes on our 2-core machines, and Rasa's
LogisticRegressionClassifier on raw counts is less accurate. On the xSID Norwegian benchmark
(`bench/xsid.py`, numbers in bench/README.md) this component was chosen by cross-validation.

What it does
- Input: the *sentence* features that the featurizers in front of it produce for the text
  (e.g. two `CountVectorsFeaturizer`s: word 1-2-grams and char_wb 1-4-grams). Because it only reads
  featurizer output, anything that changes the tokens before the featurizers (such as the
  catalogue component's tool-name placeholder) is respected.
- Weighting: each featurizer's sparse counts become a block of sublinear TF-IDF
  (1 + log tf) * idf, L2-normalised per block, so word and character features weigh the same.
  Dense sentence features (such as sentence embeddings) are centred on the training mean
  (pretrained embeddings all point one way; centring keeps what tells them apart) and
  L2-normalised as their own block.
- Model: scikit-learn's `LinearSVC` (one-vs-rest, squared hinge loss).
- Confidences: softmax(decision values / T). The temperature T is fitted by cross-validation on
  the training data (minimum log loss), so `intent_ranking` confidences sum to 1 and are
  calibrated well enough for Rasa's FallbackClassifier threshold. Softmax keeps the SVM's order.
- Output: `intent` and `intent_ranking` (top `ranking_length`, default 10), like Rasa's own
  classifiers.
- Persistence: plain arrays (`.npz`) and JSON in Rasa's model storage; no pickles, and no
  scikit-learn objects are needed to predict.

Configuration (all optional): `C` (SVM regularisation, default 1.0), `temperature` (null = fit
it, or a number), `ranking_length` (default 10), `random_state` (default 42).
"""

from __future__ import annotations

import json
import logging
from typing import Any

import numpy as np
import scipy.sparse as sp
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers import LABEL_RANKING_LENGTH
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

RANKING_LENGTH = "ranking_length"
DEFAULT_TEMPERATURE = 0.3  # used when the data is too small to fit one by cross-validation


def _block_key(origin: Any) -> str:
    return "+".join(origin) if isinstance(origin, list) else str(origin)


def _softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = scores / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _fit_temperature(scores: np.ndarray, y: np.ndarray) -> float:
    """The temperature with the lowest log loss of softmax(scores / T) on labels y."""
    from scipy.optimize import minimize_scalar

    rows = np.arange(len(y))

    def log_loss(log_t: float) -> float:
        return float(-np.log(_softmax(scores, np.exp(log_t))[rows, y] + 1e-12).mean())

    best = minimize_scalar(log_loss, bounds=(np.log(0.01), np.log(10.0)), method="bounded")
    return float(np.exp(best.x))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearIntentClassifier(IntentClassifier, GraphComponent):
    """Intent classifier: sublinear TF-IDF on the featurizers' sentence features + linear SVM."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Featurizer]

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"C": 1.0, "temperature": None, RANKING_LENGTH: LABEL_RANKING_LENGTH, "random_state": 42}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        # The trained model: one block per featurizer (key, "sparse"/"dense", width, statistic):
        # the statistic is the idf of a sparse block and the training mean of a dense one.
        self.blocks: list[tuple[str, str, int, np.ndarray | None]] = []
        self.classes: list[str] = []
        self.coef: np.ndarray | None = None  # (n_classes, n_features)
        self.intercept: np.ndarray | None = None
        self.temperature: float = DEFAULT_TEMPERATURE

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearIntentClassifier:
        return cls(config, model_storage, resource)

    # ---- features -------------------------------------------------------------------------
    @staticmethod
    def _sentence_features(message: Message) -> dict[str, tuple[str, Any]]:
        """The message's sentence features for its text, by featurizer: key -> (kind, 1-row matrix)."""
        found: dict[str, tuple[str, Any]] = {}
        for feature in message.features:
            if feature.attribute == TEXT and feature.type == FEATURE_TYPE_SENTENCE:
                kind = "sparse" if feature.is_sparse() else "dense"
                found[_block_key(feature.origin)] = (kind, feature.features)
        return found

    def _raw_blocks(self, messages: list[Message]) -> list[Any]:
        """Per block, the stacked raw feature rows of all messages; where a message has none, zeros
        (sparse) or the training mean (dense), so that the block adds nothing to its scores."""
        per_message = [self._sentence_features(m) for m in messages]
        stacked = []
        for key, kind, width, statistic in self.blocks:
            rows = []
            for features in per_message:
                value = features.get(key)
                if value is None:
                    rows.append(
                        sp.csr_matrix(statistic.reshape(1, width))
                        if kind == "dense" and statistic is not None
                        else sp.csr_matrix((1, width))
                    )
                else:
                    rows.append(
                        sp.csr_matrix(value[1], dtype=np.float64).reshape(1, width)
                        if kind == "sparse"
                        else sp.csr_matrix(np.asarray(value[1]).reshape(1, width))
                    )
            stacked.append(sp.vstack(rows, format="csr"))
        return stacked

    @staticmethod
    def _normalise(block: sp.csr_matrix) -> sp.csr_matrix:
        from sklearn.preprocessing import normalize

        return normalize(block, norm="l2", copy=False)

    def _weighted(self, raw_blocks: list[Any]) -> sp.csr_matrix:
        """Sublinear TF-IDF (sparse blocks) or centring (dense blocks), then L2 normalisation per
        block, side by side."""
        out = []
        for (_key, kind, _width, statistic), block in zip(self.blocks, raw_blocks):
            block = block.copy()
            if kind == "sparse" and statistic is not None:  # a sparse block always has its IDF
                block.data = 1.0 + np.log(np.maximum(block.data, 1.0))
                block = block.multiply(statistic.reshape(1, -1)).tocsr()
            elif statistic is not None:
                block = sp.csr_matrix(block.toarray() - statistic.reshape(1, -1))
            out.append(self._normalise(block))
        return sp.hstack(out, format="csr")

    # ---- training -------------------------------------------------------------------------
    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.model_selection import StratifiedKFold, cross_val_predict
        from sklearn.svm import LinearSVC

        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        labels = [e.get(INTENT) for e in examples]
        if len(set(labels)) < 2:
            logger.warning(f"{self.__class__.__name__} needs at least two intents; not training.")
            if labels:
                self.classes = [labels[0]]
                self.persist()
            return self._resource

        # The blocks: every featurizer that gave sentence features, in a stable order.
        widths: dict[str, tuple[str, int]] = {}
        for example in examples:
            for key, (kind, matrix) in self._sentence_features(example).items():
                widths.setdefault(key, (kind, matrix.shape[-1]))
        if not widths:
            raise ValueError(f"{self.__class__.__name__} needs a featurizer in front of it.")
        self.blocks = [(key, kind, width, None) for key, (kind, width) in sorted(widths.items())]

        raw = self._raw_blocks(examples)
        n = len(examples)
        for i, (key, kind, width, _) in enumerate(self.blocks):
            if kind == "sparse":
                df = np.asarray((raw[i] > 0).sum(axis=0)).ravel()  # documents per feature
                idf = np.log((1.0 + n) / (1.0 + df)) + 1.0  # scikit-learn's smoothed idf
                self.blocks[i] = (key, kind, width, idf)
            else:
                self.blocks[i] = (key, kind, width, np.asarray(raw[i].mean(axis=0)).ravel())
        X = self._weighted(raw)

        self.classes = sorted(set(labels))
        y = np.array([self.classes.index(label) for label in labels])

        def svm() -> LinearSVC:
            return LinearSVC(C=self.config["C"], random_state=self.config["random_state"])

        if self.config["temperature"] is not None:
            self.temperature = float(self.config["temperature"])
        else:
            folds = min(5, int(np.bincount(y).min()))
            if folds >= 2:
                cv = StratifiedKFold(folds, shuffle=True, random_state=self.config["random_state"])
                scores = cross_val_predict(svm(), X, y, cv=cv, method="decision_function")
                if scores.ndim == 1:  # two classes: one decision value for the second class
                    scores = np.column_stack([-scores, scores]) / 2
                self.temperature = _fit_temperature(scores, y)
            logger.debug(f"softmax temperature {self.temperature:.3f}")

        model = svm().fit(X, y)
        coef, intercept = model.coef_, model.intercept_
        if len(self.classes) == 2:
            coef = np.vstack([-coef[0], coef[0]]) / 2
            intercept = np.array([-intercept[0], intercept[0]]) / 2
        self.coef, self.intercept = coef, intercept
        self.persist()
        return self._resource

    # ---- prediction -----------------------------------------------------------------------
    def predict_proba(self, messages: list[Message]) -> np.ndarray:
        """Confidences, one row per message and one column per intent in `self.classes`."""
        if self.coef is None:
            return np.ones((len(messages), len(self.classes)))
        X = self._weighted(self._raw_blocks(messages))
        return _softmax(np.asarray(X @ self.coef.T) + self.intercept, self.temperature)

    def process(self, messages: list[Message]) -> list[Message]:
        if not self.classes or not messages:
            return messages
        probabilities = self.predict_proba(messages)
        for message, row in zip(messages, probabilities):
            order = np.argsort(-row, kind="stable")
            ranking = [{"name": self.classes[i], "confidence": float(row[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            if self.config[RANKING_LENGTH] > 0:
                ranking = ranking[: self.config[RANKING_LENGTH]]
            message.set("intent_ranking", ranking, add_to_output=True)
        return messages

    # ---- persistence ----------------------------------------------------------------------
    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            meta = {
                "classes": self.classes,
                "temperature": self.temperature,
                "blocks": [[key, kind, width] for key, kind, width, _ in self.blocks],
            }
            (directory / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
            arrays: dict[str, np.ndarray] = {}
            if self.coef is not None and self.intercept is not None:
                arrays = {"coef": self.coef, "intercept": self.intercept}
                for i, (_, kind, _, statistic) in enumerate(self.blocks):
                    if statistic is not None:
                        arrays[f"{'idf' if kind == 'sparse' else 'mean'}{i}"] = statistic
            np.savez_compressed(directory / "weights.npz", **arrays)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearIntentClassifier:
        component = cls(config, model_storage, resource)
        try:
            with model_storage.read_from(resource) as directory:
                meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
                with np.load(directory / "weights.npz", allow_pickle=False) as weights:
                    component.classes = meta["classes"]
                    component.temperature = meta["temperature"]
                    names = {"sparse": "idf", "dense": "mean"}
                    component.blocks = [
                        (key, kind, width, weights.get(f"{names[kind]}{i}"))
                        for i, (key, kind, width) in enumerate(meta["blocks"])
                    ]
                    if "coef" in weights:
                        component.coef = weights["coef"]
                        component.intercept = weights["intercept"]
        except (ValueError, FileNotFoundError):
            logger.debug(f"No trained {cls.__name__} in '{resource.name}'; using an untrained one.")
        return component
