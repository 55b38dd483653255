"""``gridgov locate``: the unit grid of each point of a CSV file."""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Sequence
from typing import Any, Optional

import numpy as np
import numpy.typing as npt

from .._common import import_pandas, read_text
from .._model import Model
from .._spatial import convert
from ._args import Commands, command, output_args
from ._inputs import (
    _existing,
    _grid_map,
)
from ._shared import (
    CRS_NAMES,
    EXIT_OK,
    Progress,
    UsageError,
    _emit,
    _first_line,
)

_LON = ("lon", "lng", "longitude", "x", "经度")

_LAT = ("lat", "latitude", "y", "纬度")


def add(sub: Commands) -> None:
    """Adds ``gridgov locate`` to the subcommands."""
    c = command(
        sub,
        "locate", "the unit grid of each point of a CSV file",
        "Adds a 'grid' column to a CSV file of points: the unit grid each lies in, empty outside "
        "every grid. BOUNDARIES is a GeoJSON file of unit grids, or 'sample' (the sample city's). "
        "--crs names the points' coordinate system: phones and Amap send gcj02, Baidu bd09, GPS "
        "receivers wgs84.",
        run,
    )
    c.add_argument("boundaries", metavar="BOUNDARIES", help="a GeoJSON file of unit grids, or 'sample'")
    c.add_argument("points", metavar="POINTS", help="a CSV file with longitude and latitude columns")
    c.add_argument("--crs", required=True, help="the points' coordinate system: " + ", ".join(CRS_NAMES))
    c.add_argument("--boundaries-crs", choices=CRS_NAMES, default="wgs84",
                   help="the boundaries' coordinate system (default: wgs84)")
    c.add_argument("--code-property", default="code", help="the GeoJSON property holding the grid code")
    c.add_argument("--lon", metavar="COLUMN", help="the longitude column (default: lon, lng, longitude, x or 经度)")
    c.add_argument("--lat", metavar="COLUMN", help="the latitude column (default: lat, latitude, y or 纬度)")
    c.add_argument("--encoding", metavar="CODEC", help="the CSV file's encoding (default: UTF-8 or GBK detected)")
    output_args(c)


def _column(frame: Any, given: Optional[str], candidates: Sequence[str], what: str, path: str) -> str:
    columns = [str(c) for c in frame.columns]
    if given is not None:
        if given not in columns:
            raise UsageError(f'{path} has no column "{given}" ({what}); its columns: {", ".join(columns)}')
        return given
    lowered = {c.strip().lower(): c for c in columns}
    for name in candidates:
        if name in lowered:
            return lowered[name]
    raise UsageError(
        f"{path} has no {what} column ({', '.join(candidates)}); name it with --{what[:3]} "
        f"(its columns: {', '.join(columns)})"
    )


def _numbers(frame: Any, column: str, path: str) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """The column as degrees, and where it is blank (a report without a position); any other
    text that is not a finite number is refused, naming its line."""
    pd = import_pandas("gridgov locate")
    text = frame[column].astype(str).str.strip()
    blank = (text == "").to_numpy(dtype=bool)
    values = pd.to_numeric(text.where(~blank, "nan"), errors="coerce").to_numpy(dtype=np.float64)
    bad = ~blank & ~np.isfinite(values)
    if bad.any():
        row = int(bad.argmax())
        raise UsageError(f'{path} line {row + 2}: {column} "{frame[column].iloc[row]}" is not a number (degrees)')
    return values, blank


def run(args: argparse.Namespace) -> int:
    crs = args.crs.strip().lower()
    convert(0.0, 0.0, crs, "wgs84")  # an unknown name raises here, naming it, before any reading
    if args.boundaries == "sample":
        grid_map = Model.sample().grid_map
        assert grid_map is not None  # the sample city has boundaries
    else:
        grid_map = _grid_map(args.boundaries, args.code_property, args.boundaries_crs)
    _existing(args.points, "points file")
    pd = import_pandas("gridgov locate")
    text = read_text(args.points, "points file", args.encoding)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (ValueError, pd.errors.ParserError) as e:
        raise UsageError(f"points file {args.points} is not a CSV file: {_first_line(e)}") from None
    lon_col = _column(frame, args.lon, _LON, "longitude", args.points)
    lat_col = _column(frame, args.lat, _LAT, "latitude", args.points)
    (lon, lon_blank), (lat, lat_blank) = _numbers(frame, lon_col, args.points), _numbers(frame, lat_col, args.points)
    placed = ~(lon_blank | lat_blank)
    grids = np.full(len(frame), None, dtype=object)
    with Progress().step(f"locating {int(placed.sum()):,} points"):
        grids[placed] = grid_map.locate(lon[placed], lat[placed], crs)
    frame["grid"] = pd.Series(grids, dtype=object, index=frame.index)
    located = int(frame["grid"].notna().sum())
    unplaced = len(frame) - int(placed.sum())
    print(
        f"{args.points}: {located:,} of {len(frame):,} points located into {frame['grid'].nunique():,} grids; "
        f"{len(frame) - located - unplaced:,} outside every grid ({crs}); {unplaced:,} without coordinates",
        file=sys.stderr,
    )
    frame["grid"] = frame["grid"].where(frame["grid"].notna(), "")
    _emit(frame, args)
    return EXIT_OK
