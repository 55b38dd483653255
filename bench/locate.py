"""Point location, side by side: gridgov vs geopandas ``sjoin`` and shapely ``STRtree.query`` on
the same seeded data in the same run (the bar: at least 5x geopandas, identical results).

    .venv/bin/python bench/locate.py [--grids 20000] [--points 1000000] [--no-dense]

Data: ``--grids`` Voronoi cells of seeded uniform sites, clipped to a 0.25° × 0.2° city box
(lon 116.20-116.45, lat 39.80-40.00: cells of about 2.3·10^4 m², like unit grids), and
``--points`` uniform random points in the box. Then the same cells densified with
``shapely.segmentize`` to about 47 vertices each (unless ``--no-dense``).

Timed (best of ``--repeat``):

* gridgov ``GridMap.from_geojson`` (parse, validate, index) and ``locate_index`` on the float64
  arrays, with every core (``threads=0``) and with one thread (``threads=1``);
* ``geopandas.sjoin(points, grids, predicate="within")`` on prebuilt GeoDataFrames, its spatial
  index built inside the call (making the point geometries from the arrays,
  ``gpd.points_from_xy``, is timed apart and *not* charged to geopandas in the ratio);
* shapely ``STRtree(polys)`` and ``tree.query(points, predicate="within")``.

Every tool's assignment is compared point by point with gridgov's; the run fails on any
mismatch (points that fall in no polygon for both tools do not count: with cells covering the box
there are none). Prints markdown tables of points/s and ratios against geopandas.

Then real boundaries (issue 15; ``--no-real`` skips them, ``--real-points`` sets the count,
200,000 by default): 16 polygons of 10^3, 10^4 and 10^5 vertices each (seeded jittered circles
and fractal coastlines on a 4 × 4 layout), and the hand-drawn districts of
``tests/fixtures/boundaries/districts.geojson`` (a river town: shared river bank, a lake with an
island district, a multipolygon) with every edge subdivided by seeded fractal midpoint
displacement (the same on both sides of a shared edge) to about 10^3 and 10^4 vertices per
district. Timed: gridgov loading the GeoJSON (parse, validate, index), ``locate_index`` on one
thread and on all; geopandas ``sjoin``; shapely's prepared ``contains_xy`` per polygon on the
points inside its box.
"""

from __future__ import annotations

import os
import sys

# bench/ holds calendar.py, named like the standard library's `calendar` that pandas imports:
# run as a script, this folder must not shadow the standard library.
if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]

import argparse  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import shapely  # noqa: E402

import gridgov  # noqa: E402

SEED = 20250505
BOX = (116.20, 39.80, 116.45, 40.00)


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Fastest wall time of `repeat` runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def cells(n: int) -> np.ndarray:
    """n seeded Voronoi cells clipped to BOX (shapely polygons, in site order)."""
    rng = np.random.default_rng(SEED)
    x0, y0, x1, y1 = BOX
    sites = shapely.points(rng.uniform(x0, x1, n), rng.uniform(y0, y1, n))
    box = shapely.box(*BOX)
    regions = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(sites), extend_to=box))
    polys = shapely.intersection(regions, box)
    # One cell per site, clipped cells are single polygons; keep only non-empty polygons.
    keep = (shapely.get_type_id(polys) == 3) & ~shapely.is_empty(polys)
    return polys[keep]


def codes(n: int) -> list[str]:
    """15-digit unit-grid codes (6 + 3 + 3 + 3 digits), ascending with the polygon index."""
    return [f"379901001{i // 999 + 1:03d}{i % 999 + 1:03d}" for i in range(n)]


def feature_collection(polys: np.ndarray, grid_codes: list[str]) -> str:
    geoms = shapely.to_geojson(polys)
    feats = ",".join(
        f'{{"type":"Feature","properties":{{"code":"{c}"}},"geometry":{g}}}' for c, g in zip(grid_codes, geoms)
    )
    return '{"type":"FeatureCollection","features":[' + feats + "]}"


def mismatches(expected: np.ndarray, got: np.ndarray) -> int:
    """Points whose polygon index differs (-1: none; both none does not count)."""
    return int(np.count_nonzero((expected != got) & ~((expected < 0) & (got < 0))))


def run(polys: np.ndarray, x: np.ndarray, y: np.ndarray, repeat: int) -> list[tuple[str, float, float, int]]:
    """Rows (tool, build s, locate s, mismatches vs gridgov)."""
    n_poly, n_pts = len(polys), len(x)
    grid_codes = codes(n_poly)
    text = feature_collection(polys, grid_codes)
    rows: list[tuple[str, float, float, int]] = []

    t_build, gm = best_of(lambda: gridgov.GridMap.from_geojson(text), repeat)
    # gridgov indices are positions in sorted codes; map them back to polygon indices.
    pos = {c: i for i, c in enumerate(grid_codes)}
    order = np.fromiter((pos[c] for c in gm.codes), dtype=np.int64, count=len(gm))
    order = np.append(order, -1)  # index -1 -> -1

    t_all, idx = best_of(lambda: gm.locate_index(x, y, threads=0), repeat)
    ours = order[idx]
    t_one, idx1 = best_of(lambda: gm.locate_index(x, y, threads=1), repeat)
    rows.append((f"gridgov `locate_index` ({os.cpu_count()} threads)", t_build, t_all, 0))
    rows.append(("gridgov `locate_index` (1 thread)", t_build, t_one, mismatches(ours, order[idx1])))

    t_pts, pts = best_of(lambda: gpd.points_from_xy(x, y, crs="EPSG:4326"), 1)
    points = gpd.GeoDataFrame(geometry=pts)
    grids = gpd.GeoDataFrame({"code": grid_codes}, geometry=polys, crs="EPSG:4326")
    t_sj, joined = best_of(lambda: gpd.sjoin(points, grids, how="left", predicate="within"), repeat)
    right = joined["index_right"]
    theirs = np.full(n_pts, -1, dtype=np.int64)
    hit = right.notna().to_numpy()
    theirs[joined.index.to_numpy()[hit]] = right.to_numpy()[hit].astype(np.int64)
    duplicates = len(joined) - n_pts  # a point within two polygons would appear twice
    rows.append(("geopandas `sjoin(predicate=\"within\")`", 0.0, t_sj, mismatches(ours, theirs) + duplicates))

    geoms = np.asarray(pts, dtype=object)
    t_tree, tree = best_of(lambda: shapely.STRtree(polys), repeat)
    t_q, pairs = best_of(lambda: tree.query(geoms, predicate="within"), repeat)
    theirs = np.full(n_pts, -1, dtype=np.int64)
    theirs[pairs[0]] = pairs[1]
    rows.append(("shapely `STRtree.query(predicate=\"within\")`", t_tree, t_q, mismatches(ours, theirs)))
    rows.append(("(making the points: `gpd.points_from_xy`)", 0.0, t_pts, 0))
    return rows


def table(title: str, rows: list[tuple[str, float, float, int]], n_pts: int) -> int:
    sj = next(t for name, _, t, _ in rows if name.startswith("geopandas"))
    print(f"### {title}\n")
    print(f"| tool | build | locate {n_pts:,} points | points/s | vs geopandas | mismatches |")
    print("|---|---:|---:|---:|---:|---:|")
    bad = 0
    for name, build, secs, miss in rows:
        rate = n_pts / secs
        b = f"{build * 1e3:.1f} ms" if build else "–"
        if name.startswith("("):  # not a locator: no ratio, nothing to compare
            print(f"| {name} | {b} | {secs:.3f} s | {rate / 1e6:.2f} M | – | – |")
            continue
        print(f"| {name} | {b} | {secs:.3f} s | {rate / 1e6:.2f} M | {sj / secs:.2f}× | {miss} |")
        bad += miss
    print()
    return bad


# -- real boundaries (issue 15) -------------------------------------------------------------

REAL_BOX = (116.20, 39.80, 116.40, 40.00)
FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "boundaries",
                       "districts.geojson")


def star_ring(cx: float, cy: float, radius: np.ndarray) -> list[list[float]]:
    """A closed counter-clockwise ring with the given radius at evenly spaced angles."""
    t = np.linspace(0.0, 2 * np.pi, len(radius), endpoint=False)
    ring = np.column_stack([cx + radius * np.cos(t), cy + radius * np.sin(t)]).tolist()
    return ring + [ring[0]]


def jittered_circle(cx: float, cy: float, r: float, n: int, rng: np.random.Generator) -> list[list[float]]:
    """A circle whose radius is jittered by up to half the spacing of its vertices (a
    digitised outline, not a sea urchin)."""
    return star_ring(cx, cy, r * (1.0 + min(0.01, np.pi / n) * rng.uniform(-1, 1, n)))


def coastline(cx: float, cy: float, r: float, n: int, rng: np.random.Generator) -> list[list[float]]:
    """A star-shaped ring whose radius is a periodic fractal (midpoint displacement, roughness
    0.55) between 0.35 r and 1.65 r: jagged at every scale."""
    size = 1 << max(2, int(np.ceil(np.log2(n))))
    radius = np.zeros(size)
    step, amplitude = size, 0.5
    while step > 1:
        half = step // 2
        starts = np.arange(0, size, step)
        radius[starts + half] = (radius[starts] + radius[(starts + step) % size]) / 2 + amplitude * rng.uniform(
            -1, 1, len(starts))
        amplitude *= 0.55
        step = half
    radius = radius[(np.arange(n) * size) // n]
    radius = 0.35 + 1.3 * (radius - radius.min()) / (radius.max() - radius.min())
    return star_ring(cx, cy, r * radius)


def layout(kind: str, n: int, seed: int) -> list[tuple[str, list[list[list[list[float]]]]]]:
    """16 polygons of n vertices on a 4 × 4 layout over REAL_BOX (radius ≤ 0.4 of the spacing)."""
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = REAL_BOX
    dx, dy = (x1 - x0) / 4, (y1 - y0) / 4
    make = jittered_circle if kind == "circle" else coastline
    r = 0.4 * min(dx, dy) / (1.65 if kind == "coastline" else 1.01)
    return [(f"{kind}{i:02d}", [[make(x0 + (i % 4 + 0.5) * dx, y0 + (i // 4 + 0.5) * dy, r, n, rng)]])
            for i in range(16)]


def detailed_districts(levels: int, seed: int) -> list[tuple[str, list[list[list[list[float]]]]]]:
    """The hand-drawn districts with every edge subdivided `levels` times by midpoint
    displacement (up to 8 % of the edge, halving each level), seeded per edge so that both
    sides of a shared edge get the same vertices."""
    import json

    with open(FIXTURE, encoding="utf-8") as f:
        doc = json.load(f)
    cache: dict[tuple[tuple[float, float], tuple[float, float]], list[list[float]]] = {}

    def edge(a: tuple[float, float], b: tuple[float, float]) -> list[list[float]]:
        key = (a, b) if a <= b else (b, a)
        if key not in cache:
            rng = np.random.default_rng([seed, abs(hash(key)) % (1 << 32)])
            pts = np.array(key)
            amplitude = 0.08
            for _ in range(levels):
                mid = (pts[:-1] + pts[1:]) / 2
                d = pts[1:] - pts[:-1]
                normal = np.column_stack([-d[:, 1], d[:, 0]])
                mid += normal * amplitude * rng.uniform(-1, 1, (len(mid), 1))
                out = np.empty((len(pts) + len(mid), 2))
                out[0::2], out[1::2] = pts, mid
                pts, amplitude = out, amplitude / 2
            cache[key] = pts.tolist()
        pts = cache[key]
        return pts if (a, b) == key else pts[::-1]

    def ring(r: list[list[float]]) -> list[list[float]]:
        out: list[list[float]] = []
        for a, b in zip(r[:-1], r[1:]):
            out.extend(edge((a[0], a[1]), (b[0], b[1]))[:-1])
        return out + [out[0]]

    result = []
    for f in doc["features"]:
        g = f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        result.append((f["properties"]["code"], [[ring(r) for r in p] for p in polys]))
    return result


def real_run(grids: list[tuple[str, list[list[list[list[float]]]]]], n_pts: int, repeat: int,
             seed: int) -> tuple[list[tuple[str, float, float, int]], int]:
    """Rows (tool, build s, locate s, mismatches) for polygons given as (code, polygons)."""
    import json

    grids = sorted(grids)
    text = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": c},
         "geometry": {"type": "MultiPolygon", "coordinates": p}} for c, p in grids]})
    polys = np.array([shapely.MultiPolygon([shapely.Polygon(p[0], p[1:]) for p in ps]) if len(ps) > 1
                      else shapely.Polygon(ps[0][0], ps[0][1:]) for _, ps in grids], dtype=object)
    vertices = int(shapely.get_num_coordinates(polys).sum())
    x0, y0, x1, y1 = shapely.total_bounds(polys)
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(x0, x1, n_pts), rng.uniform(y0, y1, n_pts)
    rows: list[tuple[str, float, float, int]] = []
    t_build, gm = best_of(lambda: gridgov.GridMap.from_geojson(text), repeat)
    assert gm.codes == [c for c, _ in grids]
    t_all, ours = best_of(lambda: gm.locate_index(x, y, threads=0), repeat)
    t_one, one = best_of(lambda: gm.locate_index(x, y, threads=1), repeat)
    rows.append((f"gridgov `locate_index` ({os.cpu_count()} threads)", t_build, t_all, 0))
    rows.append(("gridgov `locate_index` (1 thread)", t_build, t_one, mismatches(ours, one)))
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y, crs="EPSG:4326"))
    frame = gpd.GeoDataFrame({"code": [c for c, _ in grids]}, geometry=polys, crs="EPSG:4326")
    t_sj, joined = best_of(lambda: gpd.sjoin(points, frame, how="left", predicate="within"), repeat)
    right = joined["index_right"]
    theirs = np.full(n_pts, -1, dtype=np.int64)
    hit = right.notna().to_numpy()
    theirs[joined.index.to_numpy()[hit]] = right.to_numpy()[hit].astype(np.int64)
    rows.append(("geopandas `sjoin(predicate=\"within\")`", 0.0, t_sj,
                 mismatches(ours, theirs) + len(joined) - n_pts))

    def prepared() -> np.ndarray:
        out = np.full(n_pts, -1, dtype=np.int64)
        for i, poly in enumerate(polys):
            shapely.prepare(poly)
            bx0, by0, bx1, by1 = poly.bounds
            inside = np.flatnonzero((x >= bx0) & (x <= bx1) & (y >= by0) & (y <= by1))
            out[inside[shapely.contains_xy(poly, x[inside], y[inside])]] = i
        return out

    def unprepared() -> None:
        for poly in polys:
            shapely.destroy_prepared(poly)

    unprepared()
    t_prep, theirs = best_of(lambda: (unprepared(), prepared())[1], repeat)
    rows.append(("shapely prepared `contains_xy` (per polygon, points in its box)", 0.0, t_prep,
                 mismatches(ours, theirs)))
    return rows, vertices


def real_boundaries(n_pts: int, repeat: int) -> int:
    print(f"## Real boundaries: {n_pts:,} random points into detailed polygons\n")
    cases: list[tuple[str, list[tuple[str, list[list[list[list[float]]]]]]]] = []
    for n in (1_000, 10_000, 100_000):
        for kind in ("circle", "coastline"):
            cases.append((f"16 {kind}s of {n:,} vertices", layout(kind, n, SEED + n)))
    for levels in (6, 9):
        cases.append((f"hand-drawn districts, edges subdivided {levels} times", detailed_districts(levels, SEED)))
    bad = 0
    summary = []
    for title, grids in cases:
        rows, vertices = real_run(grids, n_pts, repeat, SEED + 2)
        bad += table(f"{title} ({vertices:,} vertices in all)", rows, n_pts)
        sj = next(t for name, _, t, _ in rows if name.startswith("geopandas"))
        summary.append((title, vertices, rows[0][1], sj / rows[0][2], sj / rows[1][2]))
    print("| case | vertices | gridgov load + validate + index | vs geopandas (all threads) | (1 thread) |")
    print("|---|---:|---:|---:|---:|")
    for title, vertices, build, ratio_all, ratio_one in summary:
        print(f"| {title} | {vertices:,} | {build:.3f} s | {ratio_all:.1f}× | {ratio_one:.1f}× |")
    print()
    return bad


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--grids", type=int, default=20_000, help="Voronoi cells (default 2·10^4)")
    parser.add_argument("--points", type=int, default=1_000_000, help="random points (default 10^6)")
    parser.add_argument("--repeat", type=int, default=3, help="best of (default 3)")
    parser.add_argument("--no-dense", action="store_true", help="skip the densified (47-vertex) variant")
    parser.add_argument("--no-real", action="store_true", help="skip the real-boundary cases (issue 15)")
    parser.add_argument("--no-voronoi", action="store_true", help="only the real-boundary cases")
    parser.add_argument("--real-points", type=int, default=200_000, help="points for the real-boundary cases")
    args = parser.parse_args()

    polys = cells(args.grids)
    rng = np.random.default_rng(SEED + 1)
    x0, y0, x1, y1 = BOX
    x = rng.uniform(x0, x1, args.points)
    y = rng.uniform(y0, y1, args.points)

    print(f"## Point location: {args.points:,} random points into {len(polys):,} Voronoi grids "
          f"(0.25° × 0.2° box)\n")
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"NumPy {np.__version__}, shapely {shapely.__version__} (GEOS {shapely.geos_version_string}), "
          f"geopandas {gpd.__version__}, gridgov {gridgov.__version__}\n")

    variants = [("plain", polys)]
    if not args.no_dense:
        # Segment length chosen so that cells average about 47 vertices (the densified case of
        # published peer measurements).
        mean_vertices = shapely.get_num_coordinates(polys).mean() - 1
        seg = float(shapely.length(polys).mean()) / (47 - mean_vertices / 2)
        variants.append(("densified", shapely.segmentize(polys, seg)))

    bad = 0
    if args.no_voronoi:
        variants = []
    for label, ps in variants:
        vertices = shapely.get_num_coordinates(ps).mean() - 1  # closing vertex not counted
        rows = run(ps, x, y, args.repeat)
        bad += table(f"{len(ps):,} grids, {vertices:.1f} vertices on average ({label})", rows, args.points)
    if not args.no_real:
        bad += real_boundaries(args.real_points, args.repeat)
    if bad:
        raise SystemExit(f"{bad} assignments differ from gridgov's")
    print("Assignments identical for every tool (0 mismatches).")


if __name__ == "__main__":
    main()
