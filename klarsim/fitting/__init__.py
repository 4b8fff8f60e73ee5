"""A scenario fitted to a contact centre's interval export, and backtested against the export.

``fit(export)`` returns a ``FitResult`` (the scenario, its commented YAML, the fit table);
``backtest(scenario, export)`` returns a ``BacktestResult`` (per-interval bands, summary).
"""

from klarsim.fitting.backtest import BacktestResult, backtest
from klarsim.fitting.export import ExportError, read_export
from klarsim.fitting.fit import FitOptions, FitResult, fit

__all__ = [
    "BacktestResult",
    "ExportError",
    "FitOptions",
    "FitResult",
    "backtest",
    "fit",
    "read_export",
]
