"""The ``sensitivity`` and ``robustness`` commands: rank assumptions, test a verdict under them."""

from klarsim.cli.common import app

__all__ = ["app"]
