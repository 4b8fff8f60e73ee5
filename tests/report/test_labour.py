"""The report's labour section on a hand-made folder: the table, the computed sentence, the plot."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from klarsim.report import report_html
from klarsim.report.labour import (
    count_text,
    labour_section,
    money_text,
    pool_means,
    scenario_findings,
    share_text,
)
from klarsim.results.reader import read_folder
from tests.support import labour_tables as tables

pytestmark = pytest.mark.unit

HYBRID = tables.HYBRID


def _expected_gig() -> dict[str, float]:
    """The gig pool's means over the fixture's replications, computed from the fixture."""
    gig = tables.labour().query("kind == 'gig'")
    return gig.drop(columns=["scenario", "pool", "kind"]).mean().to_dict()


def test_pool_means_average_over_replications_per_scenario_and_pool() -> None:
    means = pool_means(tables.labour()).set_index(["scenario", "pool"])
    expected = _expected_gig()
    assert means.loc[(HYBRID, "gig"), "people"] == pytest.approx(expected["people"])
    assert means.loc[(HYBRID, "gig"), "kind"] == "gig"
    assert means.loc[(HYBRID, "staff"), "people"] == pytest.approx(80.5)
    assert len(means) == 3


def test_the_sentence_is_computed_from_the_numbers() -> None:
    means = pool_means(tables.labour())
    rows = means[means["scenario"] == HYBRID]
    text = scenario_findings(HYBRID, rows, tables.timeseries(), 7.25)
    expected = _expected_gig()
    people, fte = count_text(expected["people"]), count_text(expected["fte"])
    median = money_text(expected["earnings_per_person_week_median"])
    unpaid = share_text(expected["online_unpaid_share"])
    assert (people, fte, median, unpaid) == ("410", "95", "$210", "35.0%")
    assert f"{people} gig people (pool gig) were online for {fte} FTE" in text
    assert f"half of their weeks paid less than {median}" in text
    assert f"{unpaid} of their time online was unpaid" in text
    assert "55.0% of them earned less per online hour than the reference wage of $7.25" in text
    # employee FTE 100 + r falls to 80 + r: 20 FTE gone; 10 an hour for a day: $240
    assert "20 employee FTE had gone" in text
    assert "had cost $240." in text


def test_the_table_shows_the_means_with_their_spread() -> None:
    html = "".join(labour_section(tables.labour()))
    row = _row_of(html, "gig")
    assert row == [
        HYBRID,
        "gig",
        "gig",
        "410",
        "95",
        "9.5 (2.5-30.5)",
        "$210 ($25-$610)",
        "0.55",
        "35.0%",
        "$13.00",
        "55.0%",
    ]
    assert _row_of(html, "staff")[7:] == ["0.00", "-", "-", "-"]


def test_a_gig_pool_nobody_has_joined_yet_gets_no_sentence() -> None:
    labour = tables.labour()
    labour.loc[labour["kind"] == "gig", ["people", "fte"]] = 0.0
    means = pool_means(labour)
    text = scenario_findings(HYBRID, means[means["scenario"] == HYBRID], None, 7.25)
    assert "gig people" not in text
    assert text.startswith(f"The employees of {HYBRID}: 80.5 people, 80.5 FTE")


def test_a_sweeps_points_stay_apart_in_the_table() -> None:
    labour = pd.concat([tables.labour().assign(point=point) for point in (0, 1)])
    labour.loc[labour["point"] == 1, "people"] += 100
    means = pool_means(labour)
    assert len(means) == 6
    gig = means[(means["pool"] == "gig")].set_index("point")["people"]
    assert gig.to_dict() == pytest.approx({0: 410.0, 1: 510.0})


def test_the_report_has_the_labour_section_with_its_plot(tmp_path: Path) -> None:
    folder = tables.write_folder(tmp_path / "with")
    html = report_html(read_folder(folder))
    section = _section(html, "labour")
    assert "Labour: what the humans come back as" in section
    assert 'id="labour-table"' in section
    assert "410 gig people (pool gig) were online for 95 FTE" in section
    assert 'id="plot-labour"' in section
    assert html.count('id="plot-labour"') == 1  # not also among the key plots


def test_no_section_without_labour_csv(tmp_path: Path) -> None:
    folder = tables.write_folder(tmp_path / "without", with_labour=False)
    html = report_html(read_folder(folder))
    assert 'id="labour"' not in html
    assert 'href="#labour"' not in html
    assert 'id="plot-labour"' in html  # the time series still has the columns: a key plot


def _section(html: str, anchor: str) -> str:
    match = re.search(rf'<section id="{anchor}">(.*?)</section>', html, re.DOTALL)
    assert match is not None
    return match.group(1)


def _row_of(html: str, pool: str) -> list[str]:
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.DOTALL):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
        if len(cells) > 1 and cells[1] == pool and cells[0] == HYBRID:
            return [cell.replace("&#39;", "'") for cell in cells]
    raise AssertionError(f"no row for pool {pool}")
