"""Platform adapters: one package per platform, each with the same six files."""
