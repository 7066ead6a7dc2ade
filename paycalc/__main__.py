"""`python -m paycalc` runs the `paycalc` command."""

from paycalc.cli import main

main()
