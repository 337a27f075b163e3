"""`python -m server ...` is the `caremon` command, for environments without the console script."""
from server.cli import main

main()
