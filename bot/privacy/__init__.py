"""Privacy by design: personal data is masked before anything is stored or logged, and old
conversations are purged (bot/retention.py)."""
