"""The trainer workflow: inbox work on the training files, then train, evaluate, promote and switch
the running Rasa (docs/trainers.md; module map in docs/architecture.md)."""
