"""``python -m klarsim``: the same command line as the ``klarsim`` script."""

from klarsim.cli import app

app(prog_name="klarsim")
