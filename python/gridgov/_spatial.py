"""Unit-grid boundaries and coordinates: :class:`GridMap` (point location of NumPy arrays,
adjacency, GeoJSON in and out) and :func:`convert` between China's coordinate systems
(WGS-84, CGCS2000, GCJ-02, BD-09)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Optional, Union, overload

import numpy as np
import numpy.typing as npt

from . import _gridgov
from ._common import ArrayLike, StrPath, c_array, read_text
from ._common import invalid as _invalid
from ._errors import UnknownError

if TYPE_CHECKING:
    from ._model import Model

__all__ = ["GridMap", "convert"]


#: The feature property :meth:`GridMap.to_geojson` writes grid codes to.
_GEOJSON_CODE = "code"


def _coords(lon: ArrayLike, lat: ArrayLike) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], tuple[int, ...]]:
    """Flat, contiguous float64 views (copies only when needed) of two coordinate arrays of the
    same shape, and that shape (``()`` for scalars)."""
    arrays = []
    for name, values in (("lon", lon), ("lat", lat)):
        try:
            arrays.append(np.asarray(values, dtype=np.float64))
        except (TypeError, ValueError):
            shown = f"array of dtype {np.asarray(values).dtype}" if np.ndim(values) else repr(values)
            raise _invalid(name, shown, "expected numbers (degrees)") from None
    x, y = arrays
    if x.shape != y.shape:
        raise _invalid("shapes", f"lon {x.shape}, lat {y.shape}", "lon and lat must have the same shape")
    return c_array(x.ravel()), c_array(y.ravel()), x.shape


def _finite_or_null(value: Any) -> Any:
    """``value`` with every non-finite float (NaN, ±inf) replaced by ``None``."""
    if isinstance(value, (float, np.floating)):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, Mapping):
        return {k: _finite_or_null(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite_or_null(v) for v in value]
    if isinstance(value, np.ndarray):
        return _finite_or_null(value.tolist())
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


class GridMap:
    """Unit-grid boundaries (Polygon and MultiPolygon, holes allowed, WGS-84 longitude/latitude)
    with an R-tree for point location.

    Grids are sorted by code; :attr:`codes` gives that order and :meth:`locate_index` returns
    positions in it. Build one with :meth:`from_geojson` (a path, GeoJSON text or a dict),
    :meth:`from_geodataframe`, or take :attr:`Model.grid_map`.

    Location rule (the core's): polygons are closed. A point strictly inside a grid gets that
    grid; a point exactly on an edge or vertex shared by several grids gets the one with the
    **smallest code** (smallest index); a point on the map's outer boundary or on the edge of a
    hole gets the grid whose boundary it is on; a point outside every grid or inside an unfilled
    hole gets none (``None`` / ``-1``), never a wrong grid. "Exactly on" uses exact predicates,
    so results never depend on the input order or the thread count.

    >>> gm = Model.sample().grid_map
    >>> gm.locate(117.0489, 36.7391)
    '37990100100101'
    >>> gm.locate(np.array([117.0489, 100.0]), np.array([36.7391, 30.0]))
    array(['37990100100101', None], dtype=object)
    """

    __slots__ = ("_core", "_lookup")

    def __init__(self, core: _gridgov.GridMap) -> None:
        """Wraps a compiled grid map (internal; use the class methods)."""
        if not isinstance(core, _gridgov.GridMap):
            raise TypeError("use GridMap.from_geojson(...), GridMap.from_geodataframe(...) or Model.grid_map")
        self._core = core
        self._lookup: Optional[npt.NDArray[np.object_]] = None

    @classmethod
    def _wrap(cls, core: _gridgov.GridMap) -> GridMap:
        return cls(core)

    # -- construction -----------------------------------------------------------------------

    @classmethod
    def from_geojson(
        cls,
        source: Union[StrPath, Mapping[str, Any], bytes],
        code_property: str = "code",
        *,
        crs: str = "wgs84",
        encoding: Optional[str] = None,
    ) -> GridMap:
        """A grid map from GeoJSON: a FeatureCollection of Polygon/MultiPolygon features whose
        property ``code_property`` holds the unit-grid code.

        Files and bytes are UTF-8, with or without a byte-order mark; ``encoding=`` reads a
        file or bytes in another encoding (``"gbk"``, ``"gb18030"``...). Without it, a file that
        is not UTF-8 raises :class:`ValidationError` naming the file and the first bad byte, and
        saying so when it looks like GBK/GB18030.

        ``source`` is a path (``str`` or ``os.PathLike``), GeoJSON text (a ``str`` starting with
        ``{``, or ``bytes``), or the document as a dict. ``crs`` names the system its coordinates
        are in: ``"wgs84"`` (default), ``"cgcs2000"``, or ``"gcj02"`` / ``"bd09"`` for boundaries
        digitised on Amap or Baidu tiles, whose every vertex is converted to WGS-84 on load (the
        map is stored, located into and written back in WGS-84). Raises
        :class:`GridgovIOError` for a file that cannot be read, :class:`ParseError` for text that
        is not JSON, :class:`ValidationError` for an unknown ``crs``, and :class:`ModelError`
        whose ``issues`` name every bad feature (``features[3].geometry``: self-intersecting,
        unclosed or too-short rings, NaN coordinates, missing or duplicate codes, overlapping
        grids, wrong shapes). The GIL is released while the map is built.
        """
        if not isinstance(code_property, str):
            raise TypeError(f"code_property must be a str, not {type(code_property).__name__}")
        if not isinstance(crs, str):
            raise TypeError(f"crs must be a str, not {type(crs).__name__}")
        if isinstance(source, Mapping):
            try:
                text = json.dumps(dict(source), ensure_ascii=False, allow_nan=False, default=_json_default)
            except ValueError:  # NaN or infinity: JSON has none; null lets the core name the feature
                text = json.dumps(_finite_or_null(dict(source)), ensure_ascii=False, default=_json_default)
            return cls(_gridgov.GridMap.from_geojson_text(text, code_property, crs))
        if encoding is not None and not isinstance(encoding, str):
            raise TypeError(f"encoding must be a str, not {type(encoding).__name__}")
        if isinstance(source, (bytes, bytearray)):
            if encoding is not None:
                try:
                    text = bytes(source).decode(encoding)
                except LookupError:
                    raise _invalid("encoding", encoding, "not a codec Python knows") from None
                except UnicodeDecodeError as e:
                    reason = f"is not {encoding} text"
                    raise _invalid("source", f"bytes ({e.reason} at offset {e.start})", reason) from None
                return cls(_gridgov.GridMap.from_geojson_text(text, code_property, crs))
            try:
                text = bytes(source).decode("utf-8")
            except UnicodeDecodeError as e:
                raise _invalid("source", f"bytes ({e.reason} at offset {e.start})", "GeoJSON must be UTF-8") from None
            return cls(_gridgov.GridMap.from_geojson_text(text, code_property, crs))
        if isinstance(source, str) and source.lstrip().lstrip("\ufeff").lstrip().startswith(("{", "[")):
            return cls(_gridgov.GridMap.from_geojson_text(source, code_property, crs))
        if isinstance(source, (str, os.PathLike)):
            if encoding is not None:
                text = read_text(source, "GeoJSON file", encoding)
                return cls(_gridgov.GridMap.from_geojson_text(text, code_property, crs))
            return cls(_gridgov.GridMap.load(os.fspath(source), code_property, crs))
        raise TypeError(f"source must be a path, GeoJSON text or a dict, not {type(source).__name__}")

    @classmethod
    def from_geodataframe(cls, gdf: Any, code_column: str = "code", *, crs: Optional[str] = None) -> GridMap:
        """A grid map from a ``geopandas.GeoDataFrame`` of polygons with the grid code in
        ``code_column``. Errors name rows as ``features[i]``, ``i`` being the row's position.
        Needs geopandas (imported here, not by ``import gridgov``).

        ``crs=None`` (default): a frame whose ``crs`` is set and is not EPSG:4326 is reprojected
        to it first (CGCS2000, EPSG:4490, is a null shift). ``crs="gcj02"`` or ``"bd09"``: the
        frame holds longitude/latitude digitised on Amap or Baidu tiles (systems no EPSG code
        names, so such frames usually carry EPSG:4326 or no ``crs``), converted to WGS-84 vertex
        by vertex; ``"wgs84"``/``"cgcs2000"`` take the coordinates as they are. With ``crs``
        given, a frame whose own ``crs`` is projected (not EPSG:4326 or 4490) raises
        :class:`ValidationError` naming it.
        """
        try:
            import geopandas  # type: ignore[import-untyped]  # noqa: F401
            import shapely  # type: ignore[import-untyped]
        except ImportError as e:
            raise ImportError(
                "GridMap.from_geodataframe needs geopandas (and shapely): pip install geopandas"
            ) from e
        if not hasattr(gdf, "geometry") or not hasattr(gdf, "columns"):
            raise TypeError(f"gdf must be a geopandas.GeoDataFrame, not {type(gdf).__name__}")
        if code_column not in gdf.columns:
            raise _invalid("code_column", code_column, "not a column of the GeoDataFrame")
        if crs is None:
            if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
                gdf = gdf.to_crs(epsg=4326)
            crs = "wgs84"
        elif not isinstance(crs, str):
            raise TypeError(f"crs must be a str or None, not {type(crs).__name__}")
        elif gdf.crs is not None and gdf.crs.to_epsg() not in (4326, 4490):
            raise _invalid(
                "crs",
                crs,
                f"the GeoDataFrame is in {gdf.crs.to_string()}; crs= names the system of "
                "longitude/latitude coordinates (reproject to EPSG:4326 first, or leave crs=None)",
            )
        geometries = shapely.to_geojson(np.asarray(gdf.geometry.array, dtype=object))
        codes = gdf[code_column].tolist()
        features = []
        for code, geometry in zip(codes, geometries):
            if code is None or (isinstance(code, float) and code != code):
                code_json = "null"
            else:
                code_json = json.dumps(str(code), ensure_ascii=False)
            geometry_json = "null" if geometry is None else geometry
            features.append(f'{{"type":"Feature","properties":{{"code":{code_json}}},"geometry":{geometry_json}}}')
        text = '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
        return cls(_gridgov.GridMap.from_geojson_text(text, "code", crs))

    # -- properties -------------------------------------------------------------------------

    @property
    def codes(self) -> list[str]:
        """Grid codes, sorted; :meth:`locate_index` returns positions in this list."""
        return self._core.codes()

    @property
    def version(self) -> Optional[str]:
        """Version of the boundaries (the model's version for :attr:`Model.grid_map`)."""
        return self._core.version

    @property
    def bbox(self) -> Optional[tuple[float, float, float, float]]:
        """``(min_lon, min_lat, max_lon, max_lat)`` of every grid; ``None`` when empty."""
        return self._core.bbox

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        """The map as a GeoJSON FeatureCollection dict (``shapely.geometry.shape`` and
        ``geopandas.GeoDataFrame.from_features`` read it); codes in property ``"code"``."""
        return json.loads(self._core.to_geojson())  # type: ignore[no-any-return]

    def __len__(self) -> int:
        return len(self._core)

    def index_of(self, code: str) -> Optional[int]:
        """Position of ``code`` in :attr:`codes`; ``None`` when the map has no such grid."""
        return self._core.index_of(code)

    def _index(self, code: str) -> int:
        i = self._core.index_of(code)
        if i is None:
            raise UnknownError(f"unknown grid {json.dumps(code, ensure_ascii=False)}", what="grid", value=code)
        return i

    def area_m2(self, code: str) -> float:
        """Area of a grid in m², holes excluded (on a local projection, within 10⁻⁵ of the
        ellipsoidal area); :class:`UnknownError` for a code not in the map."""
        return self._core.area_m2(self._index(code))

    # -- point location ---------------------------------------------------------------------

    def _locate(
        self, lon: ArrayLike, lat: ArrayLike, crs: str, threads: int
    ) -> tuple[npt.NDArray[np.int64], tuple[int, ...]]:
        if not isinstance(crs, str):
            raise TypeError(f"crs must be a str, not {type(crs).__name__}")
        if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)) or threads < 0:
            raise _invalid("threads", threads, "expected an int >= 0 (0: every core)")
        x, y, shape = _coords(lon, lat)
        return self._core.locate_many(x, y, crs, int(threads)), shape

    @overload
    def locate_index(self, lon: float, lat: float, crs: str = ..., *, threads: int = ...) -> int: ...
    @overload
    def locate_index(
        self, lon: ArrayLike, lat: ArrayLike, crs: str = ..., *, threads: int = ...
    ) -> Union[int, npt.NDArray[np.int64]]: ...

    def locate_index(
        self, lon: ArrayLike, lat: ArrayLike, crs: str = "wgs84", *, threads: int = 0
    ) -> Union[int, npt.NDArray[np.int64]]:
        """Grid index (position in :attr:`codes`) of each point, ``-1`` where it lies in no grid.

        ``lon``/``lat``: arrays of the same shape (any numeric dtype, pandas Series too) or
        scalars (then an ``int`` comes back). ``crs``: ``"wgs84"`` (default), ``"cgcs2000"``,
        ``"gcj02"`` or ``"bd09"`` (``"epsg:4326"``, ``"epsg:4490"`` too). ``threads``: 0 (default)
        uses every core; the result never depends on it. The GIL is released. NaN or infinite
        coordinates raise :class:`ValidationError` naming the (flat) index, e.g. ``lat[12]``.
        """
        idx, shape = self._locate(lon, lat, crs, threads)
        if shape == ():
            return int(idx[0])
        return idx.reshape(shape)

    @overload
    def locate(self, lon: float, lat: float, crs: str = ..., *, threads: int = ...) -> Optional[str]: ...
    @overload
    def locate(
        self, lon: ArrayLike, lat: ArrayLike, crs: str = ..., *, threads: int = ...
    ) -> Union[Optional[str], npt.NDArray[np.object_]]: ...

    def locate(
        self, lon: ArrayLike, lat: ArrayLike, crs: str = "wgs84", *, threads: int = 0
    ) -> Union[Optional[str], npt.NDArray[np.object_]]:
        """Grid code of each point as an ``object`` array of ``str``, with ``None`` where the
        point lies in no grid (``pandas.Series(result)`` then has missing values there); a
        scalar point gives a ``str`` or ``None``. Arguments as in :meth:`locate_index`.

        >>> Model.sample().grid_map.locate(np.array([117.0489, 0.0]), np.array([36.7391, 0.0]))
        array(['37990100100101', None], dtype=object)
        """
        idx, shape = self._locate(lon, lat, crs, threads)
        if self._lookup is None:
            lookup = np.empty(len(self._core) + 1, dtype=object)
            lookup[:-1] = self._core.codes()
            lookup[-1] = None  # index -1 picks it
            self._lookup = lookup
        out = self._lookup[idx]
        if shape == ():
            return out[0]  # type: ignore[no-any-return]
        return out.reshape(shape)

    # -- analysis ---------------------------------------------------------------------------

    def adjacency(self, min_shared_m: float = 1.0) -> list[tuple[str, str, float]]:
        """Pairs of grids sharing more than ``min_shared_m`` metres of boundary, as
        ``(code, code, shared metres)`` with the smaller code first, sorted. Grids touching at a
        vertex only are not adjacent."""
        codes = self._core.codes()
        return [(codes[i], codes[j], m) for (i, j, m) in self._core.adjacency(float(min_shared_m))]

    def check_against(self, model: Model) -> list[str]:
        """Codes of ``model``'s unit grids that have no boundary in this map, in the model's
        order. Raises :class:`ModelError` naming the features whose codes are not unit grids of
        the model."""
        # Recognised by its compiled core: _model imports this module (Model.grid_map), so
        # importing Model back here would make a cycle.
        core = getattr(model, "_core", None)
        if not isinstance(core, _gridgov.Model):
            raise TypeError(f"model must be a gridgov.Model, not {type(model).__name__}")
        return core.grids_without_boundary(self._core)

    def to_geojson(self) -> str:
        """The map as GeoJSON text (a FeatureCollection, codes in property ``"code"``);
        :meth:`from_geojson` reads it back."""
        return self._core.to_geojson()

    # -- protocol ---------------------------------------------------------------------------

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (_gridmap_from_geojson, (self._core.to_geojson(),))

    def __repr__(self) -> str:
        return f"<gridgov.GridMap {len(self)} grids version={self.version!r}>"


def _gridmap_from_geojson(text: str) -> GridMap:
    return GridMap(_gridgov.GridMap.from_geojson_text(text, _GEOJSON_CODE))


@overload
def convert(lon: float, lat: float, src: str = ..., dst: str = ...) -> tuple[float, float]: ...
@overload
def convert(lon: ArrayLike, lat: ArrayLike, src: str = ..., dst: str = ...) -> tuple[Any, Any]: ...


def convert(lon: ArrayLike, lat: ArrayLike, src: str = "gcj02", dst: str = "wgs84") -> tuple[Any, Any]:
    """Converts points between coordinate systems: ``"wgs84"``, ``"cgcs2000"`` (the same as
    WGS-84 at this precision), ``"gcj02"`` (Amap, Tencent) and ``"bd09"`` (Baidu).

    Scalars give a ``(lon, lat)`` tuple of floats, arrays a tuple of float64 arrays of the
    input's shape. GCJ-02 → WGS-84 iterates to better than 1e-7°; points outside China's box are
    not shifted, as the convention has it. NaN or infinite values and unknown names raise
    :class:`ValidationError`. The GIL is released for arrays.

    >>> convert(117.0489, 36.7391, "wgs84", "gcj02")  # about 540 m east, 50 m north
    (117.0549435974316, 36.73954150360104)
    """
    if not isinstance(src, str) or not isinstance(dst, str):
        raise TypeError("src and dst must be names of coordinate systems (str)")
    x, y, shape = _coords(lon, lat)
    if shape == ():
        return _gridgov.convert(float(x[0]), float(y[0]), src, dst)
    ox, oy = _gridgov.convert_many(x, y, src, dst)
    return ox.reshape(shape), oy.reshape(shape)

def check_point_columns(gridmap: object, columns: list[str], lon: str, lat: str, column: str) -> None:
    """The checks of a frame of points before its rows are located into ``column`` (shared by
    the Dask and Spark helpers): a :class:`GridMap`, both coordinate columns present, the new
    column not taken."""
    if not isinstance(gridmap, GridMap):
        raise TypeError(f"gridmap must be a gridgov.GridMap, not {type(gridmap).__name__}")
    for name, col in (("lon", lon), ("lat", lat)):
        if col not in columns:
            raise _invalid(name, repr(col), f"is not a column of the frame (columns: {columns})")
    if column in columns:
        raise _invalid("column", repr(column), "is already a column of the frame")
