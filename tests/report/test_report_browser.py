"""report.html as a person sees it: headless Chromium opens the file offline at 1366x768, the
summary is the first section and fits the first screen, every plot loads, every table has rows,
the screenshot shows them, and Chromium's print to PDF gives a page per section with an outline
entry for each and no plot cut across pages; a staffing plan's report likewise; the deck
written beside it (``--pptx``) reopens with its summary.

Needs Debian's ``chromium`` (``.ci/run`` installs it). Without it the test is skipped, unless
``KLARSIM_REQUIRE_BROWSER=1`` (set by CI), which makes a missing browser a failure.
Set ``KLARSIM_SCREENSHOT_DIR`` to keep the full-page screenshot.
"""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from PIL import Image, ImageStat
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from typer.testing import CliRunner

from klarsim.cli import app
from tests.report.test_planning_report import staff_folder
from tests.support import ROOT
from tests.support.devtools import (
    DevTools,
    chromium,
    evaluate,
    full_page_screenshot,
    open_page,
)

pytestmark = pytest.mark.browser

EXAMPLES = sorted(str(path) for path in (ROOT / "scenarios" / "examples").glob("*.yaml"))
TINY = ["--reps", "2", "--days", "2", "--set", "experiment.warmup_days=0.5"]
TINY += ["--set", "experiment.scale=0.05", "--workers", "1", "--quiet"]
WIDTH, HEIGHT = 1366, 768
"""A laptop's screen: the summary must be read there without scrolling."""
EXPECTED_PLOTS = {"kpi_timeseries", "comparison", "frontier", "cost_waterfall"}
PAGE_STATE = """
(() => {
  const box = (element) => {
    const rect = element.getBoundingClientRect();
    return {top: rect.top + window.scrollY, left: rect.left + window.scrollX,
            width: rect.width, height: rect.height};
  };
  return {
    title: document.title,
    images: [...document.images].map((image) => ({
      figure: image.closest("figure") ? image.closest("figure").id : "",
      complete: image.complete, naturalWidth: image.naturalWidth,
      naturalHeight: image.naturalHeight, inline: image.src.startsWith("data:image/png;base64,"),
      box: box(image)})),
    svgs: [...document.querySelectorAll("svg")].map(box),
    tables: Object.fromEntries([...document.querySelectorAll("table")].map(
      (table) => [table.id, table.tBodies.length ? table.tBodies[0].rows.length : 0])),
    sections: [...document.querySelectorAll("h2")].map((heading) => heading.textContent),
    firstSection: document.querySelector("section").id,
    summary: (() => {
      const rect = document.getElementById("summary").getBoundingClientRect();
      return {top: rect.top, bottom: rect.bottom, findings:
        document.querySelectorAll("#summary li").length, text:
        document.getElementById("summary").innerText};
    })(),
    viewport: {width: window.innerWidth, height: window.innerHeight, scrolled: window.scrollY},
    external: document.querySelectorAll("link[href], script[src], iframe, object, embed").length,
    fetched: performance.getEntriesByType("resource").map((entry) => entry.name),
    details: document.querySelectorAll("details").length,
  };
})()
"""


@pytest.fixture(scope="module")
def compare_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny three-scenario comparison and its report, written through the command line."""
    folder = tmp_path_factory.mktemp("browser") / "comparison"
    runner = CliRunner()
    arguments = ["compare", *EXAMPLES, "--baseline", "human-only", "--out", str(folder), *TINY]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["report", str(folder), "--pptx"])
    assert result.exit_code == 0, result.output
    return folder / "report.html"


@pytest.fixture(scope="module")
def chromium_path() -> str:
    """Chromium's path; skip without it (before building anything), or fail when required."""
    executable = shutil.which("chromium")
    if executable is not None:
        return executable
    reason = "Chromium is not installed (apt-get install chromium; .ci/run does this)"
    if os.environ.get("KLARSIM_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}, and KLARSIM_REQUIRE_BROWSER=1 requires it")
    pytest.skip(reason)


def test_report_renders_in_chromium(
    chromium_path: str, compare_report: Path, tmp_path: Path
) -> None:
    with chromium(chromium_path, tmp_path / "profile", tmp_path / "chromium.log") as browser:
        session = open_page(browser, compare_report.as_uri(), width=WIDTH, height=HEIGHT)
        state = evaluate(browser, session, PAGE_STATE)
        screenshot = full_page_screenshot(browser, session)
        pdf = print_to_pdf(browser, session)
    (tmp_path / "report.png").write_bytes(screenshot)
    if os.environ.get("KLARSIM_SCREENSHOT_DIR"):
        shutil.copy(tmp_path / "report.png", Path(os.environ["KLARSIM_SCREENSHOT_DIR"]))
    (tmp_path / "report.pdf").write_bytes(pdf)
    check_first_screen(state)
    check_page(state, compare_report.parent)
    check_screenshot(screenshot, state["images"])
    check_pdf(pdf, state["sections"])
    check_no_plot_cut(pdf, len(state["images"]))
    check_deck(compare_report.parent / "report.pptx", state["summary"]["text"])


def print_to_pdf(browser: DevTools, session: str) -> bytes:
    """Chromium's print to PDF (as ``--print-to-pdf``), with the headings as the outline."""
    options = {"printBackground": True, "generateDocumentOutline": True, "preferCSSPageSize": True}
    reply = browser.call("Page.printToPDF", options, session=session, timeout=120.0)
    return base64.b64decode(reply["data"])


def check_first_screen(state: dict[str, Any]) -> None:
    """The summary is the first section, and the whole of it is on the first screen."""
    assert state["viewport"] == {"width": WIDTH, "height": HEIGHT, "scrolled": 0}
    assert state["firstSection"] == "summary"
    assert state["sections"][0] == "Summary"
    summary = state["summary"]
    assert summary["top"] >= 0 and summary["bottom"] <= HEIGHT, summary
    assert 3 <= summary["findings"] <= 6
    assert "What changes when" in summary["text"] and "paired 95% CI" in summary["text"]


def check_pdf(pdf: bytes, sections: list[str]) -> None:
    """A PDF whose outline lists every section, each section starting a page of its own."""
    assert pdf.startswith(b"%PDF")
    titles = {
        _pdf_text(raw)
        for raw in re.findall(rb"/Title\s*(\((?:[^()\\]|\\.)*\)|<[0-9A-Fa-f]+>)", pdf)
    }
    assert set(sections) <= titles, set(sections) - titles
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert pages >= len(sections), "each section starts a new page"


def images_by_page(pdf: bytes) -> list[list[int]]:
    """Per page of the PDF, the image objects it draws (Chromium's PDFs are uncompressed
    objects: each page's resources name its images; an image cut across pages is named by
    every page it spills onto)."""
    objects = {
        int(match.group(1)): match.group(2)
        for match in re.finditer(rb"(\d+) 0 obj\s*(.*?)endobj", pdf, re.S)
    }
    images = {number for number, body in objects.items() if b"/Subtype /Image" in body}
    pages = []
    for body in objects.values():
        if not re.search(rb"/Type\s*/Page\b", body):
            continue
        named = re.search(rb"/XObject\s*<<(.*?)>>", body, re.S)
        found = [int(n) for n in re.findall(rb"(\d+) 0 R", named.group(1))] if named else []
        pages.append([number for number in found if number in images])
    return pages


def check_no_plot_cut(pdf: bytes, plots: int) -> None:
    """Every plot is printed whole on one page: each image on exactly one page."""
    pages = images_by_page(pdf)
    drawn = [image for page in pages for image in page]
    assert len(set(drawn)) == plots, pages
    assert len(drawn) == plots, f"a plot is cut across pages: images by page {pages}"


def _pdf_text(raw: bytes) -> str:
    """A PDF string, literal or hexadecimal (UTF-16 with a byte order mark)."""
    if raw.startswith(b"<"):
        data = bytes.fromhex(raw[1:-1].decode("ascii"))
        return data.decode("utf-16") if data.startswith(b"\xfe\xff") else data.decode("latin-1")
    return re.sub(rb"\\(.)", rb"\1", raw[1:-1]).decode("latin-1")


def check_deck(path: Path, summary_text: str) -> None:
    """The deck beside the report: 16:9, a picture per plot, the page's findings on slide 2."""
    deck = Presentation(str(path))
    width, height = deck.slide_width, deck.slide_height
    assert width is not None and height is not None
    assert width * 9 == pytest.approx(height * 16, rel=0.01)
    slides = list(deck.slides)
    pictures = [
        sum(shape.shape_type == MSO_SHAPE_TYPE.PICTURE for shape in slide.shapes)
        for slide in slides
    ]
    assert sum(pictures) >= len(EXPECTED_PLOTS) and len(slides) == 5 + sum(pictures)
    assert slides[1].shapes.title.text == "Summary"
    slide_text = " ".join(
        shape.text_frame.text for shape in slides[1].shapes if shape.has_text_frame
    )
    for line in summary_text.splitlines()[1:]:  # after the heading: question, findings, notes
        if line.strip():
            assert line.strip() in slide_text, line


def check_page(state: dict[str, Any], folder: Path) -> None:
    """Every plot loaded from the file itself; the tables hold the folder's rows."""
    assert state["title"].startswith("klarsim comparison")
    images = state["images"]
    assert {image["figure"].removeprefix("plot-") for image in images} >= EXPECTED_PLOTS
    for image in images:
        assert image["inline"] and image["complete"], image["figure"]
        assert image["naturalWidth"] > 300 and image["naturalHeight"] > 200, image["figure"]
        assert image["box"]["width"] > 300, image["figure"]
    assert all(box["width"] > 0 and box["height"] > 0 for box in state["svgs"])
    comparison = pd.read_csv(folder / "comparison.csv")
    full_scale = comparison["kpi"].str.endswith("_full_scale")
    shown = comparison[~comparison["kpi"].isin(comparison.loc[full_scale, "kpi"].str[:-11])]
    assert full_scale.any(), "a scaled comparison lists money and counts at full scale"
    assert state["tables"]["comparison-table"] == len(shown), "full scale replaces run scale"
    assert state["tables"]["parameters-table"] > 5
    assert {
        "Summary",
        "Results",
        "Key plots",
        "Assumptions",
        "How the intervals are computed",
    } <= set(state["sections"])
    assert state["details"] == 3  # one resolved YAML per scenario
    assert state["external"] == 0 and state["fetched"] == []


def check_screenshot(png: bytes, images: list[dict[str, Any]]) -> None:
    """The page is not blank, and every plot's area on it shows a drawing."""
    picture = Image.open(io.BytesIO(png)).convert("RGB")
    assert picture.width > WIDTH - 40 and picture.height > 3 * HEIGHT  # less a scroll bar
    assert len(picture.getcolors(maxcolors=1 << 24) or []) > 500
    for image in images:
        box = image["box"]
        area = picture.crop(
            (
                int(box["left"]),
                int(box["top"]),
                int(box["left"] + box["width"]),
                int(box["top"] + box["height"]),
            )
        )
        spread = ImageStat.Stat(area.convert("L")).stddev[0]
        assert spread > 10, f"{image['figure']} looks blank on the screenshot"


def test_the_cut_check_sees_an_image_taller_than_a_page(chromium_path: str, tmp_path: Path) -> None:
    """The check above is no formality: a plain image three pages tall is named by each page."""
    buffer = io.BytesIO()
    Image.new("RGB", (600, 2600), (200, 30, 30)).save(buffer, format="PNG")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    page = tmp_path / "tall.html"
    page.write_text(f'<p>text</p><img src="data:image/png;base64,{data}">', encoding="utf-8")
    with chromium(chromium_path, tmp_path / "profile", tmp_path / "chromium.log") as browser:
        session = open_page(browser, page.as_uri(), width=WIDTH, height=HEIGHT)
        pdf = print_to_pdf(browser, session)
    drawn = [image for images in images_by_page(pdf) for image in images]
    assert len(set(drawn)) == 1 and len(drawn) >= 2
    with pytest.raises(AssertionError, match="cut across pages"):
        check_no_plot_cut(pdf, 1)


def test_a_staffing_plans_report_reads_first_and_prints_whole(
    chromium_path: str, tmp_path: Path
) -> None:
    """A plan's report (hand-made staff folder): findings on the first screen, plots whole."""
    folder = staff_folder(tmp_path / "plan")
    result = CliRunner().invoke(app, ["report", str(folder), "--pptx"])
    assert result.exit_code == 0, result.output
    report = folder / "report.html"
    with chromium(chromium_path, tmp_path / "profile", tmp_path / "chromium.log") as browser:
        session = open_page(browser, report.as_uri(), width=WIDTH, height=HEIGHT)
        state = evaluate(browser, session, PAGE_STATE)
        pdf = print_to_pdf(browser, session)
    summary = state["summary"]
    assert state["firstSection"] == "summary" and 0 <= summary["top"] < summary["bottom"] <= HEIGHT
    assert "agents on duty at the peak" in summary["text"]
    assert {image["figure"] for image in state["images"]} == {"plot-staffing", "plot-service_level"}
    assert all(image["complete"] and image["naturalWidth"] > 300 for image in state["images"])
    check_pdf(pdf, state["sections"])
    check_no_plot_cut(pdf, 2)
