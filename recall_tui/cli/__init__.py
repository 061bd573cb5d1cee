"""The scriptable command line (Typer): thin, over the services."""
