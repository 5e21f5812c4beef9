"""Pure inline-SVG charts (vertical and horizontal bars): no JavaScript, no external resources.

The SVG has no xmlns attribute: inline in HTML5 the parser puts it in the SVG namespace,
and the report then holds no URL at all besides the posts' own.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

_FONT = 'font-family="system-ui, sans-serif" font-size="11"'
DEFAULT_COLOR = "#4e79a7"


def _num(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def bar_chart(
    data: Sequence[tuple[str, float]],
    *,
    title: str,
    colors: Sequence[str] | None = None,
    width: int = 640,
    height: int = 220,
    max_labels: int = 12,
) -> str:
    """Return an SVG vertical bar chart of (label, value) pairs, labels thinned to at most max_labels."""
    top, bottom, left, right = 28, 36, 44, 8
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((v for _, v in data), default=0) or 1
    step = plot_w / max(len(data), 1)
    every = max(1, -(-len(data) // max_labels))
    parts = [
        f'<svg role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" {_FONT}>',
        f"<title>{escape(title)}</title>",
        f'<text x="{left}" y="16" font-size="13" font-weight="600">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#999"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">{_num(peak)}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end">0</text>',
    ]
    for i, (label, value) in enumerate(data):
        bar_h = plot_h * value / peak
        x = left + i * step + step * 0.1
        color = colors[i] if colors and i < len(colors) else DEFAULT_COLOR
        parts.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - bar_h:.1f}" width="{step * 0.8:.1f}" height="{bar_h:.1f}" '
            f'fill="{escape(color)}"><title>{escape(label)}: {_num(value)}</title></rect>'
        )
        if i % every == 0:
            parts.append(
                f'<text x="{x + step * 0.4:.1f}" y="{top + plot_h + 14}" text-anchor="middle">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def hbar_chart(
    data: Sequence[tuple[str, float]], *, title: str, width: int = 640, bar: int = 22, note: Sequence[str] = ()
) -> str:
    """Return an SVG horizontal bar chart of (label, value) pairs; `note` adds text after each value."""
    top, label_w, right = 28, 110, 120
    height = top + len(data) * (bar + 6) + 8
    peak = max((v for _, v in data), default=0) or 1
    plot_w = width - label_w - right
    parts = [
        f'<svg role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" {_FONT}>',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-size="13" font-weight="600">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(data):
        y = top + i * (bar + 6)
        w = plot_w * value / peak
        extra = f" {note[i]}" if i < len(note) else ""
        parts += [
            f'<text x="{label_w - 6}" y="{y + bar * 0.7:.1f}" text-anchor="end">{escape(label)}</text>',
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar}" fill="{DEFAULT_COLOR}"/>',
            f'<text x="{label_w + w + 4:.1f}" y="{y + bar * 0.7:.1f}">{_num(value)}{escape(extra)}</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)
