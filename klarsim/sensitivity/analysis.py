"""``sensitivity``: which assumptions drive a KPI, by Morris screening or Sobol indices.

The scenario runs at every point of the method's design, and also at its own values (the
base) and with each assumption alone at the low and at the high end of its range (the
tornado chart). Every point runs replication r with the same seed (common random numbers,
as in a sweep), so the indices measure the assumptions, not the noise. Every point is
validated before the first run, and the runs are stored and resumable like a sweep's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from klarsim.config import Scenario, scenario_data
from klarsim.experiments.designs import check_size
from klarsim.experiments.executors import ExecutorOptions, Runner
from klarsim.experiments.job import (
    Job,
    Output,
    Overrides,
    check_runs,
    perform,
    replications,
    resolve_scenario,
    seed_of,
)
from klarsim.experiments.sweep import SweepJob, SweepResult
from klarsim.results.writer import write_table
from klarsim.sensitivity.indices import Method, Settings, design, index_table
from klarsim.sensitivity.names import SAMPLES, SENSITIVITY
from klarsim.sensitivity.points import checked_kpis, summary_kpis, variant
from klarsim.sensitivity.ranges import Range, collect_ranges, point_for
from klarsim.sim.kpis import kpi_names

Role = tuple[str, str]
"""A point's role (``design``, ``base``, ``low``, ``high``) and the assumption it moves."""


@dataclass(frozen=True)
class SensitivityResult:
    """The indices (``sensitivity.csv``), every point's values and KPIs (``samples.csv``)."""

    indices: pd.DataFrame
    samples: pd.DataFrame
    sweep: SweepResult
    ranges: tuple[Range, ...]
    settings: Settings


def sensitivity(
    scenario: Scenario | str | Path,
    *,
    kpis: Sequence[str],
    ranges: Sequence[str] = (),
    method: Method = "morris",
    samples: int = 10,
    reps: int | None = None,
    seed: int | None = None,
    overrides: Overrides | None = None,
    resamples: int = 1000,
    executor: ExecutorOptions | None = None,
    out: Output = None,
) -> SensitivityResult:
    """Rank the scenario's ``uncertain:`` assumptions and ``ranges`` (``KEY=LOW:HIGH``) by
    their effect on each KPI; with ``out``, runs are saved as they finish (resumable)."""
    base = resolve_scenario(scenario, overrides)
    wanted = checked_kpis(kpis, kpi_names())
    spreads = tuple(collect_ranges([base], ranges))
    run_seed = seed_of(seed, base)
    settings = Settings(method, samples, run_seed, resamples=resamples)
    count = replications(reps, base)
    check_size([settings.run_points(len(spreads))], "--samples")
    rows, roles = _rows(spreads, settings)
    check_runs(count * len(rows))
    data = scenario_data(base)
    points = tuple(point_for(spreads, row, data) for row in rows)
    variants = tuple(
        variant(base, f"sensitivity point {index}", point) for index, point in enumerate(points)
    )
    sweep = SweepJob(
        scenarios=[base],
        seed=run_seed,
        replications=count,
        points=points,
        variants=variants,
        kpis=summary_kpis(wanted),
    )
    job = SensitivityJob(
        scenarios=[base],
        seed=run_seed,
        replications=count,
        sweep=sweep,
        settings=settings,
        ranges=spreads,
        kpis=wanted,
        rows=tuple(tuple(float(value) for value in row) for row in rows),
        roles=roles,
    )
    return perform(job, executor, out)


def _rows(ranges: Sequence[Range], settings: Settings) -> tuple[np.ndarray, tuple[Role, ...]]:
    """The design's rows, then the base, then each assumption at its low and high end."""
    drawn = design(ranges, settings)
    base = np.array([spread.base for spread in ranges])
    extra, roles = [base], [("base", "")]
    for column, spread in enumerate(ranges):
        for role, end in (("low", spread.low), ("high", spread.high)):
            row = base.copy()
            row[column] = end
            extra.append(row)
            roles.append((role, spread.key))
    design_roles = [("design", "")] * len(drawn)
    return np.vstack([drawn, *extra]), (*design_roles, *roles)


@dataclass(frozen=True)
class SensitivityJob(Job[SensitivityResult]):
    """A sweep over the design's points, then the indices from its per-point KPI means."""

    sweep: SweepJob | None = None
    settings: Settings = field(default_factory=Settings)
    ranges: tuple[Range, ...] = ()
    kpis: tuple[str, ...] = ()
    rows: tuple[tuple[float, ...], ...] = ()
    roles: tuple[Role, ...] = ()

    kind: ClassVar[str] = "sensitivity"

    @property
    def points(self) -> SweepJob:
        """The sweep that runs every point."""
        assert self.sweep is not None
        return self.sweep

    def identity(self) -> dict[str, Any]:
        return {
            **self.points.identity(),
            "method": self.settings.method,
            "samples": self.settings.samples,
            "levels": self.settings.levels,
            "resamples": self.settings.resamples,
            "kpis": list(self.kpis),
        }

    def simulated(self) -> Sequence[Scenario]:
        return self.points.simulated()

    def details(self) -> dict[str, Any]:
        return {
            **self.points.details(),
            "method": self.settings.method,
            "parameters": [spread.key for spread in self.ranges],
            "kpis": list(self.kpis),
        }

    def execute(self, runner: Runner) -> SensitivityResult:
        swept = self.points.execute(runner)
        samples = self._samples(swept)
        design_rows = samples[samples["role"] == "design"]
        points = np.array(self.rows[: len(design_rows)], dtype=float)
        outputs = {kpi: design_rows[kpi].to_numpy(dtype=float) for kpi in self.kpis}
        indices = index_table(self.ranges, self.settings, points, outputs)
        return SensitivityResult(indices, samples, swept, self.ranges, self.settings)

    def _samples(self, swept: SweepResult) -> pd.DataFrame:
        """Per point: its role, the assumptions' values as run and each KPI's mean."""
        table = pd.DataFrame(
            {
                "point": range(len(self.rows)),
                "role": [role for role, _ in self.roles],
                "parameter": [parameter for _, parameter in self.roles],
            }
        )
        for column, spread in enumerate(self.ranges):
            table[spread.key] = [spread.value(row[column]) for row in self.rows]
        means = swept.summary.set_index("point") if not swept.summary.empty else None
        for kpi in self.kpis:
            found = means[f"{kpi}_mean"] if means is not None else pd.Series(dtype=float)
            table[kpi] = table["point"].map(found).astype(float)
        return table

    def has_runs(self, result: SensitivityResult) -> bool:
        return self.points.has_runs(result.sweep)

    def write(self, folder: Path, result: SensitivityResult) -> None:
        self.points.write(folder, result.sweep)
        write_table(folder / SAMPLES, result.samples)
        write_table(folder / SENSITIVITY, result.indices)
