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


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--grids", type=int, default=20_000, help="Voronoi cells (default 2·10^4)")
    parser.add_argument("--points", type=int, default=1_000_000, help="random points (default 10^6)")
    parser.add_argument("--repeat", type=int, default=3, help="best of (default 3)")
    parser.add_argument("--no-dense", action="store_true", help="skip the densified (47-vertex) variant")
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
    for label, ps in variants:
        vertices = shapely.get_num_coordinates(ps).mean() - 1  # closing vertex not counted
        rows = run(ps, x, y, args.repeat)
        bad += table(f"{len(ps):,} grids, {vertices:.1f} vertices on average ({label})", rows, args.points)
    if bad:
        raise SystemExit(f"{bad} assignments differ from gridgov's")
    print("Assignments identical for every tool (0 mismatches).")


if __name__ == "__main__":
    main()
