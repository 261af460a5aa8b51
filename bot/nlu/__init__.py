"""Custom Rasa NLU components: catalogue entities and Norwegian normalisation."""
