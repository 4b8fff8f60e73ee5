"""The report's HTML from Jinja2 templates (``templates/``) with autoescaping: no scripts.

Each builder renders a macro of ``templates/parts.html`` and returns ``Markup``, so a piece
placed in another template is not escaped twice, while every text inside it is escaped once.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from matplotlib.figure import Figure


@cache
def environment() -> Environment:
    """The templates' environment: package data, autoescaping on, undefined names fail."""
    return Environment(
        loader=PackageLoader("klarsim.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _part(name: str, *arguments: Any) -> Markup:
    """Render the macro ``name`` of parts.html."""
    macro = getattr(environment().get_template("parts.html").module, name)
    return Markup(macro(*arguments))


def render(template: str, context: Mapping[str, Any]) -> str:
    """A whole template rendered with ``context``."""
    return environment().get_template(template).render(**context)


def stylesheet() -> str:
    """The one stylesheet (screen and print)."""
    return render("report.css", {})


def paragraph(text: str, *, css_class: str | None = None) -> Markup:
    """An escaped paragraph."""
    return _part("paragraph", text, css_class)


def heading(text: str) -> Markup:
    """A sub-heading."""
    return _part("heading", text)


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    table_id: str,
    text_columns: int = 1,
) -> Markup:
    """A table of escaped cells; the first ``text_columns`` columns are left-aligned text."""
    return _part("table", list(headers), [list(row) for row in rows], table_id, text_columns)


def details(summary_text: str, content: str) -> Markup:
    """A collapsible block holding preformatted text."""
    return _part("details", summary_text, content)


def png_bytes(figure: Figure, *, dpi: int = 100) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def embedded_figure(figure: Figure, *, name: str, caption: str, dpi: int = 100) -> Markup:
    """The figure as a base64 PNG data URI in an ``<img>``, with its caption."""
    data = base64.b64encode(png_bytes(figure, dpi=dpi)).decode("ascii")
    return _part("figure", name, caption, data)
