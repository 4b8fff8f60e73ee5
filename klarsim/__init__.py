"""klarsim: simulate customer service staffed by AI, employees and a gig pool before acting.

The public API is listed here once; everything else is internal.
"""

from klarsim.config import Scenario, ScenarioError, load_scenario, with_overrides
from klarsim.experiments.compare import ComparisonResult, compare
from klarsim.experiments.run import RunResult, run
from klarsim.experiments.sweep import SweepResult, design_points, sweep
from klarsim.sim.records import ReplicationResult
from klarsim.sim.replication import simulate

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
