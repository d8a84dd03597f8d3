"""Server-rendered SVG charts (pygal) for the statistics pages.

Why SVG served as an image: no JavaScript and no CDN, so the charts work under the strict
Content Security Policy (no inline scripts or styles in our pages); the SVG's own <style> and
pygal's inert config <script> live in a separate image document, where browsers never run
scripts. Each series gets a fill pattern as well as a colour, and every bar prints its value,
so the charts read without colour; the table beside each chart carries the same figures.
"""

from __future__ import annotations

import pygal
from pygal.style import Style

# Pattern per series (solid, diagonal hatch, dots, cross-hatch): readable in greyscale.
_DEFS = [
    '<pattern id="pat-hatch" width="8" height="8" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="8" height="8" fill="#b35806"/>'
    '<line x1="0" y1="0" x2="0" y2="8" stroke="#fff" stroke-width="3"/></pattern>',
    '<pattern id="pat-dots" width="8" height="8" patternUnits="userSpaceOnUse">'
    '<rect width="8" height="8" fill="#542788"/><circle cx="4" cy="4" r="2" fill="#fff"/>'
    "</pattern>",
    '<pattern id="pat-cross" width="8" height="8" patternUnits="userSpaceOnUse">'
    '<rect width="8" height="8" fill="#4d4d4d"/><path d="M0 4H8M4 0V8" stroke="#fff" '
    'stroke-width="1.5"/></pattern>',
]
_CSS = (
    "inline:"
    ".color-1 .rect, .color-1.reactive { fill: url(#pat-hatch) !important; }"
    ".color-2 .rect, .color-2.reactive { fill: url(#pat-dots) !important; }"
    ".color-3 .rect, .color-3.reactive { fill: url(#pat-cross) !important; }"
    ".text-overlay text.value { paint-order: stroke; stroke: #fff; stroke-width: 3px; }"
)
_STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#6c757d",
    colors=("#1b6ca8", "#b35806", "#542788", "#4d4d4d"),
    font_family="system-ui, sans-serif",
    value_font_size=12,
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=13,
    title_font_size=16,
)


def _config(**extra) -> dict:
    return {
        "style": _STYLE,
        "js": [],
        "defs": list(_DEFS),
        "css": ["file://style.css", "file://graph.css", _CSS],
        "print_values": True,
        "print_zeroes": False,
        "legend_at_bottom": True,
        "disable_xml_declaration": False,
        "width": 800,
        "height": 420,
        **extra,
    }


def _integer_ticks(series: dict[str, list], *, stacked: bool = False) -> list[int]:
    """Whole-number axis ticks: these are counts of requests, never fractions."""
    if stacked:
        columns = zip(*series.values(), strict=True) if series else []
        top = max((sum(v or 0 for v in column) for column in columns), default=0)
    else:
        top = max((v or 0 for values in series.values() for v in values), default=0)
    step = max(1, -(-top // 8))
    return list(range(0, top + step + 1, step))


def monthly_chart_svg(*, title: str, labels: list[str], series: dict[str, list]) -> bytes:
    """Grouped bars per month, one patterned series per figure. None values are left out."""
    chart = pygal.Bar(
        **_config(
            title=title,
            x_label_rotation=0 if len(labels) < 9 else 30,
            y_labels=_integer_ticks(series),
        )
    )
    chart.x_labels = labels
    for name, values in series.items():
        chart.add(name, values)
    return chart.render()


def agency_chart_svg(*, title: str, labels: list[str], series: dict[str, list]) -> bytes:
    """Horizontal stacked bars of outcomes per agency."""
    height = max(300, 110 + 34 * len(labels))
    chart = pygal.HorizontalStackedBar(
        **_config(title=title, height=height, y_labels=_integer_ticks(series, stacked=True))
    )
    chart.x_labels = labels
    for name, values in series.items():
        chart.add(name, values)
    return chart.render()
