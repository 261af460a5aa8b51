"""Our aiohttp web service: the employees' chat page and a relay to Rasa's REST channel."""
