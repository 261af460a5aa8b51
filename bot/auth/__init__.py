"""Accounts for the admin pages (users with roles) and API tokens for integrations."""

ROLES = ("it", "trainer", "admin")  # it: the gap log; trainer: the trainer inbox; admin: all
