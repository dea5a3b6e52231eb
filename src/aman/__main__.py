"""`python -m aman` runs the CLI."""

from aman.cli import main

main()
