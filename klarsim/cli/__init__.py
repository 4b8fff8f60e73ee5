"""The ``klarsim`` command line: thin wrappers over the library's functions.

Bad input of any kind (missing file, YAML error, invalid key or value, existing output folder)
ends with a readable message on stderr and exit code 2, and leaves no results folder behind.
Ctrl-C keeps the finished runs, prints how to ``--resume`` and exits with code 130. The exit
codes are listed in docs/reliability.md; every command's ``--help`` ends with an example.
"""

from klarsim.cli import authoring, experiments, fitting, planning, sensitivity, show, tools
from klarsim.cli.common import app

EXAMPLES = {"report": "Example: klarsim report results/hybrid --pptx"}
"""Examples for commands registered without one (their ``epilog``), by command name."""

for _command in app.registered_commands:
    _name = _command.name or (_command.callback.__name__ if _command.callback else "")
    if _command.epilog is None and _name in EXAMPLES:
        _command.epilog = EXAMPLES[_name]

__all__ = [
    "app",
    "authoring",
    "experiments",
    "fitting",
    "planning",
    "sensitivity",
    "show",
    "tools",
]
