"""The ``klarsim`` command line: thin wrappers over the library's functions.

Bad input of any kind (missing file, YAML error, invalid key or value, existing output folder)
ends with a readable message on stderr and exit code 2, and leaves no results folder behind.
Ctrl-C keeps the finished runs, prints how to ``--resume`` and exits with code 130.
"""

from klarsim.cli import experiments, planning, tools
from klarsim.cli.common import app

__all__ = ["app", "experiments", "planning", "tools"]
