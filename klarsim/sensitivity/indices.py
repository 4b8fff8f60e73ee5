"""Morris and Sobol indices through SALib: the design over the ranges, then the indices.

Morris (elementary effects, ``N`` trajectories of ``D + 1`` points) screens many assumptions
cheaply; Sobol (Saltelli's scheme, ``N (D + 2)`` points, first-order and total indices)
apportions the KPI's variance. Both are seeded, and so is the bootstrap behind their
confidence intervals, so the same settings give the same table.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from klarsim.config.horizon import ScenarioWarning
from klarsim.sensitivity.names import MORRIS_COLUMNS, SOBOL_COLUMNS
from klarsim.sensitivity.ranges import Range, rounded

Method = Literal["morris", "sobol"]
METHODS: tuple[Method, ...] = ("morris", "sobol")
Evaluate = Callable[[np.ndarray], Mapping[str, np.ndarray]]
"""Values as run (one row per point) -> each KPI's value at every point."""


@dataclass(frozen=True)
class Settings:
    """How the design is drawn and the indices estimated."""

    method: Method = "morris"
    samples: int = 10
    """Morris: trajectories; Sobol: the base sample (a power of two is best)."""
    seed: int = 0
    levels: int = 4
    """Morris: the grid's levels per assumption."""
    resamples: int = 1000
    """Bootstrap resamples behind each index's confidence interval."""
    confidence: float = 0.95

    def point_count(self, parameters: int) -> int:
        """How many points the design has for ``parameters`` assumptions."""
        per_sample = parameters + 1 if self.method == "morris" else parameters + 2
        return self.samples * per_sample

    def run_points(self, parameters: int) -> int:
        """The design's points, then the base and each assumption at its low and high end
        (the tornado): every point a sensitivity analysis runs."""
        return self.point_count(parameters) + 1 + 2 * parameters


def problem(ranges: Sequence[Range]) -> dict[str, Any]:
    """SALib's problem: the assumptions' names and uniform bounds."""
    return {
        "num_vars": len(ranges),
        "names": [spread.key for spread in ranges],
        "bounds": [[spread.low, spread.high] for spread in ranges],
    }


def design(ranges: Sequence[Range], settings: Settings) -> np.ndarray:
    """The method's points over the ranges (integer keys rounded), one row per point."""
    from SALib.sample import morris, sobol  # noqa: PLC0415

    spec = problem(ranges)
    if settings.method == "morris":
        drawn = morris.sample(
            spec, settings.samples, num_levels=settings.levels, seed=settings.seed
        )
    else:
        _check_power_of_two(settings.samples)
        with warnings.catch_warnings():  # said once above, in klarsim's words
            warnings.simplefilter("ignore", UserWarning)
            drawn = sobol.sample(
                spec, settings.samples, calc_second_order=False, seed=settings.seed
            )
    return rounded(ranges, drawn)


def _check_power_of_two(samples: int) -> None:
    """Sobol's sequence is balanced only for a power of two: say so (a warning, not an error)."""
    if samples & (samples - 1):
        message = (
            f"--samples {samples} is not a power of two: the Sobol sequence is balanced only "
            f"for 1, 2, 4, 8, ...; {1 << samples.bit_length()} would be"
        )
        warnings.warn(message, ScenarioWarning, stacklevel=3)


def analyse(ranges: Sequence[Range], settings: Settings, evaluate: Evaluate) -> pd.DataFrame:
    """Draw the design, evaluate every point and return the index table (known-answer tests
    pass a function here; the command passes the simulations' per-point means)."""
    points = design(ranges, settings)
    return index_table(ranges, settings, points, evaluate(points))


def index_table(
    ranges: Sequence[Range],
    settings: Settings,
    points: np.ndarray,
    outputs: Mapping[str, np.ndarray],
) -> pd.DataFrame:
    """One row per KPI and assumption; a KPI with a missing value at some point gets NaN."""
    columns = MORRIS_COLUMNS if settings.method == "morris" else SOBOL_COLUMNS
    frames = [_indices(ranges, settings, points, kpi, values) for kpi, values in outputs.items()]
    if not frames:
        return pd.DataFrame(columns=list(columns))
    return pd.concat(frames, ignore_index=True)[list(columns)]


def _indices(
    ranges: Sequence[Range], settings: Settings, points: np.ndarray, kpi: str, values: np.ndarray
) -> pd.DataFrame:
    names = [spread.key for spread in ranges]
    table = pd.DataFrame({"kpi": kpi, "parameter": names})
    values = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(values)):
        for column in (MORRIS_COLUMNS if settings.method == "morris" else SOBOL_COLUMNS)[2:]:
            table[column] = np.nan
        return table
    found = _salib(ranges, settings, points, values)
    for column, values_found in found.items():
        table[column] = np.asarray(values_found, dtype=float)
    return table


def _salib(
    ranges: Sequence[Range], settings: Settings, points: np.ndarray, values: np.ndarray
) -> dict[str, Any]:
    from SALib.analyze import morris, sobol  # noqa: PLC0415

    spec = problem(ranges)
    common = {
        "num_resamples": settings.resamples,
        "conf_level": settings.confidence,
        "seed": settings.seed,
    }
    if settings.method == "morris":
        with warnings.catch_warnings():  # one trajectory: sigma is NaN, numpy says so
            if settings.samples < 2:
                warnings.simplefilter("ignore", RuntimeWarning)
            found = morris.analyze(spec, points, values, num_levels=settings.levels, **common)
        keys = ("mu_star", "mu_star_conf", "sigma", "mu")
    else:
        found = sobol.analyze(spec, values, calc_second_order=False, **common)
        keys = ("S1", "S1_conf", "ST", "ST_conf")
    return {key: found[key] for key in keys}
