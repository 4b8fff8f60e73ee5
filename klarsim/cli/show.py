"""``klarsim show``: what a results folder holds and its headline KPIs, without opening a CSV."""

from typing import TYPE_CHECKING, Any

import typer

from klarsim.cli.common import _width, app, plural
from klarsim.cli.tools import ResultsDirArgument, _folder_errors_exit

if TYPE_CHECKING:
    import pandas as pd

    from klarsim.results.reader import ResultsFolder

LABEL_WIDTH = 14
"""The overview's first column: the longest label and a space."""


@app.command(epilog="Example: klarsim show results/hybrid")
def show(results_dir: ResultsDirArgument) -> None:
    """Print what a results folder holds (kind, scenarios, runs, when, status) and its KPIs."""
    from klarsim.results.reader import read_folder  # noqa: PLC0415

    with _folder_errors_exit():
        folder = read_folder(results_dir)
    width = _width()
    for line in [*overview(folder), "", *headline(folder, width)]:
        typer.echo(line)


def overview(folder: "ResultsFolder") -> list[str]:
    """The folder's job, one ``label value`` line each, from its manifest."""
    from klarsim.metrics.text import number  # noqa: PLC0415

    manifest = folder.manifest
    failed = _listed(manifest.get("failed_runs"))
    status = str(manifest.get("status", "unknown"))
    if failed:
        status += f" ({plural(len(failed), 'failed run')})"
    rows = [
        ("folder", str(folder.path)),
        ("kind", str(manifest.get("kind") or folder.kind)),
        ("status", status),
        ("scenarios", _scenarios(folder)),
        ("replications", _replications(manifest)),
        ("scale", number(folder.scale)),
        ("seed", str(manifest.get("seed", _job(manifest).get("seed", "unknown")))),
        ("started", _when(manifest.get("started"))),
        ("finished", _when(manifest.get("finished"))),
        ("klarsim", str(manifest.get("klarsim_version", "unknown"))),
    ]
    if folder.kind == "sweep":
        rows.insert(4, ("points", str(manifest.get("points", "unknown"))))
    if "converged" in manifest:
        rows.insert(3, ("converged", _converged(manifest)))
    warnings = _listed(manifest.get("warnings"))
    if warnings:
        rows.append(("warnings", f"{len(warnings)} (in manifest.json)"))
    return [f"{label.ljust(LABEL_WIDTH)}{value}" for label, value in rows]


def _listed(value: Any) -> list[Any]:
    """A manifest's list (failed runs, warnings); anything else, as a damaged file may hold,
    is none."""
    return value if isinstance(value, list) else []


def _converged(manifest: dict[str, Any]) -> str:
    """Whether a plan converged, after how many iterations (staff) or plans (capacity)."""
    answer = "yes" if manifest["converged"] else "no"
    for key in ("iterations", "plans"):
        if isinstance(manifest.get(key), int):
            return f"{answer}, {plural(manifest[key], key.removesuffix('s'))}"
    return answer


def _scenarios(folder: "ResultsFolder") -> str:
    """The scenario names as the manifest lists them (else its job does), the baseline marked."""
    manifest = folder.manifest
    listed = manifest.get("scenarios", manifest.get("scenario", _job(manifest).get("scenarios")))
    listed = listed if isinstance(listed, list) else [] if listed is None else [listed]
    names = [str(item.get("name", "?") if isinstance(item, dict) else item) for item in listed]
    if not names and "scenario" in folder.summary.columns:
        names = folder.scenario_names
    baseline = folder.baseline
    return ", ".join(f"{name} (baseline)" if name == baseline else name for name in names)


def _replications(manifest: dict[str, Any]) -> str:
    """The replications' count: a list of indices (run, compare) or the job's number."""
    listed = manifest.get("replications")
    if isinstance(listed, list):
        return str(len(listed))
    return str(_job(manifest).get("replications", "unknown"))


def _job(manifest: dict[str, Any]) -> dict[str, Any]:
    """What the results depend on (scenarios, seed, replications), as the manifest records it."""
    job = manifest.get("job")
    return job if isinstance(job, dict) else {}


def _when(stamp: Any) -> str:
    """An ISO time as ``YYYY-MM-DD HH:MM:SS UTC``; ``-`` when not recorded."""
    if not isinstance(stamp, str):
        return "-"
    return stamp.replace("T", " ").replace("+00:00", " UTC")


def headline(folder: "ResultsFolder", width: int) -> list[str]:
    """The headline KPIs with their 95% intervals, as ``run`` and ``compare`` print them."""
    from klarsim.metrics.text import comparison_view  # noqa: PLC0415

    if folder.kind == "compare":
        comparison = folder.full_scale_comparison()
        assert comparison is not None  # a compare folder has its comparison table
        return comparison_view(comparison, folder.baseline or "", width=width)
    if folder.kind == "sweep":
        assert folder.sweep_summary is not None  # a sweep folder has its summary table
        return _sweep_view(folder.sweep_summary)
    if folder.kind == "run":
        return _run_view(folder, width)
    return _plan_view(folder, width)


def _plan_view(folder: "ResultsFolder", width: int) -> list[str]:
    """A capacity plan month by month, or a staffing plan's figures per pool."""
    from klarsim.metrics.text import capacity_view  # noqa: PLC0415

    if folder.capacity is not None:
        return capacity_view(folder.capacity, width=width)
    if folder.staffing is None:
        return [f"klarsim report {folder.path} shows what the folder holds."]
    lines = ["Staffing plan per pool: agents on duty, and the plan's service level"]
    header = ["pool", "peak required", "peak rostered", "service level", "worst interval"]
    rows = [
        header,
        *(
            _staffing_row(str(pool), plan)
            for pool, plan in folder.staffing.groupby("pool", sort=False)
        ),
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    for row in rows:
        cells = [
            row[0].ljust(widths[0]),
            *(cell.rjust(w) for cell, w in zip(row[1:], widths[1:], strict=True)),
        ]
        lines.append(("  " + "   ".join(cells)).rstrip())
    return lines


def _staffing_row(pool: str, plan: "pd.DataFrame") -> list[str]:
    """Peak required and rostered agents, the service level over the week (weighted by the
    contacts offered) and the worst interval's."""
    from klarsim.metrics.text import number  # noqa: PLC0415

    offered = plan["offered"].sum()
    overall = (
        (plan["service_level"] * plan["offered"]).sum() / offered if offered > 0 else float("nan")
    )
    return [
        pool,
        number(plan["required"].max()),
        number(plan["rostered"].max()),
        number(overall),
        number(plan["service_level"].min()),
    ]


def _run_view(folder: "ResultsFolder", width: int) -> list[str]:
    from klarsim.metrics.tables import kpi_table  # noqa: PLC0415
    from klarsim.metrics.text import kpi_view  # noqa: PLC0415

    kpis = _shown_kpis(set(folder.summary.columns))
    table = kpi_table(folder.summary, kpis)
    lines: list[str] = []
    for scenario, rows in table.groupby("scenario", sort=False):
        count = int(rows["replications"].max())
        title = f"{scenario}: {plural(count, 'replication')}, 95% CI"
        lines += kpi_view(rows, title, width=width)
    return lines


def _sweep_view(summary: "pd.DataFrame") -> list[str]:
    """Per headline KPI, each point's mean ± 95% half-width (the point's keys in sweep.csv)."""
    from klarsim.metrics.text import interval  # noqa: PLC0415

    lines = ["Points"]
    keys = [column for column in summary.columns if column != "point" and not _statistic(column)]
    for row in summary.to_dict("records"):
        values = ", ".join(f"{key}={row[key]}" for key in keys)
        lines.append(f"  point {row['point']}   {values}")
    lines += ["", "Headline KPIs per point: mean ± 95% CI"]
    for kpi in _shown_kpis({column.removesuffix("_mean") for column in summary.columns}):
        lines += ["", kpi]
        for row in summary.to_dict("records"):
            figure = interval(row[f"{kpi}_mean"], row[f"{kpi}_ci_low"], row[f"{kpi}_ci_high"])
            lines.append(f"  point {row['point']}   {figure}")
    return lines


def _statistic(column: str) -> bool:
    return column.endswith(("_mean", "_ci_low", "_ci_high"))


def _shown_kpis(columns: set[str]) -> list[str]:
    """The terminal's headline KPIs the table has, at full scale where it has that version."""
    from klarsim.metrics.text import TERMINAL_KPIS  # noqa: PLC0415

    shown = [
        f"{kpi}_full_scale" if f"{kpi}_full_scale" in columns else kpi for kpi in TERMINAL_KPIS
    ]
    return [kpi for kpi in shown if kpi in columns]
