"""The `keypick` command line (typer + rich)."""
