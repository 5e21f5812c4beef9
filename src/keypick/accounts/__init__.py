"""Accounts domain: the user's own platform cookies, encrypted at rest, with health and cooldown."""
