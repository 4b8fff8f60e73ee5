"""The report and deck of a plan (``klarsim staff``): findings with known answers on hand-made
staffing and capacity folders, and a tiny real plan through ``klarsim report --pptx``."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from typer.testing import CliRunner

from klarsim.cli import app
from klarsim.report import report_html
from klarsim.report.assumptions import parameter_rows
from klarsim.report.planning import time_of_week
from klarsim.report.slides import build_deck, kpi_rows
from klarsim.report.summary import summary_of
from klarsim.results import files
from klarsim.results.reader import FolderError, folder_kind, read_folder
from tests.support import ROOT

pytestmark = pytest.mark.unit

SCENARIO = {"name": "centre", "experiment": {"horizon_days": 30, "seed": 2024, "scale": 1.0}}


def _manifest(folder: Path, kind: str, **job: object) -> None:
    job = {"kind": kind, "replications": 3, "targets": ["service_level=0.8"], **job}
    manifest = {"kind": kind, "job": job, "scale": 1.0, "converged": True}
    (folder / files.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def staff_folder(folder: Path, *, lowest: float = 0.82) -> Path:
    """A one-pool plan by the day: 10 agents, 12 on Wednesday; Friday the lowest service, each
    day's 95% interval 3 points either side."""
    folder.mkdir()
    required = [10, 10, 12, 10, 10, 10, 10]
    levels = [0.9, 0.88, 0.91, 0.86, lowest, 0.87, 0.89]
    pd.DataFrame(
        {
            "pool": "staff",
            "minute_of_week": [1440.0 * day for day in range(7)],
            "required": required,
            "rostered": required,
            "offered": [1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 400.0, 400.0],
            "service_level": levels,
            "service_level_ci_low": [level - 0.03 for level in levels],
            "service_level_ci_high": [level + 0.03 for level in levels],
            "abandonment_rate": 0.0,
            "asa_min": 0.2,
            "occupancy": 0.7,
        }
    ).to_csv(folder / files.STAFFING, index=False)
    days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    pd.DataFrame(
        {
            "pool": "staff",
            "template": "24h",
            "weekday": days,
            "start_hour": 0.0,
            "length_hours": 24.0,
            "paid_hours": 24.0,
            "agents": required,
        }
    ).to_csv(folder / files.SHIFTS, index=False)
    pd.DataFrame(
        {
            "iteration": [1, 2],
            "pool": "staff",
            "agent_hours_per_week": [1700.0, 1728.0],
            "peak_agents": [12, 12],
            "changed_intervals": [1, 0],
        }
    ).to_csv(folder / files.ITERATIONS, index=False)
    planned = {**SCENARIO, "pools": {"staff": {"headcount": 44, "cost_per_hour": 40}}}
    (folder / files.SCENARIO).write_text(yaml.safe_dump(planned), encoding="utf-8")
    _manifest(folder, "staff", days=7.0, contract_hours_per_week=40.0)
    return folder


def capacity_folder(folder: Path) -> Path:
    """Three months: 40, 46 then 43 FTE required against a headcount of 44."""
    folder.mkdir()
    pd.DataFrame(
        {
            "month": ["2024-03", "2024-04", "2024-05"],
            "pool": "staff",
            "required_fte": [40.0, 46.0, 43.0],
            "rostered_hours": [6900.0, 7900.0, 7400.0],
            "cost": [276000.0, 316000.0, 296000.0],
            "service_level": [0.85, 0.83, 0.84],
            "headcount": [44.0, 44.0, 44.0],
            "converged": True,
        }
    ).to_csv(folder / files.CAPACITY, index=False)
    (folder / files.SCENARIO).write_text(yaml.safe_dump(SCENARIO), encoding="utf-8")
    _manifest(folder, "capacity", by="month")
    return folder


def test_a_staffing_or_capacity_folder_is_read_with_its_kind(tmp_path: Path) -> None:
    staff = read_folder(staff_folder(tmp_path / "plan"))
    assert staff.kind == "staff" and staff.planning
    assert staff.scenario_names == ["centre"] and staff.replications == 3 and staff.scale == 1.0
    assert staff.staffing is not None and staff.shifts is not None
    capacity = read_folder(capacity_folder(tmp_path / "months"))
    assert capacity.kind == "capacity" and capacity.capacity is not None
    assert folder_kind(tmp_path / "months") == "capacity"
    (tmp_path / "empty").mkdir()
    with pytest.raises(FolderError, match=r"staffing\.csv or capacity\.csv"):
        read_folder(tmp_path / "empty")


def test_a_staffing_plans_findings_give_the_peak_the_hours_and_the_target(tmp_path: Path) -> None:
    summary = summary_of(read_folder(staff_folder(tmp_path / "plan")))
    assert summary.question.startswith("How many agents does centre need over the week")
    assert "service level at least 80%" in summary.question
    assert "3 replications" in summary.question
    peak, hours, service = summary.findings
    assert peak.text == (
        "staff: 12 agents on duty at the peak (Wed), 10 in the quietest interval of the week."
    )
    # 10 x 6 + 12 agents on 24-hour shifts: 1,728 paid hours, 43.2 FTE at 40 hours.
    assert hours.text == (
        "staff: the shifts pay 1,728 agent hours per week, 43.2 full-time equivalents at "
        "40 hours a week, 44 people on contract hours."
    )
    assert service.text.startswith("staff: the 80% service-level target is met in every interval")
    assert "the lowest, Fri 82% (95% CI 79% to 85%)" in service.text
    # Only Friday's interval (79% to 85%) reaches below 80%; Thursday's is 83% to 89%.
    assert "1 of 7 intervals are not told from the target at these settings" in service.text
    assert service.detectable


def test_a_missed_target_counts_the_intervals_below_it_beyond_noise(tmp_path: Path) -> None:
    summary = summary_of(read_folder(staff_folder(tmp_path / "plan", lowest=0.7)))
    service = summary.findings[2]
    assert service.text.startswith(
        "staff: 1 of 7 intervals fall below the 80% service-level target, 1 of them beyond noise"
    )
    assert service.headline == "staff misses the 80% service-level target in 1 interval"


def test_ceiling_targets_name_the_worst_interval_without_an_interval(tmp_path: Path) -> None:
    folder = staff_folder(tmp_path / "plan")
    targets = ["asa_min=0.25", "abandonment_rate=0.05"]
    _manifest(folder, "staff", days=7.0, targets=targets)
    staffing = pd.read_csv(folder / files.STAFFING)
    staffing.loc[3, "asa_min"] = 0.4  # Thursday waits longest
    staffing.to_csv(folder / files.STAFFING, index=False)
    summary = summary_of(read_folder(folder))
    assert "average speed of answer at most 0.25 min and abandonment at most 5%" in (
        summary.question
    )
    asa, abandonment = summary.findings[2:]
    assert asa.text == (
        "staff: the average speed of answer target of 0.25 min is missed in 1 of 7 intervals; "
        "the worst, Thu, 0.4 min (pooled over the replications: no interval)."
    )
    assert not asa.detectable
    assert abandonment.headline == "staff: abandonment target met in every interval"


def test_a_capacity_plans_findings_give_the_fte_path_and_the_headcount_gap(
    tmp_path: Path,
) -> None:
    summary = summary_of(read_folder(capacity_folder(tmp_path / "months")))
    assert summary.question.startswith("How many people does centre need each month")
    path, gap, service = summary.findings
    assert path.text == (
        "staff: the required FTE rises from 40.0 in 2024-03 to 43.0 in 2024-05; highest "
        "46.0 (2024-04), lowest 40.0 (2024-03)."
    )
    assert gap.text == (
        "staff: the scenario's own headcount falls short of the requirement in 1 of 3 months, "
        "by up to 2.0 FTE (2024-04)."
    )
    assert "between 83% and 85% (target 80%)" in service.text
    assert "$888,000 over the 3 months" in service.text


def test_the_report_and_deck_of_a_plan_have_its_plots_tables_and_method(tmp_path: Path) -> None:
    folder = read_folder(staff_folder(tmp_path / "plan"))
    page = report_html(folder)
    assert page.index('id="summary"') < page.index('id="plots"') < page.index('id="run-details"')
    assert 'id="plot-staffing"' in page and 'id="plot-service_level"' in page
    assert 'id="pools-table"' in page and 'id="shifts-table"' in page
    assert "Feldman, Mandelbaum, Massey and Whitt" in page
    assert ["seed", "2024"] in parameter_rows(folder.scenarios)  # a name, not 2,024
    headers, rows = kpi_rows(folder)
    assert headers[:3] == ["pool", "agents at peak", "paid hours per week"]
    # Over the week, weighted by contacts offered: (4.37 x 1000 + 1.76 x 400) / 5800 = 87.48%.
    assert rows == [["staff", "12", "1,728", "43.2", "44", "87%", "Fri 82% (79% to 85%)"]]
    deck = build_deck(folder, [])
    titles = [slide.shapes.title.text for slide in deck.slides]
    assert titles == [
        "Staffing plan for centre",
        "Summary",
        "The plan by pool",
        "Assumptions",
        "Method: how the intervals are computed",
    ]


def test_time_of_week_names_the_day_and_the_clock() -> None:
    assert time_of_week(0.0) == "Mon"
    assert time_of_week(1440.0 + 9 * 60 + 30) == "Tue 09:30"
    assert time_of_week(6 * 1440.0 + 23 * 60) == "Sun 23:00"


ERLANG_C = str(ROOT / "scenarios" / "validation" / "erlang_c.yaml")
DAILY = [
    "--set",
    "experiment.interval_min=1440",
    "--set",
    "demand.contacts_per_day=2880",
    "--set",
    "pools.staff.shift_templates=[{length_hours: 24, start_hours: [0]}]",
]
"""A stationary centre planned by the day (as tests/cli/test_staff_cli.py): a plan in ~10 s."""


@pytest.mark.cli
@pytest.mark.slow  # a real plan: three simulated iterations, then every plot
def test_report_pptx_on_a_staff_folder_writes_both(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    runner = CliRunner()
    arguments = ["staff", ERLANG_C, "--target", "service_level=0.8", *DAILY]
    arguments += ["--days", "7", "--reps", "2", "--workers", "1", "--quiet", "--out", str(out)]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["report", str(out), "--pptx"])
    assert result.exit_code == 0, result.output
    assert f"Slides written to {out / 'report.pptx'}" in result.output  # unwrapped
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "agents on duty at the peak" in page and "service-level target" in page
    deck = Presentation(str(out / "report.pptx"))
    slides = list(deck.slides)
    pictures = [
        sum(shape.shape_type == MSO_SHAPE_TYPE.PICTURE for shape in slide.shapes)
        for slide in slides
    ]
    assert pictures == [0, 0, 1, 1, 0, 0, 0]  # staffing and service level
    assert slides[2].shapes.title.text.startswith("staff needs")
    assert slides[3].shapes.title.text.startswith("staff meets the 80% service-level target")
