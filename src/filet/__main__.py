"""`python -m filet` runs the `filet` command."""

from filet.cli import main

main()
