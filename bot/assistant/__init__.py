"""What the assistant answers: catalogue answers as plain replies with buttons, free of Rasa."""
