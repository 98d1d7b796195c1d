"""``python -m guarantor`` runs the CLI."""

from guarantor.cli.app import main

main()
