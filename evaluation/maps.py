"""The map of the Parties: Natural Earth's country shapes (evaluation/data/party_shapes.json, made by
`manage.py build_party_map` from the npm package world-atlas 2.0.2, Natural Earth 4.1.0 at 1:50m),
projected for Europe and Central Asia and drawn on the server as SVG, like the charts.

Each Party with a shape is one <path> with a <title> and an aria-label naming it, in the page's
language, with its figure; a Party too small to see at this scale also gets a dot. The page puts a
table with every Party beside the map (those without a shape too, noted), so the map is never the
only way to read the figures, and each colour step is named in a legend with its numbers.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SHAPES_FILE = Path(__file__).with_name("data") / "party_shapes.json"

# five steps of one blue (light to dark, as charts._shade)
STEPS = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]
NONE = "#ffffff"  # a Party with none: white, its border drawn, against the grey of other land
LAND = "#cbd5e1"
SEA = "#eef4fa"
BORDER = "#64748b"


@cache
def shapes() -> dict:
    """The shapes file, read once per process."""
    return json.loads(SHAPES_FILE.read_text())


def has_shape(code: str) -> bool:
    return code in shapes()["shapes"]


def is_dot(code: str) -> bool:
    return code in shapes()["dots"]


def scale(top: int) -> list[tuple[int, int, str]]:
    """The legend's steps: (lowest, highest, colour) covering 1..top, at most five."""
    if top <= 0:
        return []
    n = min(len(STEPS), top)
    bounds = [round(top * i / n) for i in range(n + 1)]
    steps = []
    for i in range(n):
        low, high = bounds[i] + 1, bounds[i + 1]
        if low <= high:
            steps.append((low, high, STEPS[round(i * (len(STEPS) - 1) / max(n - 1, 1))]))
    return steps


def fill(value: int, steps: list[tuple[int, int, str]]) -> str:
    for low, high, colour in steps:
        if low <= value <= high:
            return colour
    return NONE


def party_map(map_id: str, regions: list[dict], title: str, desc: str) -> SafeString:
    """The SVG: `regions` are dicts with `code`, `label` (the words of the title) and `value`."""
    data = shapes()
    width, height = data["width"], data["height"]
    steps = scale(max((r["value"] for r in regions), default=0))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" role="group" '
        f'aria-labelledby="{map_id}-t {map_id}-d" class="party-map" id="{map_id}">'
        f'<title id="{map_id}-t">{escape(title)}</title><desc id="{map_id}-d">{escape(desc)}</desc>'
        f'<rect width="{width:g}" height="{height:g}" fill="{SEA}"/>'
        f'<path d="{data["land"]}" fill="{LAND}" aria-hidden="true"/>'
    ]
    dots = []
    for r in regions:
        d = data["shapes"].get(r["code"])
        if d is None:
            continue
        label = escape(r["label"])
        colour = fill(r["value"], steps)
        out.append(
            f'<path d="{d}" fill="{colour}" stroke="{BORDER}" stroke-width="0.5" role="img" '
            f'aria-label="{label}" data-party="{escape(r["code"])}"><title>{label}</title></path>'
        )
        if r["code"] in data["dots"]:
            x, y = data["dots"][r["code"]]
            dots.append(
                f'<circle cx="{x}" cy="{y}" r="4.5" fill="{colour}" stroke="#111827" stroke-width="1" '
                f'aria-hidden="true"><title>{label}</title></circle>'
            )
    out += dots  # above every shape, so that a small Party is not hidden by its neighbours
    out.append("</svg>")
    return mark_safe("".join(out))
