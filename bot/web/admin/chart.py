"""The weekly trend chart as inline SVG, drawn on the server (no script, no chart library).

The SVG has a title and a description for screen readers; the page also shows the numbers as a
table, so nobody depends on seeing the bars.
"""

from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 40
BAR = "#1f5fa8"  # 6.4:1 against white
INK = "#1b1b1b"
GRID = "#767676"


def _nice_max(value: int) -> int:
    """A round upper bound for the axis: 1, 2, 5, 10, 20, 50 …"""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if value <= step * factor:
                return step * factor
        step *= 10


def weekly_svg(weeks: list[dict], title: str = "Registrerte behov per uke") -> Markup:
    """`weeks` as from bot.gaps.queries.weekly: [{"week": "2024-W10", "start": "2024-03-04", "count": 3}, …]."""
    top = _nice_max(max((w["count"] for w in weeks), default=0) or 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(weeks), 1)
    label_every = max(1, round(len(weeks) / 12))
    total = sum(w["count"] for w in weeks)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="chart-title chart-desc" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{len(weeks)} uker, {total} behov til sammen. Tallene står i tabellen under.</desc>',
    ]
    for tick in (0, top // 2, top) if top > 1 else (0, top):
        y = TOP + plot_h - plot_h * tick / top
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}" stroke-width="0.5"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="{INK}">{tick}</text>'
        )
    for i, week in enumerate(weeks):
        height = plot_h * week["count"] / top
        x = LEFT + i * slot + slot * 0.15
        y = TOP + plot_h - height
        number = int(week["week"].split("-W")[1])
        start = date.fromisoformat(week["start"]).strftime("%d.%m.%Y")
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{height:.1f}" fill="{BAR}">'
            f"<title>Uke {number} (fra {start}): {week['count']}</title></rect>"
        )
        if i % label_every == 0:
            parts.append(
                f'<text x="{x + slot * 0.35:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" font-size="12" '
                f'fill="{INK}">{number}</text>'
            )
    parts.append(
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 6}" text-anchor="middle" font-size="12" fill="{INK}">Uke</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))
