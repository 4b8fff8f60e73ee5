"""The documentation matches the code: every output column is documented, every citation resolves.

``docs/outputs.md`` lists columns in tables under headings that name the files they belong to
(for example ``### Keys: `summary.csv`, `sweep.csv` ``). Names in capitals are placeholders:
``POOL`` (a pool of the scenario), ``KEY`` (a swept key), ``COLUMN`` and ``KPI`` (a documented
column).
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

import klarsim
from klarsim.cases.klarna.check import savings_by_year
from klarsim.cases.klarna.effects import attribute_effects, chain_contrasts, write_effects
from klarsim.results import files
from tests.support import EXAMPLES, ROOT

pytestmark = pytest.mark.unit

DOCS = ROOT / "docs"
OUTPUTS = DOCS / "outputs.md"
CALIBRATION = DOCS / "calibration.md"
SHORT = [
    "experiment.horizon_days=2",
    "experiment.warmup_days=0.5",
    "experiment.replications=2",
    "experiment.scale=0.1",
    "experiment.start_date=2024-01-01",
]
GIG = [
    "pools.gig={kind: gig, registered: 20, online_probability: 0.3, skills: [routine]}",
    "timeline=[{day: 1, action: hire, pool: gig, count: 2}]",
]
STAFF = ["experiment.scale=0.05", "experiment.warmup_days=0.5"]
"""A small centre for a one-iteration staffing plan."""
CAPACITY = [*STAFF, "experiment.horizon_days=10"]
"""The same centre over one month (10 days): a one-month capacity plan."""
SWEPT = "ai.share"
TABLE_SUFFIXES = (".csv", ".parquet")
PLACEHOLDER = re.compile(r"POOL|KEY|COLUMN|KPI")
SKIPPED_DIRS = {
    ".git",
    ".venv",
    "site",
    "results",
    "klarsim-demo",
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".hypothesis",
    ".ipynb_checkpoints",
}
TEXT_SUFFIXES = {".md", ".py", ".yaml", ".yml", ".ipynb", ".toml", ".txt", ".cfg", ".html"}
CITATION = re.compile(r"([\w./-]*calibration\.md)(?:#([\w-]+))?")


def documented_columns() -> dict[str, set[str]]:
    """File name -> column names listed in the tables under headings that name the file."""
    columns: dict[str, set[str]] = defaultdict(set)
    files: list[str] = []
    for line in OUTPUTS.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            names = re.findall(r"`([^`]+)`", line)
            files = [name for name in names if name.endswith(TABLE_SUFFIXES)]
        elif line.startswith("|") and files:
            first = line.split("|")[1].strip()
            if first == "column" or set(first) <= {"-", ":"}:
                continue
            for file in files:
                columns[file].update(re.findall(r"`([^`]+)`", first))
    return columns


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, list[str]], set[str]]:
    """Columns of every table that short runs, a comparison and a sweep write; pool names."""
    out = tmp_path_factory.mktemp("outputs")
    hybrid = klarsim.load_scenario(EXAMPLES / "hybrid.yaml", overrides=SHORT + GIG)
    klarsim.run(hybrid, out=out / "run", record_contacts=True)
    scenarios = [EXAMPLES / "human_only.yaml", EXAMPLES / "hybrid.yaml"]
    compared = klarsim.compare(scenarios, overrides=SHORT, out=out / "compare")
    chain = chain_contrasts([scenario.name for scenario in compared.scenarios])
    savings = savings_by_year(compared.summary, compared.timeseries, baseline=compared.baseline)
    write_effects(out / "compare", attribute_effects(compared.summary, chain), savings)
    base = klarsim.load_scenario(EXAMPLES / "hybrid.yaml", overrides=SHORT)
    points = klarsim.design_points(grid=[f"{SWEPT}=0.5,0.6"])
    klarsim.sweep(base, points=points, out=out / "sweep")
    _sensitivity_and_robustness(base, out)
    plan = klarsim.PlanOptions(["service_level=0.8"], days=7, max_iterations=1)
    klarsim.staff(EXAMPLES / "human_only.yaml", plan, reps=1, overrides=STAFF, out=out / "staff")
    human = EXAMPLES / "human_only.yaml"
    klarsim.capacity(human, plan, reps=1, overrides=CAPACITY, out=out / "capacity")
    _fit_and_backtest(out)
    tables: dict[str, list[str]] = defaultdict(list)
    folders = ("run", "compare", "sweep", "staff", "capacity", *SENSITIVITY_FOLDERS, "fit")
    for folder in folders:
        for path in sorted((out / folder).iterdir()):
            if path.suffix == ".csv":
                tables[path.name] += list(pd.read_csv(path, nrows=0).columns)
            elif path.suffix == ".parquet":
                tables[path.name] += list(pd.read_parquet(path).columns)
    pools = {str(name) for name in hybrid.pools}
    return dict(tables), pools


SENSITIVITY_FOLDERS = ("morris", "sobol", "robustness")


def _fit_and_backtest(out: Path) -> None:
    """klarsim fit and backtest on two weeks of a small synthetic export, into out/fit."""
    from klarsim.fitting.backtest import backtest, write_backtest
    from klarsim.fitting.fit import FitOptions, fit, write_fit
    from tests.fitting.synthetic import Truth, synthetic_export

    export = out / "export.csv"
    synthetic_export(Truth(contacts_per_day=200.0), 14).to_csv(export, index=False)
    (out / "fit").mkdir()
    fitted = fit(export, options=FitOptions(resamples=20))
    write_fit(out / "fit", fitted)
    write_backtest(out / "fit", backtest(fitted.scenario, export, reps=2))


def _sensitivity_and_robustness(base: klarsim.Scenario, out: Path) -> None:
    """The folders of klarsim sensitivity (both methods) and robustness, over the swept key."""
    from klarsim.sensitivity.analysis import sensitivity
    from klarsim.sensitivity.robustness import robustness

    ranges = [f"{SWEPT}=0.4:0.7"]
    for method in ("morris", "sobol"):
        sensitivity(
            base, kpis=["csat_mean"], ranges=ranges, method=method, samples=2, reps=1,
            resamples=20, out=out / method,
        )  # fmt: skip
    other = klarsim.load_scenario(EXAMPLES / "ai_first.yaml", overrides=SHORT)
    robustness(
        base, other, kpis=["csat_mean"], ranges=ranges, samples=3, reps=1, out=out / "robustness"
    )


def expand(pattern: str, values: dict[str, set[str]]) -> set[str]:
    """Every name a placeholder pattern stands for."""
    names = {pattern}
    for placeholder in PLACEHOLDER.findall(pattern):
        names = {n.replace(placeholder, v, 1) for n in names for v in values[placeholder]}
    return names


def test_every_column_written_is_documented_and_every_documented_column_exists(
    written: tuple[dict[str, list[str]], set[str]],
) -> None:
    tables, pools = written
    documented = documented_columns()
    plain = {name for names in documented.values() for name in names}
    plain = {name for name in plain if not PLACEHOLDER.search(name)}
    values = {"POOL": pools, "KEY": {SWEPT}, "COLUMN": plain, "KPI": plain}
    assert set(tables) >= {"summary.csv", "timeseries.csv", "comparison.csv", "events.csv"}
    assert set(tables) >= {"contacts.parquet", "sweep.csv", "sweep.parquet", "sweep_summary.csv"}
    assert set(tables) >= {"staffing.csv", "shifts.csv", "iterations.csv", "capacity.csv"}
    for file, columns in tables.items():
        assert file in documented, f"{file}: no section of docs/outputs.md names it"
        names = documented[file]
        patterns = {name for name in names if PLACEHOLDER.search(name)}
        allowed = (names - patterns).union(*(expand(p, values) for p in patterns))
        undocumented = sorted(set(columns) - allowed)
        assert not undocumented, f"{file}: columns missing from docs/outputs.md: {undocumented}"
        missing = sorted(names - patterns - set(columns))
        assert not missing, f"{file}: documented in docs/outputs.md but not written: {missing}"
        unused = sorted(p for p in patterns if not expand(p, values) & set(columns))
        assert not unused, f"{file}: documented patterns that match no column: {unused}"
    stale = sorted(set(documented) - set(tables))
    assert not stale, f"docs/outputs.md documents tables that are not written: {stale}"


def test_every_table_a_results_folder_can_hold_has_a_section() -> None:
    names = {
        value
        for name, value in vars(files).items()
        if name.isupper() and isinstance(value, str) and value.endswith(TABLE_SUFFIXES)
    }
    assert len(names) >= 8
    missing = sorted(names - set(documented_columns()))
    assert not missing, f"tables of klarsim.results.files not in docs/outputs.md: {missing}"


def slug(heading: str) -> str:
    """The anchor MkDocs and GitHub give a heading of plain words."""
    text = re.sub(r"[^\w\s-]", "", heading.strip().lower())
    return re.sub(r"\s+", "-", text)


def repository_files() -> list[Path]:
    """Text files of the repository, without virtual environments, caches and build output."""
    found = []
    for folder, subfolders, names in os.walk(ROOT):
        subfolders[:] = [
            name for name in subfolders if name not in SKIPPED_DIRS and "egg-info" not in name
        ]
        found += [Path(folder, name) for name in names if Path(name).suffix in TEXT_SUFFIXES]
    return sorted(found)


def test_every_citation_of_calibration_md_resolves_to_the_file() -> None:
    files = repository_files()
    named = [path for path in files if path.name == "calibration.md"]
    assert named == [CALIBRATION], "the repository must hold one calibration.md: docs/"
    text = CALIBRATION.read_text(encoding="utf-8")
    anchors = {slug(line.lstrip("#")) for line in text.splitlines() if line.startswith("#")}
    cited = 0
    for path in files:
        for match in CITATION.finditer(path.read_text(encoding="utf-8", errors="replace")):
            target, anchor = match.groups()
            where = f"{path.relative_to(ROOT)}: {match.group(0)}"
            if "/" in target:
                candidates = [(path.parent / target).resolve(), (ROOT / target).resolve()]
                assert CALIBRATION in candidates, f"{where} does not lead to docs/calibration.md"
            assert anchor is None or anchor in anchors, f"{where}: no such section"
            cited += 1
    assert cited > 10


def test_readme_is_short_and_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode()) < 12 * 1024
    commands = re.findall(r"```bash\n(.+?)\n```", readme, flags=re.DOTALL)
    assert commands[:2] == ["pip install -e '.[dev]' && klarsim demo", "pytest -n auto"]
