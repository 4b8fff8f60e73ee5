"""Every plot that fits a results folder: drawn from its tables, saved as PNG and SVG.

``figures_for`` draws; ``write_plots`` also saves into ``FOLDER/plots/``. The report embeds
the same figures.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from klarsim import plots
from klarsim.plots.capacity import capacity_figure
from klarsim.plots.effects import effects_waterfall
from klarsim.plots.labour import CAPTION as LABOUR_CAPTION
from klarsim.plots.labour import NAME as LABOUR
from klarsim.plots.labour import has_labour_columns, labour_figure
from klarsim.plots.saving import FORMATS, PNG_DPI, metadata, save_figures
from klarsim.plots.staffing import service_figure, staffing_figure, staffing_plots
from klarsim.plots.style import colour_order, slide_style
from klarsim.plots.sweeps import setting_text
from klarsim.results import files
from klarsim.results.reader import ResultsFolder, read_folder


@dataclass(frozen=True)
class Plot:
    """A drawn figure, its file stem and a caption saying what it shows."""

    name: str
    caption: str
    figure: Figure


Drawing = tuple[str, str, Callable[[], Figure]]


def figures_for(folder: ResultsFolder, *, slides: bool = False) -> list[Plot]:
    """Draw each plot the folder's kind and columns allow; skip those whose data is absent.

    Every scenario keeps one colour across the plots; ``slides`` draws the 16:9 variant.
    Each caption ends with the scale and the number of replications.
    """
    drawn = []
    names = folder.scenario_names if folder.kind != "sweep" else []
    with colour_order(names), slide_style() if slides else nullcontext():
        for name, caption, draw in _drawings(folder):
            try:
                drawn.append(Plot(name, f"{caption} {caption_setting(folder)}", draw()))
            except plots.MissingDataError:
                continue
    return drawn


def caption_setting(folder: ResultsFolder) -> str:
    """'Scale 0.1 of the full centre; 3 replications per scenario.' for every caption."""
    replications = folder.replications
    unit = {"sweep": "point", "staff": "simulation", "capacity": "simulation"}.get(
        folder.kind, "scenario"
    )
    plural = "replication" if replications == 1 else "replications"
    scale = "Full scale" if folder.scale == 1.0 else f"Scale {folder.scale:g} of the full centre"
    return f"{scale}; {replications} {plural} per {unit}."


def write_plots(
    results_dir: Path, *, formats: Sequence[str] = FORMATS, dpi: int = PNG_DPI
) -> list[Path]:
    """Draw every plot that fits ``results_dir`` into ``results_dir/plots``; return the files."""
    if (results_dir / files.STAFFING).is_file():
        return write_staffing_plots(results_dir, formats=formats, dpi=dpi)
    if (results_dir / files.CAPACITY).is_file():
        figures = {"capacity": capacity_figure(pd.read_csv(results_dir / files.CAPACITY))}
        return save_figures(figures, results_dir, formats, dpi)
    folder = read_folder(results_dir)
    target = results_dir / files.PLOTS
    target.mkdir(exist_ok=True)
    for stale in target.iterdir():  # a plot that no longer fits must not linger
        if stale.stem in CAPTIONS and stale.suffix.lstrip(".") in formats:
            stale.unlink()
    written = []
    for plot in figures_for(folder):
        for extension in formats:
            path = target / f"{plot.name}.{extension}"
            plot.figure.savefig(path, dpi=dpi, metadata=metadata(extension))
            plot.figure.set_layout_engine("none")  # keep the layout found, don't redo it
            written.append(path)
    return written


def write_staffing_plots(
    results_dir: Path, *, formats: Sequence[str] = FORMATS, dpi: int = PNG_DPI
) -> list[Path]:
    """The plots of a staffing plan (``klarsim staff``) into ``results_dir/plots``."""
    staffing = pd.read_csv(results_dir / files.STAFFING)
    figures = staffing_plots(staffing, _service_target(results_dir))
    return save_figures(figures, results_dir, formats, dpi)


def _service_target(results_dir: Path) -> float | None:
    """The service-level target of a staffing plan, from its manifest (None if it has none)."""
    try:
        manifest = json.loads((results_dir / files.MANIFEST).read_text(encoding="utf-8"))
        targets = manifest["job"]["targets"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    for target in targets:
        kpi, _, value = str(target).partition("=")
        if kpi == "service_level":
            return float(value)
    return None


def _drawings(folder: ResultsFolder) -> list[Drawing]:
    if folder.kind == "sweep":
        return _sweep_drawings(folder)
    if folder.planning:
        return _planning_drawings(folder)
    drawings: list[Drawing] = []
    if folder.timeseries is not None:
        series = folder.timeseries
        drawings += [
            ("kpi_timeseries", CAPTIONS["kpi_timeseries"], lambda: plots.kpi_timeseries(series)),
            ("workforce", CAPTIONS["workforce"], lambda: plots.workforce(series)),
        ]
    if folder.timeseries is not None and has_labour_columns(folder.timeseries):
        drawings.append(_labour_drawing(folder, folder.timeseries))
    if folder.kind == "compare":
        drawings += _compare_drawings(folder)
    effects = folder.path / files.EFFECTS
    if effects.is_file():
        drawing = lambda: effects_waterfall(pd.read_csv(effects))  # noqa: E731
        drawings.append(("effects", CAPTIONS["effects"], drawing))
    return drawings


def _labour_drawing(folder: ResultsFolder, series: pd.DataFrame) -> Drawing:
    """FTE and gig people over time, the unwind cost against the saving (labour columns)."""
    first = folder.baseline or next(iter(folder.scenario_names), None)
    return (LABOUR, CAPTIONS[LABOUR], lambda: labour_figure(series, baseline=first))


def _compare_drawings(folder: ResultsFolder) -> list[Drawing]:
    baseline = folder.baseline or folder.scenario_names[0]
    drawings: list[Drawing] = []
    table = folder.full_scale_comparison()
    if table is not None:
        drawings.append(
            (
                "comparison",
                CAPTIONS["comparison"],
                lambda: plots.comparison_bars(table, baseline=baseline),
            )
        )
    summary = folder.summary
    drawings += [
        ("frontier", CAPTIONS["frontier"], lambda: plots.cost_satisfaction_frontier(summary)),
        (
            "cost_waterfall",
            CAPTIONS["cost_waterfall"],
            lambda: plots.cost_waterfall(summary, baseline=baseline),
        ),
    ]
    return drawings


def _planning_drawings(folder: ResultsFolder) -> list[Drawing]:
    """A staffing plan's agents on duty and service level, or a capacity plan's FTE path."""
    capacity, staffing = folder.capacity, folder.staffing
    if folder.kind == "capacity" and capacity is not None:
        return [("capacity", CAPTIONS["capacity"], lambda: capacity_figure(capacity))]
    if staffing is None:
        return []
    target = _service_target(folder.path)
    return [
        ("staffing", CAPTIONS["staffing"], lambda: staffing_figure(staffing)),
        ("service_level", CAPTIONS["service_level"], lambda: service_figure(staffing, target)),
    ]


def _sweep_drawings(folder: ResultsFolder) -> list[Drawing]:
    summary, runs = folder.sweep_summary, folder.summary
    if summary is None:
        return []
    keys = plots.swept_keys(summary)
    labels = {
        point: ", ".join(f"{key.rsplit('.', 1)[-1]}={setting_text(row[key])}" for key in keys)
        for point, row in summary.set_index("point").iterrows()
    }
    return [
        ("sweep_heatmap", CAPTIONS["sweep_heatmap"], lambda: plots.sweep_heatmap(summary)),
        ("sweep_profile", CAPTIONS["sweep_profile"], lambda: plots.sweep_profile(summary)),
        (
            "frontier",
            CAPTIONS["frontier"],
            lambda: plots.cost_satisfaction_frontier(runs, group="point", labels=labels),
        ),
    ]


CAPTIONS = {
    "kpi_timeseries": (
        "KPIs over time, one line per scenario: the mean across replications of each period's "
        "value, with its 95% Student-t band."
    ),
    "workforce": (
        "Workforce over time: employee hours against gig agents' hours online and engaged, "
        "gig earnings per online hour, the gig share of human work and employee headcount."
    ),
    LABOUR: LABOUR_CAPTION,
    "comparison": (
        "Each KPI's mean with its 95% confidence interval (left), and the paired difference "
        "from the baseline with its 95% interval under common random numbers (right)."
    ),
    "frontier": (
        "Cost against CSAT, one point per scenario or sweep point, with 95% intervals both "
        "ways; the dashed line joins the points that no other point beats on both."
    ),
    "cost_waterfall": (
        "From the baseline's total cost to each scenario's: the change in each cost component "
        "(means over replications; green saves, red costs more)."
    ),
    "effects": (
        "What each change on the timeline did to each headline KPI: from the baseline, one "
        "step per change in timeline order (paired differences under common random numbers, "
        "error bars the 95% interval; green better, red worse), the leap as a subtotal."
    ),
    "sweep_heatmap": "KPI means at every combination of the two swept parameters.",
    "sweep_profile": "KPI means with 95% bands along the swept parameter.",
    "staffing": (
        "Agents on duty over the week, per planned pool: those the plan requires in each "
        "interval and those its scheduled shifts give (after shrinkage)."
    ),
    "service_level": (
        "The service level the plan achieves in each interval of the week, with its 95% "
        "interval across replications, against the target (dashed)."
    ),
    "capacity": (
        "Per planned pool and month: the FTE the month's plan requires against the "
        "scenario's own mean headcount (shaded between)."
    ),
}
"""What each plot shows, for the report's captions."""


__all__ = ["FORMATS", "Plot", "caption_setting", "figures_for", "write_plots"]
