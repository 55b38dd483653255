"""Issue 15 from Python: ``crs=`` on the GridMap builders (GeoJSON text, dict, path,
GeoDataFrame) for boundaries digitised on GCJ-02 or BD-09 tiles, and detailed polygons (the
polygon index) located exactly as shapely does."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely

import gridgov

SQUARE = [[116.000, 39.900], [116.002, 39.900], [116.002, 39.902], [116.000, 39.902], [116.000, 39.900]]
INSIDE = (116.001, 39.901)


def shifted(crs: str) -> dict[str, Any]:
    """The WGS-84 square written in ``crs`` (a one-grid FeatureCollection)."""
    x, y = gridgov.convert(np.array([p[0] for p in SQUARE]), np.array([p[1] for p in SQUARE]), "wgs84", crs)
    ring = [[float(a), float(b)] for a, b in zip(x, y)]
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": "A"}, "geometry": {"type": "Polygon", "coordinates": [ring]}}
        ],
    }


@pytest.mark.parametrize("crs", ["gcj02", "bd09", "GCJ-02"])
def test_from_geojson_converts_every_source(crs: str, tmp_path: Path) -> None:
    doc = shifted(crs.lower().replace("-", ""))
    path = tmp_path / "grids.geojson"
    path.write_text(json.dumps(doc))
    for source in (doc, json.dumps(doc), json.dumps(doc).encode(), path, str(path)):
        gm = gridgov.GridMap.from_geojson(source, crs=crs)  # type: ignore[arg-type]
        assert gm.locate(*INSIDE) == "A"
        assert gm.locate(115.9995, 39.901) is None and gm.locate(116.0025, 39.901) is None
        # stored in WGS-84: the corners come back to within a nanodegree
        ring = gm.__geo_interface__["features"][0]["geometry"]["coordinates"][0]
        assert all(math.isclose(a, b, abs_tol=1e-9) for p, q in zip(ring, SQUARE) for a, b in zip(p, q))
    # Read as WGS-84 by mistake, the square is hundreds of metres off.
    assert gridgov.GridMap.from_geojson(doc).locate(*INSIDE) is None


def test_crs_errors() -> None:
    doc = shifted("gcj02")
    with pytest.raises(gridgov.ValidationError, match="utm50n"):
        gridgov.GridMap.from_geojson(doc, crs="utm50n")
    with pytest.raises(TypeError, match="crs"):
        gridgov.GridMap.from_geojson(doc, crs=4326)  # type: ignore[arg-type]
    with pytest.raises(gridgov.GridgovIOError, match="nonexistent"):
        gridgov.GridMap.from_geojson("/nonexistent/grids.geojson", crs="bd09")


def test_from_geodataframe_with_crs() -> None:
    import geopandas as gpd

    for crs in ("gcj02", "bd09"):
        doc = shifted(crs)
        for frame_crs in ("EPSG:4326", None, "EPSG:4490"):
            gdf = gpd.GeoDataFrame.from_features(doc["features"], crs=frame_crs)
            gm = gridgov.GridMap.from_geodataframe(gdf, crs=crs)
            assert gm.locate(*INSIDE) == "A", (crs, frame_crs)
        # Without crs=, the frame is taken as WGS-84.
        assert gridgov.GridMap.from_geodataframe(gdf).locate(*INSIDE) is None
        # A projected frame cannot be "in GCJ-02".
        with pytest.raises(gridgov.ValidationError, match="EPSG:3857"):
            gridgov.GridMap.from_geodataframe(gdf.set_crs("EPSG:4326", allow_override=True).to_crs(3857), crs=crs)
    with pytest.raises(TypeError, match="crs"):
        gridgov.GridMap.from_geodataframe(gdf, crs=2)  # type: ignore[arg-type]


def coastline(n: int, seed: int) -> list[list[float]]:
    """A star-shaped ring of n vertices with a rough radius (seeded)."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    r = 0.05 * (1.0 + 0.3 * np.cumsum(rng.uniform(-1, 1, n)) / np.sqrt(n))
    r = np.clip(r, 0.02, None)
    ring = [[116.3 + float(a) * math.cos(b), 39.9 + float(a) * math.sin(b)] for a, b in zip(r, t)]
    return ring + [ring[0]]


@pytest.mark.parametrize("n", [100, 5_000, 50_000])
def test_detailed_polygons_agree_with_shapely(n: int) -> None:
    outer = coastline(n, n)
    hole = [[116.3 + 0.005 * math.cos(a), 39.9 + 0.005 * math.sin(a)] for a in np.linspace(0, 2 * np.pi, 200)][:-1]
    hole = hole[::-1] + [hole[-1]]
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": "A"},
                "geometry": {"type": "Polygon", "coordinates": [outer, hole]},
            }
        ],
    }
    gm = gridgov.GridMap.from_geojson(doc)
    poly = shapely.Polygon(outer, [hole])
    rng = np.random.default_rng(n)
    x0, y0, x1, y1 = poly.bounds
    x, y = rng.uniform(x0, x1, 100_000), rng.uniform(y0, y1, 100_000)
    got = gm.locate_index(x, y)
    expected = np.where(shapely.intersects_xy(poly, x, y), 0, -1)
    assert (got == expected).all()
    # every vertex is on the boundary: in the grid
    vx = np.array([p[0] for p in outer + hole])
    vy = np.array([p[1] for p in outer + hole])
    assert (gm.locate_index(vx, vy) == 0).all()


def test_hand_drawn_districts_agree_with_shapely() -> None:
    """The hand-drawn river town (shared river bank, a lake whose island is a district, a
    multipolygon) located as shapely's rule has it: smallest code among the closed polygons."""
    from shapely.geometry import shape

    from conftest import fixture_path

    gm = gridgov.GridMap.from_geojson(fixture_path("boundaries/districts.geojson"))
    assert gm.version == "hand-drawn 2026-12" and len(gm) == 4
    polys = np.array([shape(f["geometry"]) for f in gm.__geo_interface__["features"]], dtype=object)
    x0, y0, x1, y1 = shapely.total_bounds(polys)
    rng = np.random.default_rng(15)
    x, y = rng.uniform(x0, x1, 50_000), rng.uniform(y0, y1, 50_000)
    vx, vy = shapely.get_coordinates(polys).T
    x, y = np.concatenate([x, vx]), np.concatenate([y, vy])
    tree = shapely.STRtree(polys)
    pts, grids = tree.query(shapely.points(x, y), predicate="intersects")
    expected = np.full(len(x), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(expected, pts, grids)
    expected[expected == np.iinfo(np.int64).max] = -1
    assert (gm.locate_index(x, y) == expected).all()
    assert gm.locate(116.372, 39.925) == "110105002002"  # on the island, not in East's lake hole
