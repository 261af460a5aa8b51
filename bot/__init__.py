"""Digihjelpen: helps municipal employees find, get access to and use their digital work tools."""

import os

# OpenMP, used by the sentence encoder's engine (bot/language/sentence_encoder.py) and by
# scikit-learn, which ship the same libgomp: it is loaded once per process and reads its settings
# once, when the first of them loads it, which in a Rasa process is scikit-learn, long before our
# components. Idle OpenMP threads must sleep, not spin: spinning, two Rasa processes on our
# 2-core machines took four times the CPU each (bench/README.md). Set here, before anything loads
# it, for every process that imports `bot` and, through the environment, for the Rasa
# subprocesses they start. An OMP_WAIT_POLICY in the environment wins.
os.environ.setdefault("OMP_WAIT_POLICY", "passive")
