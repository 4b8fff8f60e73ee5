"""The ``fit`` and ``backtest`` commands: a scenario from a centre's export, checked against it."""

from klarsim.cli.common import app

__all__ = ["app"]
