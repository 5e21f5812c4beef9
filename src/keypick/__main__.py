"""`python -m keypick` runs the CLI."""

from keypick.cli.main import app

app()
