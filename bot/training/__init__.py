"""Training the Rasa model: what goes into it, when it is stale, and running `rasa train`."""
