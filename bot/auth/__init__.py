"""Accounts for the admin pages (users with roles) and API tokens for integrations."""

ROLES = ("it", "trainer", "admin")  # it: the gap log; trainer: training data (later); admin: all
