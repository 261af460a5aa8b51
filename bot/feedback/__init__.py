"""What trainers learn from: messages the bot did not understand, and 👍/👎 on its answers."""
