"""Small HTML builders for the report: every text escaped, one inline style sheet, no scripts."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from html import escape

from matplotlib.figure import Figure

STYLE = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       sans-serif; color: #1a1a1a; background: #ffffff; margin: 0 auto; max-width: 1180px;
       padding: 24px 32px 64px; line-height: 1.45; }
h1 { font-size: 1.9em; margin-bottom: 0.2em; }
h2 { font-size: 1.4em; margin-top: 2em; border-bottom: 2px solid #e0e0e0; padding-bottom: 4px; }
h3 { font-size: 1.1em; margin-top: 1.4em; }
.meta { color: #555555; margin: 0.2em 0; }
nav ul { columns: 2; padding-left: 1.2em; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em; font-size: 0.92em; }
th, td { border: 1px solid #d0d0d0; padding: 4px 9px; text-align: right; vertical-align: top; }
th { background: #f3f5f7; }
td.text, th.text { text-align: left; }
td:not(.text) { white-space: nowrap; }
tr:nth-child(even) td { background: #fafafa; }
figure { margin: 1.2em 0 2em; page-break-inside: avoid; break-inside: avoid; }
figure img { max-width: 100%; height: auto; border: 1px solid #eeeeee; }
figcaption { color: #444444; font-size: 0.95em; margin-top: 0.4em; }
details { margin: 0.4em 0 1em; }
summary { cursor: pointer; color: #0b5394; }
pre { background: #f6f8fa; border: 1px solid #e1e4e8; padding: 10px; overflow-x: auto;
      font-size: 0.85em; }
code { font-size: 0.9em; }
.note { color: #555555; font-size: 0.92em; }
@media print { body { max-width: none; padding: 0; } nav { display: none; }
               details { display: block; } h2 { page-break-after: avoid; } }
"""


def page(title: str, body: Sequence[str]) -> str:
    """A complete, self-contained HTML document."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(title)}</title>",
            f"<style>{STYLE}</style>",
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
        ]
    )


def section(anchor: str, title: str, parts: Sequence[str]) -> str:
    """An ``<h2>`` section the table of contents links to."""
    return "\n".join(
        [f'<section id="{escape(anchor)}">', f"<h2>{escape(title)}</h2>", *parts, "</section>"]
    )


def paragraph(text: str, *, css_class: str | None = None) -> str:
    """An escaped paragraph."""
    attribute = f' class="{escape(css_class)}"' if css_class else ""
    return f"<p{attribute}>{escape(text)}</p>"


def heading(text: str) -> str:
    """A sub-heading."""
    return f"<h3>{escape(text)}</h3>"


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    table_id: str,
    text_columns: int = 1,
) -> str:
    """A table of escaped cells; the first ``text_columns`` columns are left-aligned text."""

    def cell(tag: str, index: int, value: str) -> str:
        css = ' class="text"' if index < text_columns else ""
        return f"<{tag}{css}>{escape(value)}</{tag}>"

    head = "".join(cell("th", index, value) for index, value in enumerate(headers))
    body = [
        "<tr>" + "".join(cell("td", index, value) for index, value in enumerate(row)) + "</tr>"
        for row in rows
    ]
    return "\n".join(
        [
            f'<table id="{escape(table_id)}">',
            f"<thead><tr>{head}</tr></thead>",
            "<tbody>",
            *body,
            "</tbody>",
            "</table>",
        ]
    )


def details(summary_text: str, content: str) -> str:
    """A collapsible block holding preformatted text."""
    return (
        f"<details><summary>{escape(summary_text)}</summary>"
        f"<pre><code>{escape(content)}</code></pre></details>"
    )


def contents(entries: Sequence[tuple[str, str]]) -> str:
    """The table of contents: (anchor, title) pairs."""
    items = "".join(f'<li><a href="#{escape(a)}">{escape(t)}</a></li>' for a, t in entries)
    return f"<nav><ul>{items}</ul></nav>"


def embedded_figure(figure: Figure, *, name: str, caption: str, dpi: int = 100) -> str:
    """The figure as a base64 PNG data URI in an ``<img>``, with its caption."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        f'<figure id="plot-{escape(name)}">'
        f'<img src="data:image/png;base64,{data}" alt="{escape(caption)}">'
        f"<figcaption>{escape(caption)}</figcaption></figure>"
    )
