"""GridMap and convert: point location identical to shapely, the documented boundary rule, holes,
multipolygons, order and thread independence, coordinate systems against published pairs,
GeoDataFrames, __geo_interface__, pickling, and every bad input as a typed error."""

from __future__ import annotations

import copy
import json
import math
import pickle
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

import gridgov
from gridgov import _gridgov

from conftest import fixture_text

A, B = "37990100100101", "37990100100102"


def square(x0: float, y0: float, x1: float, y1: float) -> list[list[float]]:
    """A closed counter-clockwise ring."""
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]


def feature(code: Any, geometry: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": {"code": code}, "geometry": geometry}


def collection(*features: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", **extra, "features": list(features)}


# Two grids sharing the edge lon = 116.002. A: the square [116.000, 116.002] x [39.900, 39.902]
# with a (clockwise) hole; B: a MultiPolygon of the square east of A and an island inside A's hole.
TWO_GRIDS: dict[str, Any] = json.loads(fixture_text("boundaries/two_grids.geojson"))
A_SHELL: list[list[float]] = TWO_GRIDS["features"][0]["geometry"]["coordinates"][0]


@pytest.fixture(scope="module")
def gm(sample: gridgov.Model) -> gridgov.GridMap:
    grid_map = sample.grid_map
    assert grid_map is not None
    return grid_map


@pytest.fixture(scope="module")
def two() -> gridgov.GridMap:
    return gridgov.GridMap.from_geojson(TWO_GRIDS)


@pytest.fixture(scope="module")
def polygons(gm: gridgov.GridMap) -> np.ndarray:
    """The sample city's grids as shapely geometries, in the order of ``gm.codes``."""
    feats = gm.__geo_interface__["features"]
    assert [f["properties"]["code"] for f in feats] == gm.codes
    return np.array([shape(f["geometry"]) for f in feats], dtype=object)


def random_points(bbox: tuple[float, float, float, float], n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n seeded uniform points over the box enlarged by 5 % on each side (some fall outside)."""
    x0, y0, x1, y1 = bbox
    dx, dy = (x1 - x0) * 0.05, (y1 - y0) * 0.05
    rng = np.random.default_rng(seed)
    return rng.uniform(x0 - dx, x1 + dx, n), rng.uniform(y0 - dy, y1 + dy, n)


def to_utm(geoms: np.ndarray) -> np.ndarray:
    """Geometries projected to UTM zone 50N (metres), for areas and lengths."""
    import pyproj

    transformer = pyproj.Transformer.from_crs(4326, 32650, always_xy=True)
    return shapely.transform(geoms, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def shapely_rule(polys: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The documented rule computed with shapely: the smallest index among the grids whose
    closed polygon contains the point (``intersects``), -1 for none. With valid grids that do
    not overlap, a point strictly inside one grid is on no other grid, so this is the rule."""
    tree = shapely.STRtree(polys)
    pts, grids = tree.query(shapely.points(x, y), predicate="intersects")
    expected = np.full(len(x), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(expected, pts, grids)
    expected[expected == np.iinfo(np.int64).max] = -1
    return expected


# -------------------------------------------------------------------------------------------
# The sample city
# -------------------------------------------------------------------------------------------


def test_sample_city_has_boundaries(sample: gridgov.Model, gm: gridgov.GridMap) -> None:
    assert len(gm) == 408
    assert gm.codes == sorted(sample.grids())
    assert gm.check_against(sample) == []
    assert gm.version == sample.version
    lon0, lat0, lon1, lat1 = gm.bbox  # type: ignore[misc]
    assert 116 < lon0 < lon1 < 118 and 36 < lat0 < lat1 < 37
    areas = np.array([gm.area_m2(c) for c in gm.codes])
    assert (areas > 1e4).all() and (areas < 1e5).all()  # 10^4-10^5 m² unit grids
    assert repr(gm) == f"<gridgov.GridMap 408 grids version={sample.version!r}>"


def test_model_without_boundaries(tiny: gridgov.Model) -> None:
    assert tiny.grid_map is None


def test_identical_to_shapely_on_random_points(gm: gridgov.GridMap, polygons: np.ndarray) -> None:
    x, y = random_points(gm.bbox, 100_000, seed=5)  # type: ignore[arg-type]
    expected = shapely_rule(polygons, x, y)
    got = gm.locate_index(x, y)
    assert got.dtype == np.int64 and got.shape == (100_000,)
    assert np.array_equal(got, expected)
    assert (expected == -1).sum() > 20_000 and (expected >= 0).sum() > 20_000  # both kinds occur
    # Random points never hit a boundary: shapely's `contains` agrees too.
    tree = shapely.STRtree(polygons)
    pts, grids = tree.query(shapely.points(x, y), predicate="within")
    within = np.full(len(x), -1, dtype=np.int64)
    within[pts] = grids
    assert np.array_equal(got, within)
    # Codes: an object array with None outside.
    codes = gm.locate(x, y)
    assert codes.dtype == object
    inside = expected >= 0
    assert list(codes[inside]) == [gm.codes[i] for i in expected[inside]]
    assert all(c is None for c in codes[~inside])


def test_every_vertex_follows_the_rule(gm: gridgov.GridMap, polygons: np.ndarray) -> None:
    """Vertices are exactly on boundaries, often shared by two to four grids."""
    xy = shapely.get_coordinates(polygons)
    expected = shapely_rule(polygons, xy[:, 0], xy[:, 1])
    got = gm.locate_index(xy[:, 0], xy[:, 1])
    assert (expected >= 0).all()
    assert np.array_equal(got, expected)
    shared = np.bincount(shapely.STRtree(polygons).query(shapely.points(xy), predicate="intersects")[0])
    assert (shared >= 3).any()  # some vertices are shared by three or more grids


def test_order_and_thread_independence(gm: gridgov.GridMap, polygons: np.ndarray) -> None:
    x, y = random_points(gm.bbox, 60_000, seed=6)  # type: ignore[arg-type]
    xy = shapely.get_coordinates(polygons)  # boundary points mixed in
    x, y = np.concatenate([x, xy[:, 0]]), np.concatenate([y, xy[:, 1]])
    base = gm.locate_index(x, y)
    for threads in (1, 2, 3, 8):
        assert np.array_equal(gm.locate_index(x, y, threads=threads), base), threads
    perm = np.random.default_rng(7).permutation(len(x))
    assert np.array_equal(gm.locate_index(x[perm], y[perm]), base[perm])
    assert np.array_equal(gm.locate_index(x[::-1].copy(), y[::-1].copy(), threads=1), base[::-1])


def test_python_threads_share_a_map(gm: gridgov.GridMap) -> None:
    """Bulk calls release the GIL; a map is shared by Python threads with the same results."""
    from concurrent.futures import ThreadPoolExecutor

    x, y = random_points(gm.bbox, 200_000, seed=12)  # type: ignore[arg-type]
    base = gm.locate_index(x, y)
    parts = np.array_split(np.arange(len(x)), 8)
    with ThreadPoolExecutor(max_workers=4) as pool:
        located = list(pool.map(lambda i: gm.locate_index(x[i], y[i], threads=1), parts))
        converted = list(pool.map(lambda i: gridgov.convert(x[i], y[i], "wgs84", "gcj02"), parts))
    assert np.array_equal(np.concatenate(located), base)
    cx, cy = gridgov.convert(x, y, "wgs84", "gcj02")
    assert np.array_equal(np.concatenate([c[0] for c in converted]), cx)
    assert np.array_equal(np.concatenate([c[1] for c in converted]), cy)


def test_scalars_shapes_and_input_types(gm: gridgov.GridMap) -> None:
    import pandas as pd

    lon, lat = 117.0489, 36.7391
    assert gm.locate(lon, lat) == A
    assert gm.locate_index(lon, lat) == gm.index_of(A) == 0
    assert isinstance(gm.locate_index(lon, lat), int)
    assert gm.locate(100.0, 30.0) is None
    assert gm.locate_index(100.0, 30.0) == -1
    assert gm.locate(np.float32(lon), np.float64(lat)) == A  # NumPy scalars
    grid = np.array([[lon, 100.0], [lon, lon]])
    lats = np.array([[lat, 30.0], [lat, lat]])
    assert gm.locate(grid, lats).tolist() == [[A, None], [A, A]]  # shape kept
    assert gm.locate_index(grid.T, lats.T).shape == (2, 2)  # non-contiguous input
    assert gm.locate_index(pd.Series([lon]), pd.Series([lat])).tolist() == [0]
    assert gm.locate_index([117, 118], [36, 37]).tolist() == [-1, -1]  # ints, lists
    assert gm.locate(np.array([]), np.array([])).shape == (0,)
    assert gm.index_of("37990199999999") is None


def test_crs(gm: gridgov.GridMap, polygons: np.ndarray) -> None:
    x, y = random_points(gm.bbox, 20_000, seed=8)  # type: ignore[arg-type]
    wgs = gm.locate_index(x, y)
    assert np.array_equal(gm.locate_index(x, y, "cgcs2000"), wgs)
    assert np.array_equal(gm.locate_index(x, y, "EPSG:4326"), wgs)
    for name in ("gcj02", "bd09", "GCJ02"):
        cx, cy = gridgov.convert(x, y, "wgs84", name)
        shift = np.hypot(cx - x, cy - y)
        assert shift.min() > 1e-3  # hundreds of metres: locating without converting would be wrong
        assert np.array_equal(gm.locate_index(cx, cy, name), wgs), name
        assert (gm.locate_index(cx, cy) != wgs).sum() > 1000


# -------------------------------------------------------------------------------------------
# Holes, multipolygons, edges and vertices on a small map
# -------------------------------------------------------------------------------------------

# (lon, lat, expected code, what)
CASES = [
    (116.0002, 39.9002, A, "inside A"),
    (116.0006, 39.9006, None, "in A's hole"),
    (116.0010, 39.9010, B, "on B's island inside A's hole"),
    (116.0030, 39.9010, B, "in B's square"),
    (116.0050, 39.9010, None, "east of B"),
    (116.0010, 39.8990, None, "south of A"),
    (116.0020, 39.9010, A, "on the shared edge: the smaller index"),
    (116.0020, 39.9000, A, "on the shared vertex (south)"),
    (116.0020, 39.9020, A, "on the shared vertex (north)"),
    (116.0000, 39.9010, A, "on A's outer edge"),
    (116.0000, 39.9000, A, "on A's outer corner"),
    (116.0040, 39.9010, B, "on B's outer edge"),
    (116.0040, 39.9020, B, "on B's outer corner"),
    (116.0030, 39.9020, B, "on B's north edge"),
    (116.0005, 39.9010, A, "on the edge of A's hole"),
    (116.0015, 39.9015, A, "on a corner of A's hole"),
    (116.0007, 39.9010, B, "on the island's edge"),
    (116.0013, 39.9013, B, "on the island's corner"),
    (116.0040000001, 39.9010, None, "just east of B"),
    (116.0019999999, 39.9010, A, "just west of the shared edge"),
    (116.0020000001, 39.9010, B, "just east of the shared edge"),
]


@pytest.mark.parametrize(("lon", "lat", "code", "what"), CASES, ids=[c[3] for c in CASES])
def test_boundary_rule(two: gridgov.GridMap, lon: float, lat: float, code: str | None, what: str) -> None:
    assert two.locate(lon, lat) == code, what


def test_boundary_rule_in_bulk_agrees_with_shapely(two: gridgov.GridMap) -> None:
    lon = np.array([c[0] for c in CASES])
    lat = np.array([c[1] for c in CASES])
    assert two.locate(lon, lat).tolist() == [c[2] for c in CASES]
    polys = np.array([shape(f["geometry"]) for f in two.__geo_interface__["features"]], dtype=object)
    assert np.array_equal(two.locate_index(lon, lat), shapely_rule(polys, lon, lat))


def test_smallest_code_wins_not_file_order() -> None:
    """Swap the codes: the shared edge now goes to the eastern grid, whose code is smaller."""
    swapped = copy.deepcopy(TWO_GRIDS)
    swapped["features"][0]["properties"]["code"] = B
    swapped["features"][1]["properties"]["code"] = A
    gm = gridgov.GridMap.from_geojson(swapped)
    assert gm.locate(116.002, 39.901) == A  # now B's square
    assert gm.locate(116.0002, 39.9002) == B
    reordered = copy.deepcopy(TWO_GRIDS)
    reordered["features"].reverse()
    assert gridgov.GridMap.from_geojson(reordered).locate(116.002, 39.901) == A


def test_two_grids_properties(two: gridgov.GridMap) -> None:
    assert two.codes == [A, B] and len(two) == 2
    assert two.bbox == pytest.approx((116.0, 39.9, 116.004, 39.902))
    assert two.version is None
    # Areas against shapely in UTM zone 50N (pyproj), holes excluded, islands included.
    for f in two.__geo_interface__["features"]:
        metric = to_utm(np.array([shape(f["geometry"])], dtype=object))[0]
        assert two.area_m2(f["properties"]["code"]) == pytest.approx(metric.area, rel=2e-3)
    (a, b, metres), = two.adjacency()
    assert (a, b) == (A, B) and metres == pytest.approx(222.0, abs=0.5)
    assert two.adjacency(min_shared_m=500.0) == []


def test_adjacency_against_shapely(gm: gridgov.GridMap, polygons: np.ndarray) -> None:
    metric = to_utm(polygons)
    tree = shapely.STRtree(metric)
    left, right = tree.query(metric, predicate="touches")
    keep = left < right
    shared = shapely.length(
        shapely.intersection(shapely.boundary(metric[left[keep]]), shapely.boundary(metric[right[keep]]))
    )
    theirs = {(gm.codes[i], gm.codes[j]): m for i, j, m in zip(left[keep], right[keep], shared)}
    ours = {(a, b): m for a, b, m in gm.adjacency(min_shared_m=1.0)}
    assert len(ours) > 408  # a connected city of 408 grids
    clear = {k for k, m in theirs.items() if m > 1.5}  # away from the 1 m threshold
    assert clear <= set(ours)
    assert {k for k in ours if theirs.get(k, 0) > 1.5} == clear
    for k in clear:
        assert ours[k] == pytest.approx(theirs[k], rel=2e-3, abs=0.05)
    assert all(a < b for a, b in ours)


# -------------------------------------------------------------------------------------------
# Coordinate systems
# -------------------------------------------------------------------------------------------


def test_coordtransform_published_pairs() -> None:
    """wandergis/coordtransform ``test/app.js`` for (116.404, 39.915), as the core's tests."""
    p = (116.404, 39.915)
    assert gridgov.convert(*p, "wgs84", "gcj02") == pytest.approx((116.41024449916938, 39.91640428150164), abs=1e-12)
    assert gridgov.convert(*p, "gcj02", "bd09") == pytest.approx((116.41036949371029, 39.92133699351021), abs=1e-12)
    # Their inverses are one-step estimates (BD-09 ~4e-7, GCJ-02 ~1e-5 off); ours iterate to the
    # point that maps back exactly.
    g = gridgov.convert(*p, "bd09", "gcj02")
    assert g == pytest.approx((116.39762729119315, 39.90865673957631), abs=1e-6)
    assert gridgov.convert(*g, "gcj02", "bd09") == pytest.approx(p, abs=1e-10)
    w = gridgov.convert(*p, "gcj02", "wgs84")
    assert w == pytest.approx((116.39775550083061, 39.91359571849836), abs=2e-5)
    assert gridgov.convert(*w, "wgs84", "gcj02") == pytest.approx(p, abs=1e-10)


# googollee/eviltransform ``python/test.py``: (wgs lat, wgs lon, gcj lat, gcj lon); its ellipsoid
# differs slightly (offsets move by ~1e-7°), and its own tests compare to 6 decimals.
EVILTRANSFORM = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),
]


def test_eviltransform_published_pairs() -> None:
    wlat, wlon, glat, glon = (np.array(c) for c in zip(*EVILTRANSFORM))
    gx, gy = gridgov.convert(wlon, wlat, "wgs84", "gcj02")
    assert np.abs(gx - glon).max() < 1e-6 and np.abs(gy - glat).max() < 1e-6
    wx, wy = gridgov.convert(glon, glat, "gcj02", "wgs84")
    assert np.abs(wx - wlon).max() < 1e-6 and np.abs(wy - wlat).max() < 1e-6
    # Scalars and arrays agree exactly.
    for i in range(3):
        assert gridgov.convert(float(wlon[i]), float(wlat[i]), "wgs84", "gcj02") == (gx[i], gy[i])


def test_convert_round_trips_and_shapes() -> None:
    # Inside China's box, away from its edges (where a shifted point may leave the box, and the
    # convention then does not shift it back).
    rng = np.random.default_rng(9)
    x, y = rng.uniform(73.0, 135.0, 50_000), rng.uniform(18.0, 53.0, 50_000)
    for a, b in [("wgs84", "gcj02"), ("wgs84", "bd09"), ("gcj02", "bd09"), ("cgcs2000", "bd09")]:
        fx, fy = gridgov.convert(x, y, a, b)
        bx, by = gridgov.convert(fx, fy, b, a)
        assert np.abs(bx - x).max() < 1e-7 and np.abs(by - y).max() < 1e-7, (a, b)
    cx, cy = gridgov.convert(x, y, "wgs84", "cgcs2000")
    assert np.array_equal(cx, x) and np.array_equal(cy, y)
    # Scalars give floats; arrays keep their shape.
    lon, lat = gridgov.convert(116.404, 39.915)
    assert isinstance(lon, float) and isinstance(lat, float)
    ax, ay = gridgov.convert(np.full((2, 3), 116.404), np.full((2, 3), 39.915))
    assert ax.shape == ay.shape == (2, 3) and ax[1, 2] == lon and ay[0, 0] == lat
    # Outside China's box nothing moves (the convention).
    assert gridgov.convert(2.2945, 48.8584, "wgs84", "gcj02") == (2.2945, 48.8584)
    assert gridgov.convert(2.2945, 48.8584, "bd09", "wgs84") == (2.2945, 48.8584)


# -------------------------------------------------------------------------------------------
# Construction, GeoJSON, GeoDataFrames, pickling
# -------------------------------------------------------------------------------------------


def test_from_geojson_sources(two: gridgov.GridMap, tmp_path: Path) -> None:
    text = json.dumps(TWO_GRIDS)
    path = tmp_path / "grids.geojson"
    path.write_text(text, encoding="utf-8")
    for source in (text, "  \n" + text, text.encode(), path, str(path), TWO_GRIDS):
        gm = gridgov.GridMap.from_geojson(source)  # type: ignore[arg-type]
        assert gm.codes == two.codes and gm.to_geojson() == two.to_geojson()
    renamed = json.loads(text.replace('"code"', '"BGID"'))
    assert gridgov.GridMap.from_geojson(renamed, code_property="BGID").codes == [A, B]
    with_version = gridgov.GridMap.from_geojson(collection(*TWO_GRIDS["features"], version="2027.1"))
    assert with_version.version == "2027.1"
    numeric = gridgov.GridMap.from_geojson(collection(feature(int(A), TWO_GRIDS["features"][0]["geometry"])))
    assert numeric.codes == [A]
    as_numpy = collection(feature(A, {"type": "Polygon", "coordinates": np.array([A_SHELL])}))
    assert gridgov.GridMap.from_geojson(as_numpy).codes == [A]


def test_geo_interface_round_trip(gm: gridgov.GridMap, two: gridgov.GridMap) -> None:
    for grid_map in (gm, two):
        gi = grid_map.__geo_interface__
        assert gi["type"] == "FeatureCollection" and len(gi["features"]) == len(grid_map)
        back = gridgov.GridMap.from_geojson(gi)
        assert back.codes == grid_map.codes and back.to_geojson() == grid_map.to_geojson()
        geoms = [shape(f["geometry"]) for f in gi["features"]]
        assert all(g.is_valid for g in geoms)
    island = shape(two.__geo_interface__["features"][1]["geometry"])
    assert island.geom_type == "MultiPolygon" and len(island.geoms) == 2
    holed = shape(two.__geo_interface__["features"][0]["geometry"])
    assert len(holed.interiors) == 1
    # geopandas reads the map itself through __geo_interface__.
    import geopandas as gpd

    gdf = gpd.GeoDataFrame.from_features(gm, crs="EPSG:4326")
    assert gdf["code"].tolist() == gm.codes


def test_from_geodataframe(gm: gridgov.GridMap) -> None:
    import geopandas as gpd

    gdf = gpd.GeoDataFrame.from_features(gm.__geo_interface__, crs="EPSG:4326")
    gdf = gdf.rename(columns={"code": "grid_code"}).iloc[::-1]  # any column, any row order
    back = gridgov.GridMap.from_geodataframe(gdf, code_column="grid_code")
    assert back.codes == gm.codes and back.version is None  # a frame carries no version
    assert back.__geo_interface__["features"] == gm.__geo_interface__["features"]  # exact coordinates
    x, y = random_points(gm.bbox, 20_000, seed=10)  # type: ignore[arg-type]
    expected = gm.locate_index(x, y)
    # Reprojected frames come back to EPSG:4326 first (to within a nanodegree).
    for epsg in (3857, 32650, 4490):
        other = gridgov.GridMap.from_geodataframe(gdf.to_crs(epsg=epsg), code_column="grid_code")
        assert other.codes == gm.codes
        assert (other.locate_index(x, y) != expected).sum() <= 2, epsg
    # A frame without a CRS is taken as longitude/latitude; integer codes become text.
    plain = gdf.set_crs(None, allow_override=True).assign(grid_code=gdf["grid_code"].astype("int64"))
    assert gridgov.GridMap.from_geodataframe(plain, "grid_code").codes == gm.codes


def test_from_geodataframe_errors(gm: gridgov.GridMap, monkeypatch: pytest.MonkeyPatch) -> None:
    import geopandas as gpd

    gdf = gpd.GeoDataFrame.from_features(gm.__geo_interface__, crs="EPSG:4326")
    with pytest.raises(gridgov.ValidationError) as e:
        gridgov.GridMap.from_geodataframe(gdf, code_column="BGID")
    assert e.value.what == "code_column" and e.value.value == "BGID"
    broken = gdf.copy()
    broken.loc[3, "code"] = None
    broken.loc[5, "geometry"] = shapely.Polygon([(117.0, 36.7), (117.001, 36.701), (117.001, 36.7), (117.0, 36.701)])
    broken.loc[7, "geometry"] = None
    with pytest.raises(gridgov.ModelError) as m:
        gridgov.GridMap.from_geodataframe(broken)
    paths = [p for p, _ in m.value.issues]
    assert paths[:3] == ["features[3].properties.code", "features[5].geometry", "features[7].geometry"]
    with pytest.raises(TypeError):
        gridgov.GridMap.from_geodataframe({"code": []})
    monkeypatch.setitem(sys.modules, "geopandas", None)
    with pytest.raises(ImportError, match="needs geopandas"):
        gridgov.GridMap.from_geodataframe(gdf)


def test_model_with_grid_map(sample: gridgov.Model, tiny: gridgov.Model, two: gridgov.GridMap) -> None:
    both = tiny.with_grid_map(two)
    assert tiny.grid_map is None
    assert both.grid_map is not None and both.grid_map.codes == two.codes
    assert both.grid_map.version == tiny.version
    outsider = gridgov.GridMap.from_geojson(
        collection(feature("37990100100199", {"type": "Polygon", "coordinates": [A_SHELL]}))
    )
    with pytest.raises(gridgov.ModelError) as e:
        sample.with_grid_map(outsider)
    assert e.value.issues == [("features[0].properties.code", '"37990100100199" is not a unit grid of the model')]
    with pytest.raises(gridgov.ModelError):
        outsider.check_against(sample)
    with pytest.raises(TypeError):
        sample.with_grid_map(outsider._core)  # type: ignore[arg-type]
    assert two.check_against(sample) == [c for c in sample.grids() if c not in two.codes]


def roundtrip(obj: object) -> Any:
    return pickle.loads(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))


def test_pickling(sample: gridgov.Model, gm: gridgov.GridMap, two: gridgov.GridMap) -> None:
    x, y = random_points(gm.bbox, 10_000, seed=11)  # type: ignore[arg-type]
    for grid_map in (gm, two):
        back = roundtrip(grid_map)
        assert isinstance(back, gridgov.GridMap)
        assert back.codes == grid_map.codes and back.version == grid_map.version
        assert back.to_geojson() == grid_map.to_geojson()
        assert np.array_equal(back.locate_index(x, y), grid_map.locate_index(x, y))
    core = roundtrip(gm._core)
    assert isinstance(core, _gridgov.GridMap) and core.to_geojson() == gm.to_geojson()
    # A model travels with its boundaries.
    model = roundtrip(sample)
    assert model.grid_map is not None and model.grid_map.to_geojson() == gm.to_geojson()
    core_model = roundtrip(_gridgov.Model.sample())
    assert core_model.grid_map is not None and len(core_model.grid_map) == 408


# -------------------------------------------------------------------------------------------
# Bad input: typed errors naming the value, feature or index
# -------------------------------------------------------------------------------------------


def test_bad_coordinates(gm: gridgov.GridMap) -> None:
    lon = np.array([117.0489, 117.05, 117.05, 117.05])
    lat = np.array([36.7391, 36.72, np.nan, 36.72])
    with pytest.raises(gridgov.ValidationError) as e:
        gm.locate(lon, lat)
    assert e.value.what == "lat[2]" and "NaN" in e.value.value
    lat[2] = 36.72
    lon[3] = np.inf
    with pytest.raises(gridgov.ValidationError) as e:
        gm.locate_index(lon, lat, "gcj02", threads=1)
    assert e.value.what == "lon[3]"
    with pytest.raises(gridgov.ValidationError, match=r"lat\[1\]"):
        gm.locate_index([117.0, 117.0], [36.7, 91.0])
    with pytest.raises(gridgov.ValidationError, match="lat"):
        gm.locate(117.0, float("nan"))
    with pytest.raises(gridgov.ValidationError, match=r"lat\[0\]"):
        gridgov.convert(np.array([117.0]), np.array([np.nan]))
    with pytest.raises(gridgov.ValidationError):
        gridgov.convert(float("inf"), 36.7)


def test_bad_shapes_types_and_names(gm: gridgov.GridMap) -> None:
    with pytest.raises(gridgov.ValidationError) as e:
        gm.locate(np.zeros(3), np.zeros(4))
    assert e.value.what == "shapes" and "(3,)" in e.value.value and "(4,)" in e.value.value
    with pytest.raises(gridgov.ValidationError):
        gridgov.convert(np.zeros(3), np.zeros(2))
    with pytest.raises(gridgov.ValidationError):
        gm.locate(117.0, np.zeros(2))
    with pytest.raises(gridgov.ValidationError) as e:
        gm.locate(np.array(["a", "b"]), np.zeros(2))
    assert e.value.what == "lon"
    with pytest.raises(gridgov.ValidationError) as e:
        gm.locate(117.0, 36.7, crs="utm50n")
    assert "utm50n" in e.value.value and e.value.what == "crs"
    with pytest.raises(gridgov.ValidationError, match="mars"):
        gridgov.convert(117.0, 36.7, "mars", "wgs84")
    with pytest.raises(gridgov.ValidationError, match="baidu"):
        gridgov.convert(np.zeros(2), np.zeros(2), "wgs84", "baidu")
    with pytest.raises(gridgov.ValidationError) as e:
        gm.locate(117.0, 36.7, threads=-1)
    assert e.value.what == "threads"
    with pytest.raises(TypeError):
        gm.locate(117.0, 36.7, crs=4326)  # type: ignore[arg-type]
    with pytest.raises(gridgov.UnknownError) as u:
        gm.area_m2("37990199999999")
    assert u.value.what == "grid" and isinstance(u.value, KeyError)
    with pytest.raises(gridgov.ValidationError):
        gm.adjacency(min_shared_m=float("nan"))
    with pytest.raises(gridgov.ValidationError):
        _gridgov.GridMap.from_geojson_text(gm.to_geojson(), "code").area_m2(408)


def bad(*features: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(gridgov.ModelError) as e:
        gridgov.GridMap.from_geojson(collection(*features))
    assert isinstance(e.value, ValueError)
    return e.value.issues


GOOD = {"type": "Polygon", "coordinates": [A_SHELL]}


@pytest.mark.parametrize(
    ("geometry", "needle"),
    [
        (
            {
                "type": "Polygon",
                "coordinates": [[[116.0, 39.9], [116.002, 39.902], [116.002, 39.9], [116.0, 39.902], [116.0, 39.9]]],
            },
            "self-intersection",
        ),
        ({"type": "Polygon", "coordinates": [A_SHELL[:-1]]}, ""),  # unclosed
        ({"type": "Polygon", "coordinates": [[[116.0, 39.9], [116.002, 39.9], [116.0, 39.9]]]}, ""),  # too few points
        ({"type": "Polygon", "coordinates": [[[116.0, 39.9], [116.002, None], [116.002, 39.902], [116.0, 39.9]]]}, ""),
        ({"type": "Polygon", "coordinates": [[[116.0, 39.9], [216.002, 39.9], [116.002, 39.902], [116.0, 39.9]]]}, ""),
        ({"type": "Polygon", "coordinates": [A_SHELL, square(116.01, 39.91, 116.011, 39.911)]}, ""),  # hole outside
        ({"type": "Point", "coordinates": [116.0, 39.9]}, ""),
        ({"type": "LineString", "coordinates": A_SHELL}, ""),
        (None, ""),
        ({"type": "Polygon"}, ""),
    ],
    ids=["bow tie", "unclosed", "too few points", "null coordinate", "not degrees", "hole outside shell",
         "point", "line", "no geometry", "no coordinates"],
)
def test_invalid_polygons_name_the_feature(geometry: Any, needle: str) -> None:
    issues = bad(feature(B, GOOD), feature(A, geometry))
    assert issues and all(path.startswith("features[1]") for path, _ in issues), issues
    assert any(needle in message for _, message in issues)


def test_nan_in_a_dict_names_the_feature() -> None:
    ring = [[116.0, 39.9], [116.002, float("nan")], [116.002, 39.902], [116.0, 39.9]]
    issues = bad(feature(B, GOOD), feature(A, {"type": "Polygon", "coordinates": [ring]}))
    assert [p for p, _ in issues] == ["features[1].geometry"]


def test_every_problem_is_reported() -> None:
    overlap = {"type": "Polygon", "coordinates": [square(116.001, 39.900, 116.003, 39.902)]}
    issues = bad(
        feature(A, GOOD),
        {"type": "Feature", "properties": {}, "geometry": GOOD},  # no code
        feature(A, GOOD),  # duplicate code
        feature(B, overlap),  # overlaps A by half
    )
    paths = [p for p, _ in issues]
    assert "features[1].properties.code" in paths
    assert "features[2].properties.code" in paths
    assert "features[3].geometry" in paths
    assert any("duplicate" in m for _, m in issues) and any("overlaps" in m for _, m in issues)


def test_wrong_documents_and_files(tmp_path: Path) -> None:
    with pytest.raises(gridgov.ParseError) as p:
        gridgov.GridMap.from_geojson('{"type": "FeatureCollection", ')
    assert p.value.format == "GeoJSON"
    with pytest.raises(gridgov.ModelError) as m:
        gridgov.GridMap.from_geojson({"type": "Feature", "geometry": GOOD})
    assert m.value.issues[0][0] == "type"
    with pytest.raises(gridgov.ModelError):
        gridgov.GridMap.from_geojson('{"type": "FeatureCollection"}')
    with pytest.raises(gridgov.ModelError):
        gridgov.GridMap.from_geojson("[]")
    with pytest.raises(gridgov.ModelError) as m:
        gridgov.GridMap.from_geojson(TWO_GRIDS, code_property="BGID")
    assert [p for p, _ in m.value.issues] == ["features[0].properties.BGID", "features[1].properties.BGID"]
    with pytest.raises(gridgov.ValidationError):
        gridgov.GridMap.from_geojson(TWO_GRIDS, code_property="")
    missing = tmp_path / "missing.geojson"
    with pytest.raises(gridgov.GridgovIOError) as io:
        gridgov.GridMap.from_geojson(missing)
    assert io.value.path == str(missing) and isinstance(io.value, OSError)
    with pytest.raises(gridgov.GridgovIOError):
        gridgov.GridMap.from_geojson("no/such/grids.geojson")  # not JSON: taken as a path
    with pytest.raises(gridgov.ValidationError):
        gridgov.GridMap.from_geojson(b"\xff{}")
    with pytest.raises(TypeError):
        gridgov.GridMap.from_geojson(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        gridgov.GridMap.from_geojson(TWO_GRIDS, code_property=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        gridgov.GridMap(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "make",
    [
        lambda gm: gm.locate([1.0], [math.nan]),
        lambda gm: gridgov.GridMap.from_geojson(collection(feature(A, None))),
        lambda gm: gridgov.GridMap.from_geojson("{"),
        lambda gm: gridgov.GridMap.from_geojson("/nonexistent/grids.geojson"),
        lambda gm: gm.area_m2("x"),
    ],
)
def test_spatial_exceptions_pickle(gm: gridgov.GridMap, make: Any) -> None:
    with pytest.raises(gridgov.GridgovError) as info:
        make(gm)
    back = roundtrip(info.value)
    assert type(back) is type(info.value) and str(back) == str(info.value)
    assert back.__dict__ == info.value.__dict__
