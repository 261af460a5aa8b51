"""The roles of the admin pages' users and the API's tokens, in one place below the settings, which
check the identity provider's group mapping against them (bot.config) as the accounts do."""

ROLES = ("it", "trainer", "admin")  # it: the gap log; trainer: the trainer inbox; admin: all
