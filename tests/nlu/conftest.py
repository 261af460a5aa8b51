"""The NLU component tests run Rasa's tokenizer and featurizers around our components in this
process. Rasa's component modules import TensorFlow, which the root conftest blocks for every other
test (it costs seconds and hundreds of MB); the `rasa_nlu` fixture lets it in when the first of
these (slow) tests runs."""

from __future__ import annotations

import os
import sys
from types import ModuleType

import pytest


@pytest.fixture(scope="session")
def rasa_nlu() -> ModuleType:
    """tests/nlu/rasa_nlu_parts.py, imported with TensorFlow allowed."""
    if "tensorflow" in sys.modules and sys.modules["tensorflow"] is None:
        del sys.modules["tensorflow"]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import rasa_nlu_parts

    return rasa_nlu_parts
