"""klarsim: simulate customer service staffed by AI, employees and a gig pool before acting.

The public API is listed here once; everything else is internal. Names are imported on first
use (PEP 562), so ``import klarsim`` and the command line's help stay fast: the engine,
pandas and scipy load only when a name that needs them is used.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from klarsim import compiled

compiled.choose()  # before any engine module: a stale compiled build falls back to the sources

if TYPE_CHECKING:
    from klarsim.config import Scenario, ScenarioError, load_scenario, with_overrides
    from klarsim.experiments.compare import ComparisonResult, compare
    from klarsim.experiments.executors import ExecutorOptions
    from klarsim.experiments.job import OutputOptions
    from klarsim.experiments.run import Precision, RunResult, run
    from klarsim.experiments.sweep import SweepResult, design_points, sweep
    from klarsim.experiments.tasks import Failure
    from klarsim.fitting.backtest import BacktestResult, backtest
    from klarsim.fitting.fit import FitResult, fit
    from klarsim.planning.capacity import CapacityResult, capacity
    from klarsim.planning.staff import PlanOptions, StaffResult, staff
    from klarsim.sensitivity.analysis import SensitivityResult, sensitivity
    from klarsim.sensitivity.robustness import RobustnessResult, robustness
    from klarsim.sim.records import ReplicationResult
    from klarsim.sim.replication import simulate

__version__ = "0.1.0"

_HOMES = {
    "BacktestResult": "klarsim.fitting.backtest",
    "CapacityResult": "klarsim.planning.capacity",
    "ComparisonResult": "klarsim.experiments.compare",
    "ExecutorOptions": "klarsim.experiments.executors",
    "Failure": "klarsim.experiments.tasks",
    "FitResult": "klarsim.fitting.fit",
    "OutputOptions": "klarsim.experiments.job",
    "PlanOptions": "klarsim.planning.staff",
    "Precision": "klarsim.experiments.run",
    "ReplicationResult": "klarsim.sim.records",
    "RobustnessResult": "klarsim.sensitivity.robustness",
    "RunResult": "klarsim.experiments.run",
    "Scenario": "klarsim.config",
    "ScenarioError": "klarsim.config",
    "SensitivityResult": "klarsim.sensitivity.analysis",
    "StaffResult": "klarsim.planning.staff",
    "SweepResult": "klarsim.experiments.sweep",
    "backtest": "klarsim.fitting.backtest",
    "capacity": "klarsim.planning.capacity",
    "compare": "klarsim.experiments.compare",
    "design_points": "klarsim.experiments.sweep",
    "fit": "klarsim.fitting.fit",
    "load_scenario": "klarsim.config",
    "robustness": "klarsim.sensitivity.robustness",
    "run": "klarsim.experiments.run",
    "sensitivity": "klarsim.sensitivity.analysis",
    "simulate": "klarsim.sim.replication",
    "staff": "klarsim.planning.staff",
    "sweep": "klarsim.experiments.sweep",
    "with_overrides": "klarsim.config",
}
"""Where each public name lives; imported from there on first use."""

__all__ = [
    "BacktestResult",
    "CapacityResult",
    "ComparisonResult",
    "ExecutorOptions",
    "Failure",
    "FitResult",
    "OutputOptions",
    "PlanOptions",
    "Precision",
    "ReplicationResult",
    "RobustnessResult",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "SensitivityResult",
    "StaffResult",
    "SweepResult",
    "__version__",
    "backtest",
    "capacity",
    "compare",
    "design_points",
    "fit",
    "load_scenario",
    "robustness",
    "run",
    "sensitivity",
    "simulate",
    "staff",
    "sweep",
    "with_overrides",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use, then keep it here."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'klarsim' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
