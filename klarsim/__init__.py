"""klarsim: simulate customer service staffed by AI, employees and a gig pool before acting.

The public API is listed here once; everything else is internal.
"""

from klarsim.compare import ComparisonResult, compare
from klarsim.config import Scenario, ScenarioError, load_scenario, with_overrides
from klarsim.engine import simulate
from klarsim.experiment import RunResult, run
from klarsim.records import ReplicationResult
from klarsim.sweep import SweepResult, design_points, sweep

__version__ = "0.1.0"

__all__ = [
    "ComparisonResult",
    "ReplicationResult",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "SweepResult",
    "__version__",
    "compare",
    "design_points",
    "load_scenario",
    "run",
    "simulate",
    "sweep",
    "with_overrides",
]
