"""Build the map of the Parties (evaluation/data/party_shapes.json) from Natural Earth's country
shapes as the npm package `world-atlas` ships them (TopoJSON, 1:50m):

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python manage.py build_party_map --source package/countries-50m.json

The file it writes is committed, so that the portal needs nothing but Python to draw the map; this
command is only for making it again (another scale, another window, a later edition). Natural Earth
is in the public domain; world-atlas (ISC licence) is its redistribution as TopoJSON, here Natural
Earth 4.1.0.

What it does, in order:
- decodes the TopoJSON (quantized, delta-encoded arcs) into longitude/latitude rings;
- names each country by its ISO 3166-1 alpha-2 code (the Parties' codes) from the numeric code
  world-atlas carries (ISO_NUMERIC below); Kosovo has none there and is taken by its name (XK);
- draws the borders as at the adoption of the 2012-2016 plan (November 2011): Natural Earth's
  "N. Cyprus" is drawn as part of Cyprus, and the Crimean peninsula, which that edition places in
  the Russian Federation, as part of Ukraine;
- projects onto a Lambert azimuthal equal-area for Europe and Central Asia (PROJECTION), clips to the
  window that holds the Parties' territory (WINDOW), simplifies each ring to a fraction of a pixel
  (Douglas-Peucker) and writes each country as one SVG path; the land of the whole window is written
  as a background path, and countries too small to see at this scale get a dot (`dots`).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

OUTPUT = Path(__file__).resolve().parents[2] / "data" / "party_shapes.json"

# ISO 3166-1 numeric -> alpha-2, for the countries of Europe, the Caucasus, Central Asia and their
# neighbours inside the window.
ISO_NUMERIC = {
    "008": "AL",
    "020": "AD",
    "040": "AT",
    "031": "AZ",
    "051": "AM",
    "056": "BE",
    "070": "BA",
    "100": "BG",
    "112": "BY",
    "191": "HR",
    "196": "CY",
    "203": "CZ",
    "208": "DK",
    "233": "EE",
    "234": "FO",
    "246": "FI",
    "250": "FR",
    "268": "GE",
    "276": "DE",
    "292": "GI",
    "300": "GR",
    "336": "VA",
    "348": "HU",
    "352": "IS",
    "372": "IE",
    "380": "IT",
    "398": "KZ",
    "417": "KG",
    "428": "LV",
    "438": "LI",
    "440": "LT",
    "442": "LU",
    "470": "MT",
    "492": "MC",
    "498": "MD",
    "499": "ME",
    "528": "NL",
    "578": "NO",
    "616": "PL",
    "620": "PT",
    "642": "RO",
    "643": "RU",
    "674": "SM",
    "688": "RS",
    "703": "SK",
    "705": "SI",
    "724": "ES",
    "752": "SE",
    "756": "CH",
    "762": "TJ",
    "792": "TR",
    "795": "TM",
    "804": "UA",
    "807": "MK",
    "826": "GB",
    "831": "GG",
    "832": "JE",
    "833": "IM",
    "860": "UZ",
    "004": "AF",
    "364": "IR",
    "368": "IQ",
    "760": "SY",
    "422": "LB",
    "376": "IL",
    "400": "JO",
    "818": "EG",
    "434": "LY",
    "788": "TN",
    "012": "DZ",
    "504": "MA",
    "156": "CN",
    "496": "MN",
    "586": "PK",
    "356": "IN",
    "682": "SA",
    "275": "PS",
}
BY_NAME = {"Kosovo": "XK"}
# borders as at the plan's adoption: (the country Natural Earth names, the part, where it goes)
MERGED = {"N. Cyprus": "CY"}
MOVED = [("RU", (34.1, 45.0), "UA")]  # the polygon holding Simferopol

# Lambert azimuthal equal-area, centred between the Atlantic and Central Asia (degrees)
PROJECTION = {"lon0": 35.0, "lat0": 52.0}
# lon/lat box of the Parties' territory that the map frames (north: Norway's North Cape)
WINDOW = {"west": -25.0, "east": 88.0, "south": 34.0, "north": 71.5}
WIDTH = 1000.0
TOLERANCE = 0.6  # simplification, in pixels of the 1000-pixel-wide map
DOT_BELOW = 7.0  # a country whose shape is narrower and lower than this (pixels) gets a dot


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_points(arcs, ids) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for i in ids:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        out.extend(points if not out else points[1:])
    return out


def polygons(arcs, geometry: dict) -> list[list[list[tuple[float, float]]]]:
    if geometry["type"] == "Polygon":
        parts = [geometry["arcs"]]
    elif geometry["type"] == "MultiPolygon":
        parts = geometry["arcs"]
    else:
        return []
    return [[ring_points(arcs, ring) for ring in part] for part in parts]


def unwrap(ring):
    """Longitudes made continuous: a ring cut at the antimeridian (a step from 180 to -180) goes on
    past 180 instead of running back round the globe along a parallel."""
    out, shift = [], 0.0
    for i, (lon, lat) in enumerate(ring):
        if i:
            step = lon + shift - out[-1][0]
            if step > 180:
                shift -= 360
            elif step < -180:
                shift += 360
        out.append((lon + shift, lat))
    return out


def contains(point, ring) -> bool:
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def clip(ring, lo_x, lo_y, hi_x, hi_y):
    """Sutherland-Hodgman against an axis-aligned box: the part of a ring inside it."""
    edges = [
        (lambda p: p[0] >= lo_x, lambda a, b: _cut_x(a, b, lo_x)),
        (lambda p: p[0] <= hi_x, lambda a, b: _cut_x(a, b, hi_x)),
        (lambda p: p[1] >= lo_y, lambda a, b: _cut_y(a, b, lo_y)),
        (lambda p: p[1] <= hi_y, lambda a, b: _cut_y(a, b, hi_y)),
    ]
    points = ring
    for inside, cut in edges:
        if not points:
            break
        out = []
        prev = points[-1]
        for cur in points:
            if inside(cur):
                if not inside(prev):
                    out.append(cut(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cut(prev, cur))
            prev = cur
        points = out
    return points


def _cut_x(a, b, x):
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _cut_y(a, b, y):
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


class LambertAzimuthal:
    """Lambert azimuthal equal-area on the sphere, centred on (lon0, lat0): areas are true, and
    nothing within 90 degrees of the centre is cut or wrapped."""

    def __init__(self, lon0, lat0):
        self.lon0, self.lat0 = math.radians(lon0), math.radians(lat0)

    def __call__(self, point):
        lon, lat = math.radians(point[0]) - self.lon0, math.radians(point[1])
        s0, c0 = math.sin(self.lat0), math.cos(self.lat0)
        k = math.sqrt(2 / (1 + s0 * math.sin(lat) + c0 * math.cos(lat) * math.cos(lon)))
        x = k * math.cos(lat) * math.sin(lon)
        y = k * (c0 * math.sin(lat) - s0 * math.cos(lat) * math.cos(lon))
        return (x, -y)  # y grows downwards


def simplify(points, tolerance):
    """Douglas-Peucker on an open polyline (iterative, so long coasts do not recurse deeply)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        worst, index = 0.0, None
        for i in range(first + 1, last):
            px, py = points[i]
            if length:
                d = abs(dy * px - dx * py + bx * ay - by * ax) / length
            else:
                d = math.hypot(px - ax, py - ay)
            if d > worst:
                worst, index = d, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def simplify_ring(ring, tolerance):
    if len(ring) < 4:
        return ring
    # split the closed ring at its farthest point from the first, so both halves keep their ends
    far = max(range(len(ring)), key=lambda i: (ring[i][0] - ring[0][0]) ** 2 + (ring[i][1] - ring[0][1]) ** 2)
    return simplify(ring[: far + 1], tolerance)[:-1] + simplify(ring[far:] + [ring[0]], tolerance)[:-1]


def densify(ring, step: float = 1.0):
    """Points every `step` degrees along long edges (the clip's), so they bend with the projection."""
    out = []
    for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
        n = int(max(abs(b[0] - a[0]), abs(b[1] - a[1])) / step)
        out.append(a)
        out += [
            (a[0] + (b[0] - a[0]) * k / (n + 1), a[1] + (b[1] - a[1]) * k / (n + 1)) for k in range(1, n + 1)
        ]
    return out


def area(ring) -> float:
    return (
        abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True))) / 2
    )


def path_of(rings) -> str:
    return "".join(
        "M" + "L".join(f"{x:.1f} {y:.1f}".replace(".0 ", " ").replace(".0L", "L") for x, y in ring) + "Z"
        for ring in rings
    ).replace(".0Z", "Z")


class Command(BaseCommand):
    help = "Write evaluation/data/party_shapes.json from world-atlas's countries-50m.json (Natural Earth)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", required=True, help="countries-50m.json of the npm package world-atlas"
        )
        parser.add_argument("--output", default=str(OUTPUT))
        parser.add_argument("--edition", default="world-atlas 2.0.2 (Natural Earth 4.1.0, 1:50m)")

    def handle(self, *args, source: str, output: str, edition: str, **options):
        try:
            topo = json.loads(Path(source).read_text())
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {source}: {exc}") from exc
        arcs = decode_arcs(topo)
        countries: dict[str, list] = {}
        for g in topo["objects"]["countries"]["geometries"]:
            name = g.get("properties", {}).get("name", "")
            code = MERGED.get(name) or BY_NAME.get(name) or ISO_NUMERIC.get(str(g.get("id") or ""))
            if code:
                countries.setdefault(code, []).extend(polygons(arcs, g))
        for source_code, point, target in MOVED:
            part = [p for p in countries.get(source_code, []) if contains(point, p[0])]
            countries[source_code] = [p for p in countries.get(source_code, []) if p not in part]
            countries.setdefault(target, []).extend(part)
        land = [p for g in topo["objects"]["land"]["geometries"] for p in polygons(arcs, g)]

        project = LambertAzimuthal(**PROJECTION)
        w = WINDOW
        # coarse clip in degrees (nothing near the far side of the globe), then project
        coarse = (w["west"] - 20, w["south"] - 14, w["east"] + 37, 89.0)

        def projected(polys):
            rings = []
            for poly in polys:
                for ring in poly:
                    part = clip(unwrap(ring), *coarse)
                    if len(part) >= 3:
                        rings.append([project(p) for p in densify(part)])
            return rings

        framed = [
            project(p)
            for polys in countries.values()
            for poly in polys
            for p in poly[0]
            if w["west"] <= p[0] <= w["east"] and w["south"] <= p[1] <= w["north"]
        ]
        min_x, max_x = min(p[0] for p in framed), max(p[0] for p in framed)
        min_y, max_y = min(p[1] for p in framed), max(p[1] for p in framed)
        scale = (WIDTH - 20) / (max_x - min_x)
        height = round((max_y - min_y) * scale + 20)

        def scaled(rings):
            return [[((x - min_x) * scale + 10, (y - min_y) * scale + 10) for x, y in ring] for ring in rings]

        def to_view(rings):
            out = []
            for ring in rings:
                ring = clip(ring, 0, 0, WIDTH, height)
                ring = simplify_ring(ring, TOLERANCE) if len(ring) >= 3 else []
                if len(ring) >= 3:
                    out.append(ring)
            return out

        shapes, dots = {}, {}
        for code in sorted(countries):
            whole = scaled(projected(countries[code]))
            rings = to_view(whole)
            if not rings:
                continue
            biggest = max(rings, key=area)
            kept = [r for r in rings if area(r) >= 0.5 or r is biggest]
            shapes[code] = path_of(kept)
            # too small to see (judged on the whole shape, not on what the frame leaves of it)
            xs = [x for ring in whole for x, _y in ring]
            ys = [y for ring in whole for _x, y in ring]
            if max(xs) - min(xs) < DOT_BELOW and max(ys) - min(ys) < DOT_BELOW:
                dots[code] = [round((max(xs) + min(xs)) / 2, 1), round((max(ys) + min(ys)) / 2, 1)]
        land_rings = [r for r in to_view(scaled(projected(land))) if area(r) >= 1]
        data = {
            "source": edition,
            "licence": "Natural Earth: public domain; world-atlas: ISC",
            "command": "python manage.py build_party_map --source countries-50m.json",
            "borders": "as at November 2011: Northern Cyprus drawn with Cyprus, Crimea with Ukraine",
            "width": WIDTH,
            "height": height,
            "land": path_of(land_rings),
            "shapes": shapes,
            "dots": dots,
        }
        Path(output).write_text(json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n")
        size = Path(output).stat().st_size
        self.stdout.write(f"{output}: {len(shapes)} countries, {len(dots)} dots, {size // 1024} KiB")
