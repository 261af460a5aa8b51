"""rasa-sdk actions: thin adapters over the bot package."""
