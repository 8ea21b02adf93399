"""The `scoutly` command line (Typer). Each command group lives in its own module with `register(app)`."""
