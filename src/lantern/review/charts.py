"""Small SVG charts written by hand: no JavaScript, no CDN, readable in a PDF.

Each function returns a complete `<svg>` element as a string; every label is
XML-escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from xml.sax.saxutils import escape

# Colour-blind-safe (Okabe–Ito), in tier order: recognised, probable, possible.
PALETTE = ("#0072B2", "#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#D55E00", "#F0E442")
FONT = "font-family:Helvetica,Arial,sans-serif"


def _nice_max(value: float) -> int:
    if value <= 5:
        return 5
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = step * magnitude
        if top >= value:
            return int(top)
    return int(10 * magnitude)


def stacked_bars(
    categories: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    title: str,
    y_label: str = "children",
    width: int = 680,
    height: int = 280,
) -> str:
    """Vertical bars, one per category, stacked by series (e.g. years × tiers)."""
    left, right, top, bottom = 48, 12, 34, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(values[i] for values in series.values()) for i in range(len(categories))]
    y_max = _nice_max(max(totals, default=0))
    parts = _header(width, height, title)
    for tick in range(5):
        value = y_max * tick / 4
        y = top + plot_h - plot_h * tick / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{value:g}</text>'
        )
    parts.append(
        f'<text x="12" y="{top + plot_h / 2:.0f}" font-size="11" text-anchor="middle" '
        f'transform="rotate(-90 12 {top + plot_h / 2:.0f})">{escape(y_label)}</text>'
    )
    n = max(len(categories), 1)
    slot = plot_w / n
    bar = max(min(slot * 0.7, 48), 2)
    label_every = max(1, int(n / (plot_w / 34)) + 1)
    for i, category in enumerate(categories):
        x = left + slot * i + (slot - bar) / 2
        base: float = top + plot_h
        for (name, values), colour in zip(series.items(), PALETTE, strict=False):
            h = plot_h * values[i] / y_max if y_max else 0
            if h > 0:
                base -= h
                parts.append(
                    f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                    f'fill="{colour}"><title>{escape(str(category))} {escape(name)}: '
                    f"{values[i]:g}</title></rect>"
                )
        if i % label_every == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 15}" font-size="11" '
                f'text-anchor="middle">{escape(str(category))}</text>'
            )
    parts.append(_legend(list(series), left, height - 12))
    parts.append("</svg>")
    return "".join(parts)


def horizontal_bars(
    labels: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    title: str,
    width: int = 680,
) -> str:
    """Horizontal bars, one group per label, one bar per series (e.g. agencies × measures)."""
    left, right, top = 170, 40, 34
    row = 14 * max(len(series), 1) + 10
    height = top + row * max(len(labels), 1) + 10 + 16 * len(series)
    plot_w = width - left - right
    x_max = _nice_max(max((v for values in series.values() for v in values), default=0))
    parts = _header(width, height, title)
    for i, label in enumerate(labels):
        y0 = top + row * i
        parts.append(
            f'<text x="{left - 8}" y="{y0 + row / 2 + 2:.1f}" font-size="11" text-anchor="end">'
            f"{escape(str(label))}</text>"
        )
        for j, ((name, values), colour) in enumerate(zip(series.items(), PALETTE, strict=False)):
            w = plot_w * values[i] / x_max if x_max else 0
            y = y0 + 4 + 14 * j
            parts.append(
                f'<rect x="{left}" y="{y}" width="{w:.1f}" height="11" fill="{colour}">'
                f"<title>{escape(str(label))} {escape(name)}: {values[i]:g}</title></rect>"
            )
            if values[i]:
                parts.append(
                    f'<text x="{left + w + 4:.1f}" y="{y + 9}" font-size="10">{values[i]:g}</text>'
                )
    parts.append(_legend(list(series), left, height - 16 * len(series) + 10, stacked=True))
    parts.append("</svg>")
    return "".join(parts)


def _header(width: int, height: int, title: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" style="{FONT}">',
        f"<title>{escape(title)}</title>",
        f'<text x="4" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]


def _legend(names: list[str], x: float, y: float, *, stacked: bool = False) -> str:
    """A key to the colours: in a row, or one name per line when `stacked`."""
    parts = []
    for name, colour in zip(names, PALETTE, strict=False):
        parts.append(f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14:.1f}" y="{y:.1f}" font-size="11">{escape(name)}</text>')
        if stacked:
            y += 16
        else:
            x += 22 + 6.5 * len(name)
    return "".join(parts)
