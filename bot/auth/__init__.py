"""Accounts for the admin pages (users with roles) and API tokens for integrations."""
