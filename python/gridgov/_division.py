"""Grid-division analysis: which unit grids are "too fine or too coarse".

The rules live in the Rust core (``gridgov::division``); this module turns the caller's load
(a dict, a pandas Series or a NumPy array) into the core's input and its JSON report into
pandas tables.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from . import _gridgov
from ._common import c_array, import_pandas
from ._common import invalid as _invalid
from ._errors import UnknownError
from ._model import Model

__all__ = ["DivisionReport", "division_report"]

_TWO_64 = 2**64

#: Nullable integer columns of :attr:`DivisionReport.grids`.
_NULLABLE_INT = ("households", "population")
#: Boolean flag columns of :attr:`DivisionReport.grids`.
_FLAGS = ("households_low", "households_high", "load_low", "load_high", "no_workers")


def _pandas() -> Any:
    return import_pandas("gridgov.DivisionReport")


def _counts(values: Any, names: Sequence[str]) -> npt.NDArray[np.uint64]:
    """Checks case counts (whole numbers ``>= 0``) and returns them as ``uint64``;
    ``names[i]`` names element ``i`` in errors."""
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise _invalid("load", f"an array of shape {arr.shape}", "must be one-dimensional")
    kind = arr.dtype.kind
    if kind == "u":
        return arr.astype(np.uint64)
    if kind == "i":
        bad = arr < 0
        if bad.any():
            i = int(np.argmax(bad))
            raise _invalid(names[i], arr[i], "a number of cases cannot be negative")
        return arr.astype(np.uint64)
    if kind == "f":
        bad = ~np.isfinite(arr) | (arr < 0) | (arr != np.floor(arr)) | (arr >= _TWO_64)
        if bad.any():
            i = int(np.argmax(bad))
            raise _invalid(names[i], arr[i], "a number of cases must be a whole number >= 0")
        return arr.astype(np.uint64)
    # Objects, strings, booleans...: element by element, to name the first bad one.
    out = np.zeros(arr.size, dtype=np.uint64)
    for i, v in enumerate(arr.astype(object)):
        if isinstance(v, (float, np.floating)) and math.isfinite(v) and v == int(v):
            v = int(v)
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)) or not 0 <= int(v) < _TWO_64:
            raise _invalid(names[i], v, "a number of cases must be a whole number >= 0 (below 2**64)")
        out[i] = int(v)
    return out


def _per_grid(model: Model, load: Any) -> npt.NDArray[np.uint64]:
    """The load as one count per unit grid in ``model.grids()`` order."""
    grids = model.grids()
    is_series = hasattr(load, "index") and hasattr(load, "items") and getattr(load, "ndim", None) == 1
    if isinstance(load, Mapping) or (is_series and not isinstance(load, np.ndarray)):
        # A dict or a pandas Series keyed by grid code; missing grids have no case.
        position = {code: i for i, code in enumerate(grids)}
        items = list(load.items())
        codes = [str(code) for code, _ in items]
        where = np.empty(len(items), dtype=np.int64)
        for j, code in enumerate(codes):
            i = position.get(code)
            if i is None:
                raise UnknownError(f"unknown grid {json.dumps(code, ensure_ascii=False)}", what="grid", value=code)
            where[j] = i
        seen: set[str] = set()
        for code in codes:
            if code in seen:
                raise _invalid(f"load[{code!r}]", code, "the grid appears more than once")
            seen.add(code)
        values = _counts([v for _, v in items], [f"load[{c!r}]" for c in codes])
        out = np.zeros(len(grids), dtype=np.uint64)
        out[where] = values
        return out
    if isinstance(load, (str, bytes)):
        raise TypeError("load must be a dict or pandas Series keyed by grid code, or an array of counts")
    arr = np.asarray(load)
    if arr.ndim == 1 and arr.shape[0] != len(grids):
        raise _invalid(
            "load length",
            arr.shape[0],
            f"expected {len(grids)} entries, one per unit grid in Model.grids() order",
        )
    return _counts(arr, [f"load[{i}]" for i in range(arr.shape[0])] if arr.ndim == 1 else [])


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise _invalid(what, value, "must be a number")
    v = float(value)
    if not math.isfinite(v):
        raise _invalid(what, value, "must be a finite number >= 0")
    return v


class DivisionReport:
    """The result of :func:`division_report`.

    * :attr:`grids` — a ``pandas.DataFrame`` indexed by grid ``code``, one row per unit grid
      in the model's order: ``name``, ``community`` (parent area code), ``households``,
      ``population`` (nullable ``Int64``), ``area_m2``, ``cases``, ``supervisors``, ``workers``
      (worker equivalents: a supervisor of ``k`` grids counts ``1/k`` in each),
      ``load_per_worker`` (``NaN`` without workers) and the flags ``households_low``,
      ``households_high``, ``load_low``, ``load_high``, ``no_workers``;
    * :attr:`suggestions` — a ``DataFrame`` with ``kind`` (``"merge"`` or ``"split"``),
      ``grids`` (a tuple of codes), ``reason`` (words) and ``figures`` (a dict of the numbers
      behind it: combined households, cases and load per worker of a merge; parts, households
      per part, the city's median and Q3 of load per worker of a split...);
    * :attr:`summary` — a dict of city-wide figures: counts of flagged grids, ``load_q1``,
      ``load_median``, ``load_q3``, ``load_iqr``, ``lower_fence``, ``upper_fence``...;
    * :attr:`adjacency` — the adjacent pairs ``(code, code)``; :attr:`adjacency_source` says
      whether they come from ``"boundaries"`` or ``"declared"`` neighbours;
    * :meth:`to_json` — the core's JSON document (the same as the C ABI's).

    Tables need pandas (imported when first asked for, not by ``import gridgov``).
    """

    __slots__ = ("_cache", "_doc", "_text")

    def __init__(self, text: str) -> None:
        """Wraps the core's JSON report (internal; use :func:`division_report`)."""
        self._text = text
        self._doc: dict[str, Any] = json.loads(text)
        self._cache: dict[str, Any] = {}

    @property
    def config(self) -> dict[str, Any]:
        """The settings used (``households_min``, ``households_max``, ``outlier_k``,
        ``adjacency``, ``min_shared_m``)."""
        return dict(self._doc["config"])

    @property
    def adjacency_source(self) -> str:
        """``"boundaries"`` (shared grid boundaries) or ``"declared"`` (the areas'
        ``neighbours``)."""
        return str(self._doc["adjacency_source"])

    @property
    def summary(self) -> dict[str, Any]:
        """City-wide figures (``None`` for quartiles and fences when no grid has workers)."""
        return dict(self._doc["summary"])

    @property
    def adjacency(self) -> list[tuple[str, str]]:
        """Adjacent unit grids as ``(code, code)`` pairs, the first in model order first."""
        return [(p["a"], p["b"]) for p in self._doc["adjacency"]]

    @property
    def grids(self) -> Any:
        """One row per unit grid (see the class docstring), indexed by code."""
        if "grids" not in self._cache:
            pd = _pandas()
            frame = pd.DataFrame.from_records(self._doc["grids"])
            if frame.empty:
                frame = pd.DataFrame(columns=["code"])
            for col in _NULLABLE_INT:
                if col in frame:
                    frame[col] = frame[col].astype("Int64")
            for col in ("area_m2", "workers", "load_per_worker"):
                if col in frame:
                    frame[col] = frame[col].astype("float64")
            if "cases" in frame:
                frame["cases"] = frame["cases"].astype("uint64")
            for col in _FLAGS:
                if col in frame:
                    frame[col] = frame[col].astype(bool)
            self._cache["grids"] = frame.set_index("code")
        return self._cache["grids"].copy()

    @property
    def suggestions(self) -> Any:
        """One row per suggestion: ``kind``, ``grids``, ``reason``, ``figures``."""
        if "suggestions" not in self._cache:
            pd = _pandas()
            rows = []
            for s in self._doc["suggestions"]:
                figures = {k: v for k, v in s.items() if k not in ("kind", "grids", "reason")}
                rows.append({"kind": s["kind"], "grids": tuple(s["grids"]), "reason": s["reason"], "figures": figures})
            self._cache["suggestions"] = pd.DataFrame.from_records(rows, columns=["kind", "grids", "reason", "figures"])
        return self._cache["suggestions"].copy()

    def to_dict(self) -> dict[str, Any]:
        """The report as a dict (the parsed :meth:`to_json`)."""
        return json.loads(self._text)  # type: ignore[no-any-return]

    def to_json(self) -> str:
        """The report as the core's JSON (shape documented in the Rust ``gridgov::division``
        module and the C header)."""
        return self._text

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DivisionReport):
            return NotImplemented
        return self._doc == other._doc

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (DivisionReport, (self._text,))

    def __repr__(self) -> str:
        s = self._doc["summary"]
        return (
            f"<gridgov.DivisionReport {s['grids']} grids, {s['flagged']} flagged, "
            f"{s['merge_suggestions']} merges, {s['split_suggestions']} splits>"
        )


def division_report(
    model: Model,
    load: Any,
    *,
    households: tuple[int, int] = (300, 500),
    outlier_k: float = 1.5,
    adjacency: str = "auto",
    min_shared_m: float = 1.0,
) -> DivisionReport:
    """Analyses the division of ``model``'s unit grids under a case load.

    ``load`` is the number of cases per unit grid over some period: a dict ``{code: cases}``
    or a pandas Series indexed by grid code (grids left out have no case; a code that is not
    a unit grid of the model raises :class:`UnknownError`), or an array of counts aligned with
    :meth:`Model.grids`. Counts are whole numbers ``>= 0`` (a negative, fractional or missing
    count raises :class:`ValidationError` naming it, e.g. ``load['37990100100101']``).

    ``households`` are the bounds per grid (default 300-500: the figure commonly cited for
    urban communities, a plausible default rather than a standard); ``outlier_k`` the Tukey
    factor: a grid whose cases per worker lie below ``Q1 - k·IQR`` or above ``Q3 + k·IQR``
    of the city's distribution (quartiles as ``numpy.quantile``'s default) is flagged
    ``load_low`` / ``load_high``. ``adjacency`` is ``"auto"`` (shared boundaries when the
    model has them, else declared neighbours), ``"boundaries"`` or ``"declared"``;
    ``min_shared_m`` the shared boundary length above which grids are adjacent.

    Suggestions: merge two adjacent grids of one community that are both under-loaded
    (households below the minimum or ``load_low``, not ``load_high``) when their combined
    households stay within the maximum (smallest combined first, each grid in one merge at
    most); split a grid above the household maximum or ``load_high`` into
    ``max(2, ceil(households / maximum))`` parts.

    >>> model = gridgov.Model.sample()
    >>> report = gridgov.division_report(model, {"37990100100101": 12})
    >>> report.summary["grids"], report.adjacency_source
    (408, 'boundaries')
    """
    if not isinstance(model, Model):
        raise TypeError(f"model must be a gridgov.Model, not {type(model).__name__}")
    if isinstance(households, (str, bytes)) or not isinstance(households, Sequence) or len(households) != 2:
        raise _invalid("households", households, "must be a (minimum, maximum) pair")
    lo, hi = households
    config = {
        "households_min": lo,
        "households_max": hi,
        "outlier_k": _number(outlier_k, "outlier_k"),
        "adjacency": adjacency,
        "min_shared_m": _number(min_shared_m, "min_shared_m"),
    }
    for what, v in (("households_min", lo), ("households_max", hi)):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
            raise _invalid(what, v, "must be a whole number of households")
        config[what] = int(v)
    per_grid = c_array(_per_grid(model, load), dtype=np.uint64)
    text = _gridgov.division_report_json(model._core, per_grid, json.dumps(config))
    return DivisionReport(text)
