"""The ``guarantor`` command: thin Typer shells around the models, one module per group."""
