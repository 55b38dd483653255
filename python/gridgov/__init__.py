"""gridgov: urban grid management (网格化管理 / 数字城管) for analysts.

A thin Python layer over the Rust core (the compiled module ``gridgov._gridgov``):

* :class:`Calendar` — working calendars with China's 调休 make-up days; working-time
  arithmetic on ``datetime`` objects and, in bulk, on NumPy arrays (GIL released).
* :class:`Model` — a city model: area tree, units and workers, the responsibility matrix
  (routing and its static gap/conflict check), the category catalog and time limits.
* :class:`GridMap` — unit-grid boundaries: point location of NumPy arrays of coordinates
  (GIL released, every core), adjacency, GeoJSON in and out; :func:`convert` between China's
  coordinate systems (WGS-84, CGCS2000, GCJ-02, BD-09).
* :class:`Engine` — the case engine: reports and actions through the lifecycle, stage
  deadlines and lights, escalation sweeps, access control, the event log (JSON lines, pandas)
  and replay.
* :func:`division_report` — grid-division analysis: grids outside the household bounds or
  with outlying load per worker, the adjacency graph, merge and split suggestions with their
  figures (pandas tables).
* One exception tree under :class:`GridgovError`.

Time conventions (every function follows them):

* A **naive** ``datetime`` is a wall-clock time in the calendar's zone (UTC+8 for the China
  calendar); an **aware** one is converted. Results come back in the style of the input: naive
  in the calendar's zone for naive input, aware in the input's ``tzinfo`` for aware input.
* NumPy ``datetime64`` arrays (any unit) are **UTC instants**, because NumPy has no zone; pass
  ``local=True`` to read them as wall-clock times of the calendar's zone instead (results are
  then local too). Integer arrays are milliseconds since the Unix epoch (UTC). A tz-aware
  pandas ``Series``/``DatetimeIndex`` is converted to UTC. Bulk results are ``datetime64[ms]``,
  ``timedelta64[ms]`` or ``bool`` arrays of the input's shape.
* Precision is the millisecond: finer parts (microseconds, nanoseconds) are **floored**
  (truncated toward -inf, as NumPy's ``astype("datetime64[ms]")`` does), for datetimes,
  timedeltas and arrays alike.
* ``NaT``, negative durations, overflow, mismatched shapes and wrong dtypes raise
  :class:`ValidationError` naming the argument and the element index (``starts[3]``); dates
  outside the calendar's covered years raise :class:`CalendarRangeError`, never a guess.

Every class pickles (by value: a calendar as its spec, a model as its JSON plus its boundaries,
a grid map as its GeoJSON, an engine as its model plus its events), so they can be shipped to
Dask or Spark workers.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any, Optional, Union, overload

import numpy as np
import numpy.typing as npt

from . import _gridgov
from ._common import first_true as _first
from ._common import import_pandas
from ._common import invalid as _invalid
from ._division import DivisionReport, division_report
from ._errors import (
    CalendarRangeError,
    CodeError,
    DutyConflictError,
    GridgovError,
    GridgovIOError,
    InvalidTransition,
    ModelError,
    NoResponsibleUnitError,
    ParseError,
    PermissionDenied,
    RoutingError,
    UnknownError,
    ValidationError,
)

__version__: str = _gridgov.__version__

__all__ = [
    "Actor",
    "Area",
    "Calendar",
    "CalendarRangeError",
    "Case",
    "Category",
    "CheckReport",
    "Citizen",
    "CodeError",
    "Conflict",
    "DivisionReport",
    "DutyConflictError",
    "Engine",
    "Escalation",
    "Gap",
    "GridMap",
    "GridgovError",
    "GridgovIOError",
    "InvalidTransition",
    "Model",
    "ModelError",
    "NoResponsibleUnitError",
    "ParseError",
    "PermissionDenied",
    "Records",
    "RoutingError",
    "Scorecard",
    "Unit",
    "UnknownError",
    "ValidationError",
    "Worker",
    "__version__",
    "compare",
    "convert",
    "division_report",
    "score",
    "simulate",
    "verify_events",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_ONE_MS = timedelta(milliseconds=1)
_MINUTE_MS = 60_000
_I64 = np.iinfo(np.int64)
_NAT = int(_I64.min)
_DATE_UNITS = ("Y", "M", "W", "D")

#: Anything NumPy turns into an array of instants: ``datetime64`` (any unit) or integer epoch ms.
ArrayLike = npt.ArrayLike
StrPath = Union[str, "os.PathLike[str]"]




# ---------------------------------------------------------------------------------------------
# Calendar
# ---------------------------------------------------------------------------------------------


class Calendar:
    """A working calendar: weekly working windows plus per-date rules (holidays off, 调休
    make-up days on, half days), in a fixed UTC offset, covering whole years.

    ``Calendar()`` (or ``Calendar.china()``) is the built-in China calendar: State Council
    schedules 2024-2026, 08:00-12:00 and 14:00-18:00, UTC+8. ``Calendar(spec)`` also accepts the
    name of a built-in calendar or a calendar table as a dict (see :meth:`from_dict`).

    Naive datetimes are read in the calendar's zone, aware ones converted; results keep the
    style of the input (see the module docstring). Asking about a date outside :attr:`years`
    raises :class:`CalendarRangeError`.

    >>> cal = Calendar.china()
    >>> cal.add_working(datetime(2024, 2, 2, 16, 0), timedelta(hours=3))  # 调休 Sunday
    datetime.datetime(2024, 2, 4, 9, 0)
    """

    __slots__ = ("_core",)

    def __init__(self, spec: str | Mapping[str, Any] = "china") -> None:
        self._core: _gridgov.Calendar = _gridgov.Calendar.from_json(json.dumps(spec, ensure_ascii=False))

    @classmethod
    def _wrap(cls, core: _gridgov.Calendar) -> Calendar:
        cal = cls.__new__(cls)
        cal._core = core
        return cal

    # -- construction -----------------------------------------------------------------------

    @classmethod
    def china(cls) -> Calendar:
        """The built-in China calendar (2024-2026, UTC+8, 调休 included)."""
        return cls._wrap(_gridgov.Calendar.china())

    @classmethod
    def from_toml(cls, text: str) -> Calendar:
        """A calendar from a TOML calendar table, e.g. ``base = "china"`` plus local dates.

        Raises :class:`ParseError` for malformed text, :class:`ModelError` (with ``issues``)
        for invalid content.
        """
        return cls._wrap(_gridgov.Calendar.from_toml(text))

    @classmethod
    def from_json(cls, text: str) -> Calendar:
        """A calendar from a JSON calendar object, or a built-in name as a JSON string."""
        return cls._wrap(_gridgov.Calendar.from_json(text))

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any]) -> Calendar:
        """A calendar from a dict shaped like the ``[calendar]`` table of a model file::

            Calendar.from_dict({"base": "china", "name": "shenzhen",
                                "dates": [{"date": "2024-02-09", "rule": "off"}]})
        """
        return cls.from_json(json.dumps(dict(spec), ensure_ascii=False))

    def to_dict(self) -> Any:
        """What the calendar was built from (a built-in name as ``str``, or the table as a
        dict); ``Calendar(cal.to_dict())`` rebuilds it."""
        return json.loads(self._core.spec_json())

    # -- properties -------------------------------------------------------------------------

    @property
    def name(self) -> str:
        """The calendar's name (``"china"`` for the built-in one)."""
        return self._core.name

    @property
    def years(self) -> tuple[int, int]:
        """First and last covered year, inclusive."""
        return self._core.years

    @property
    def utc_offset(self) -> timedelta:
        """The fixed UTC offset of the calendar's local days."""
        return timedelta(minutes=self._core.utc_offset_minutes)

    @property
    def tzinfo(self) -> timezone:
        """The calendar's zone as a fixed-offset ``datetime.timezone``."""
        return timezone(self.utc_offset)

    @property
    def day_length(self) -> timedelta:
        """Working time that makes one ``working_days`` unit of a time limit (default 8 h)."""
        return timedelta(minutes=self._core.day_length_minutes)

    # -- conversions ------------------------------------------------------------------------

    def _ms(self, value: datetime, what: str) -> int:
        if not isinstance(value, datetime):
            raise TypeError(f"{what} must be a datetime.datetime, not {type(value).__name__}")
        if value != value:  # pandas.NaT is a datetime that is not equal to itself
            raise _invalid(what, "NaT", "NaT is not an instant")
        if value.tzinfo is None or value.utcoffset() is None:
            value = value.replace(tzinfo=self.tzinfo)
        return (value - _EPOCH) // _ONE_MS

    def _datetime(self, ms: int, like: datetime) -> datetime:
        utc = _EPOCH + timedelta(milliseconds=ms)
        if like.tzinfo is None or like.utcoffset() is None:
            return utc.astimezone(self.tzinfo).replace(tzinfo=None)
        return utc.astimezone(like.tzinfo)

    @staticmethod
    def _duration_ms(value: timedelta, what: str) -> int:
        if not isinstance(value, timedelta):
            raise TypeError(f"{what} must be a datetime.timedelta, not {type(value).__name__}")
        if value != value:  # pandas.NaT
            raise _invalid(what, "NaT", "NaT is not a duration")
        if value < timedelta(0):
            raise _invalid(what, value, "working durations must be >= 0")
        return value // _ONE_MS

    def _local_date(self, day: date) -> date:
        if isinstance(day, datetime):
            if day.tzinfo is None or day.utcoffset() is None:
                return day.date()
            return day.astimezone(self.tzinfo).date()
        if not isinstance(day, date):
            raise TypeError(f"day must be a datetime.date, not {type(day).__name__}")
        return day

    # -- scalar operations ------------------------------------------------------------------

    def is_workday(self, day: date) -> bool:
        """Whether a date is a workday. A ``datetime`` counts by its local date in the
        calendar's zone (naive: as is; aware: converted first).

        Raises :class:`CalendarRangeError` outside :attr:`years`.
        """
        d = self._local_date(day)
        return self._core.is_workday(d.year, d.month, d.day)

    def working_minutes(self, day: date) -> int:
        """Working minutes on a (local) date: 480 on a normal workday, 0 on a day off."""
        d = self._local_date(day)
        return self._core.working_minutes_on(d.year, d.month, d.day)

    def windows(self, day: date) -> list[tuple[int, int]]:
        """Working windows of a (local) date as ``(start, end)`` minutes after midnight,
        half-open; e.g. ``[(480, 720), (840, 1080)]`` for 08:00-12:00 and 14:00-18:00."""
        d = self._local_date(day)
        return self._core.windows_on(d.year, d.month, d.day)

    def add_working(self, start: datetime, duration: timedelta) -> datetime:
        """The instant ``duration`` of working time after ``start`` (the earliest ``t`` with
        that much working time in ``[start, t)``). A zero duration returns ``start``; a
        duration ending exactly at a window's end gives that end (12:00, not 14:00).

        >>> Calendar.china().add_working(datetime(2025, 3, 3, 17, 30), timedelta(hours=4))
        datetime.datetime(2025, 3, 4, 11, 30)
        """
        ms = self._core.add_working(self._ms(start, "start"), self._duration_ms(duration, "duration"))
        return self._datetime(ms, start)

    def working_between(self, a: datetime, b: datetime) -> timedelta:
        """Working time in ``[a, b)``; negative when ``b < a``."""
        return timedelta(milliseconds=self._core.working_between(self._ms(a, "a"), self._ms(b, "b")))

    def next_working(self, t: datetime) -> datetime:
        """``t`` itself when it lies inside a working window, else the start of the next one."""
        return self._datetime(self._core.next_working(self._ms(t, "t")), t)

    def add_limit(self, start: datetime, limit: str) -> datetime:
        """``start`` plus a time limit written as in model files: ``"4 working_hours"``,
        ``"2 working_days"`` (N x :attr:`day_length` of working time), ``"90 working_minutes"``,
        or continuous ``"2 hours"`` / ``"1 days"``."""
        if not isinstance(limit, str):
            raise TypeError(f"limit must be a str, not {type(limit).__name__}")
        return self._datetime(self._core.add_limit(self._ms(start, "start"), limit), start)

    # -- bulk operations --------------------------------------------------------------------

    def _instants(self, values: ArrayLike, name: str, local: bool) -> tuple[npt.NDArray[np.int64], bool]:
        """Epoch-ms int64 view/copy of an array of instants, shifted to UTC when local.

        Returns the UTC ms array and whether the values were read as local wall times."""
        tz = getattr(values, "tz", None)
        if tz is None:
            tz = getattr(getattr(values, "dt", None), "tz", None)
        if tz is not None:
            if local:
                raise _invalid("local", True, f"{name} is tz-aware; local=True needs zone-less values")
            values = np.asarray(values, dtype="datetime64[ns]")  # UTC instants
        a = np.asarray(values)
        if a.dtype.kind == "M":
            if np.datetime_data(a.dtype)[0] in _DATE_UNITS:
                local = True  # calendar dates: local days, not UTC midnights
            ms = a.astype("datetime64[ms]", copy=False).view(np.int64)
        elif a.dtype.kind in "iu" and np.can_cast(a.dtype, np.int64):
            ms = a.astype(np.int64, copy=False)
        else:
            raise _invalid(
                name,
                f"array of dtype {a.dtype}",
                "expected datetime64 values or int64 epoch milliseconds",
            )
        if local:
            ms = self._shift(ms, name, -self._core.utc_offset_minutes * _MINUTE_MS)
        return ms, local

    @staticmethod
    def _shift(ms: npt.NDArray[np.int64], name: str, by: int) -> npt.NDArray[np.int64]:
        flat = ms.ravel()
        nat = flat == _NAT
        if nat.any():
            i = _first(nat)
            raise _invalid(f"{name}[{i}]", "NaT", "NaT is not an instant")
        lo, hi = _I64.min - min(by, 0), _I64.max - max(by, 0)
        out = (flat < lo) | (flat > hi)
        if out.any():
            i = _first(out)
            raise _invalid(f"{name}[{i}]", int(flat[i]), "out of range: shifting by the UTC offset overflows")
        return ms + np.int64(by)

    def _durations(self, values: ArrayLike, name: str) -> npt.NDArray[np.int64]:
        d = np.asarray(values)
        if d.dtype.kind == "m":
            ms = d.astype("timedelta64[ms]", copy=False).view(np.int64)
            bad = ms < 0  # NaT is i64::MIN, negative too
            if bad.any():
                i = _first(bad.ravel())
                v = ms.ravel()[i]
                shown = "NaT" if v == _NAT else str(d.ravel()[i])
                raise _invalid(f"{name}[{i}]", shown, "working durations must be >= 0 (and not NaT)")
            return ms
        if d.dtype.kind in "iu" and np.can_cast(d.dtype, np.int64):
            m = d.astype(np.int64, copy=False)
            bad = (m < 0) | (m > _I64.max // _MINUTE_MS)
            if bad.any():
                i = _first(bad.ravel())
                v = int(m.ravel()[i])
                reason = "working durations must be >= 0" if v < 0 else "overflows when converted to milliseconds"
                raise _invalid(f"{name}[{i}]", v, reason)
            return m * np.int64(_MINUTE_MS)
        raise _invalid(
            name,
            f"array of dtype {d.dtype}",
            "expected integer minutes or timedelta64 values",
        )

    @staticmethod
    def _pair(
        a: npt.NDArray[np.int64], b: npt.NDArray[np.int64], names: tuple[str, str]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], tuple[int, ...]]:
        if a.shape != b.shape:
            try:
                a, b = np.broadcast_arrays(a, b)
            except ValueError:
                raise _invalid(
                    "shapes",
                    f"{names[0]} {a.shape}, {names[1]} {b.shape}",
                    "the arrays must have the same length (or broadcast together)",
                ) from None
        return np.ascontiguousarray(a.ravel()), np.ascontiguousarray(b.ravel()), a.shape

    def _out(self, ms: npt.NDArray[np.int64], shape: tuple[int, ...], local: bool) -> npt.NDArray[np.datetime64]:
        if local:
            ms += np.int64(self._core.utc_offset_minutes * _MINUTE_MS)
        return ms.view("datetime64[ms]").reshape(shape)

    def add_working_many(
        self, starts: ArrayLike, minutes: ArrayLike, *, local: bool = False
    ) -> npt.NDArray[np.datetime64]:
        """Bulk :meth:`add_working`: ``starts[i]`` plus ``minutes[i]`` of working time.

        ``starts``: ``datetime64`` (any unit; UTC instants unless ``local=True``) or int64 epoch
        ms. ``minutes``: integer minutes, or ``timedelta64`` (any unit); a scalar broadcasts.
        Returns ``datetime64[ms]`` (UTC, or local wall times with ``local=True``). The GIL is
        released while the core works. Errors name the element: ``starts[3]``, ``minutes[7]``.
        """
        s, local = self._instants(starts, "starts", local)
        d = self._durations(minutes, "minutes")
        s, d, shape = self._pair(s, d, ("starts", "minutes"))
        return self._out(self._core.add_working_many(s, d), shape, local)

    def working_between_many(self, a: ArrayLike, b: ArrayLike, *, local: bool = False) -> npt.NDArray[np.timedelta64]:
        """Bulk :meth:`working_between`: working time in ``[a[i], b[i])`` as
        ``timedelta64[ms]``."""
        x, _ = self._instants(a, "a", local)
        y, _ = self._instants(b, "b", local)
        x, y, shape = self._pair(x, y, ("a", "b"))
        return self._core.working_between_many(x, y).view("timedelta64[ms]").reshape(shape)

    def next_working_many(self, t: ArrayLike, *, local: bool = False) -> npt.NDArray[np.datetime64]:
        """Bulk :meth:`next_working`, as ``datetime64[ms]``."""
        ms, local = self._instants(t, "t", local)
        shape = ms.shape
        return self._out(self._core.next_working_many(np.ascontiguousarray(ms.ravel())), shape, local)

    def is_workday_many(self, t: ArrayLike, *, local: bool = False) -> npt.NDArray[np.bool_]:
        """Bulk :meth:`is_workday` by each instant's local date. ``datetime64[D]`` (or coarser)
        arrays are calendar dates and read as local days whatever ``local`` says."""
        ms, _ = self._instants(t, "t", local)
        return self._core.is_workday_many(np.ascontiguousarray(ms.ravel())).reshape(ms.shape)

    # -- protocol ---------------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Calendar):
            return NotImplemented
        return self._core == other._core

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (_calendar_from_json, (self._core.spec_json(),))

    def __repr__(self) -> str:
        first, last = self.years
        off = self._core.utc_offset_minutes
        sign = "+" if off >= 0 else "-"
        return f"<gridgov.Calendar {self.name!r} {first}-{last} UTC{sign}{abs(off) // 60:02d}:{abs(off) % 60:02d}>"


def _calendar_from_json(text: str) -> Calendar:
    return Calendar.from_json(text)


# ---------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Area:
    """An area of the territory tree (city, district, street, community, unit grid...)."""

    code: str
    name: str
    #: Level name, e.g. ``"grid"``.
    level: str
    #: Code of the parent area; ``None`` at the top.
    parent: Optional[str]
    population: Optional[int]
    households: Optional[int]
    area_m2: Optional[float]
    #: Codes of declared neighbouring areas.
    neighbours: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Unit:
    """A unit: supervision/command centre, department, street office, community station."""

    id: str
    name: str
    #: ``supervision_centre``, ``command_centre``, ``department``, ``street_office``,
    #: ``community_station`` or ``other``.
    kind: str
    #: The unit it escalates to; ``None`` at the top.
    parent: Optional[str]
    #: Codes of the areas it acts in.
    jurisdiction: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Worker:
    """A worker with one role: ``supervisor``, ``acceptor``, ``shift_leader``, ``dispatcher``,
    ``handler``, ``manager`` or ``auditor``."""

    id: str
    name: str
    role: str
    #: Id of the worker's unit.
    unit: str
    #: Unit-grid codes assigned (supervisors).
    grids: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Category:
    """A leaf problem category (部件 component or 事件 event), e.g. ``C0101`` 上水井盖."""

    key: str
    name: str
    #: ``"component"`` (部件, key letter C) or ``"event"`` (事件, key letter E).
    family: str
    #: Handling limit per urgency, e.g. ``{"normal": "4 working_hours", "urgent": "2 hours"}``.
    limits: dict[str, str] = dataclasses.field(default_factory=dict, hash=False)
    #: Limits of the verify, dispatch and check stages.
    stages: dict[str, str] = dataclasses.field(default_factory=dict, hash=False)
    #: Filing condition (立案条件).
    filing: str = ""
    #: Closing condition (结案条件).
    closing: str = ""
    #: Where the limits come from.
    source: Optional[str] = None

    @property
    def code(self) -> str:
        """Alias of :attr:`key`."""
        return self.key

    @property
    def kind(self) -> str:
        """Alias of :attr:`family` (``"component"`` or ``"event"``)."""
        return self.family

    @classmethod
    def _from_json(cls, d: Mapping[str, Any]) -> Category:
        return cls(
            key=d["key"],
            name=d["name"],
            family=d["family"],
            limits=dict(d.get("limits", {})),
            stages=dict(d.get("stages", {})),
            filing=d.get("filing", ""),
            closing=d.get("closing", ""),
            source=d.get("source"),
        )


@dataclasses.dataclass(frozen=True)
class Gap:
    """Cells of one category that no duty rule and no fallback covers."""

    category: str
    #: Maximal areas whose every unit grid is uncovered.
    areas: tuple[str, ...]
    #: Number of unit grids uncovered.
    grids: int


@dataclasses.dataclass(frozen=True)
class Conflict:
    """Cells of one category where equally specific rules name different units (多头管理)."""

    category: str
    #: Indices of the competing rules in the model's ``duty`` list.
    rules: tuple[int, ...]
    #: The units they name.
    units: tuple[str, ...]
    #: Maximal areas whose every unit grid is in this conflict.
    areas: tuple[str, ...]
    #: Number of unit grids affected.
    grids: int


@dataclasses.dataclass(frozen=True)
class CheckReport:
    """The static check of a responsibility matrix over every (leaf category x unit grid)."""

    categories: int
    grids: int
    #: Cells checked (categories x grids).
    cells: int
    #: Cells decided by the territorial fallback (属地兜底).
    fallback_cells: int
    gap_cells: int
    conflict_cells: int
    gaps: tuple[Gap, ...] = ()
    conflicts: tuple[Conflict, ...] = ()

    @property
    def is_clean(self) -> bool:
        """``True`` when there is neither a gap nor a conflict."""
        return not self.gaps and not self.conflicts

    def to_dict(self) -> dict[str, Any]:
        """The report as plain dicts and lists (the core's JSON shape)."""
        return json.loads(self.to_json())  # type: ignore[no-any-return]

    def to_json(self) -> str:
        """The report as JSON (the same shape the C ABI returns)."""
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> CheckReport:
        """Rebuilds a report from :meth:`to_dict` output (or the core's JSON)."""
        return cls(
            categories=d["categories"],
            grids=d["grids"],
            cells=d["cells"],
            fallback_cells=d["fallback_cells"],
            gap_cells=d["gap_cells"],
            conflict_cells=d["conflict_cells"],
            gaps=tuple(Gap(g["category"], tuple(g["areas"]), g["grids"]) for g in d["gaps"]),
            conflicts=tuple(
                Conflict(c["category"], tuple(c["rules"]), tuple(c["units"]), tuple(c["areas"]), c["grids"])
                for c in d["conflicts"]
            ),
        )


# ---------------------------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------------------------


class Model:
    """A validated city model: territory, organisation, duty matrix, catalog and calendar.

    Build one with :meth:`sample`, :meth:`load`, :meth:`from_toml`, :meth:`from_json` or
    :meth:`from_dict`; loading reports **every** problem of a bad file at once in
    :attr:`ModelError.issues` as ``(path, message)`` pairs.

    Records come back as frozen dataclasses; ``pandas.DataFrame(model.areas())`` makes a table.
    """

    __slots__ = ("_core",)

    def __init__(self, core: _gridgov.Model) -> None:
        """Wraps a compiled model (internal; use the class methods)."""
        if not isinstance(core, _gridgov.Model):
            raise TypeError("use Model.sample(), Model.load(path), Model.from_toml(text) or Model.from_json(text)")
        self._core = core

    # -- construction -----------------------------------------------------------------------

    @classmethod
    def sample(cls) -> Model:
        """The built-in sample city 清河市 (fictional): 2 districts, 6 streets, 24 communities,
        408 unit grids, every role, a complete duty matrix, the China calendar."""
        return cls(_gridgov.Model.sample())

    @classmethod
    def load(cls, path: StrPath) -> Model:
        """Loads a ``.toml`` or ``.json`` model file. Raises :class:`GridgovIOError` (an
        ``OSError``) when it cannot be read, :class:`ParseError`, :class:`ModelError`."""
        return cls(_gridgov.Model.load(os.fspath(path)))

    @classmethod
    def from_toml(cls, text: str) -> Model:
        """A model from TOML text."""
        return cls(_gridgov.Model.from_text(text, "toml"))

    @classmethod
    def from_json(cls, text: str) -> Model:
        """A model from JSON text (the shape of :meth:`to_json`)."""
        return cls(_gridgov.Model.from_text(text, "json"))

    @classmethod
    def from_text(cls, text: str) -> Model:
        """A model from TOML or JSON text (JSON when it starts with ``{``)."""
        return cls(_gridgov.Model.from_text(text))

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> Model:
        """A model from a dict shaped like the model file."""
        return cls.from_json(json.dumps(dict(document), ensure_ascii=False))

    def to_json(self) -> str:
        """The model as JSON, same shape as the file."""
        return self._core.to_json()

    def to_dict(self) -> dict[str, Any]:
        """The model as a dict, same shape as the file."""
        return json.loads(self._core.to_json())  # type: ignore[no-any-return]

    # -- properties -------------------------------------------------------------------------

    @property
    def name(self) -> str:
        """The model's name (the city or district it describes)."""
        return self._core.name

    @property
    def version(self) -> Optional[str]:
        """The model's version, if the file gives one."""
        return self._core.version

    @property
    def calendar(self) -> Calendar:
        """The model's working calendar."""
        return Calendar._wrap(self._core.calendar)

    @property
    def grid_map(self) -> Optional[GridMap]:
        """The unit-grid boundaries that come with the model (a copy), or ``None`` when the
        model has none. The sample city has one boundary per unit grid."""
        core = self._core.grid_map
        return None if core is None else GridMap._wrap(core)

    def with_grid_map(self, grid_map: GridMap) -> Model:
        """A copy of the model carrying ``grid_map`` as its unit-grid boundaries (unit grids
        without a boundary are allowed: :meth:`GridMap.check_against` lists them). A map without
        a version takes the model's. Raises :class:`ModelError` naming every feature whose code
        is not a unit grid of the model, and a version different from the model's."""
        if not isinstance(grid_map, GridMap):
            raise TypeError(f"grid_map must be a gridgov.GridMap, not {type(grid_map).__name__}")
        return Model(self._core.with_grid_map(grid_map._core))

    @property
    def urgencies(self) -> list[str]:
        """Urgency ids of the catalog, e.g. ``["urgent", "normal"]``."""
        return self._core.urgencies()

    @property
    def default_urgency(self) -> str:
        """The urgency of a case that states none (``"normal"`` in the default catalog)."""
        return self._core.default_urgency()

    @property
    def levels(self) -> list[str]:
        """Level names from the top of the area tree, e.g. city ... grid."""
        return self._core.levels()

    # -- queries ----------------------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        """Sizes of the model: ``areas_per_level`` and ``workers_per_role`` as ordered dicts,
        ``grids``, ``households``, ``population``, ``units``, ``categories``, ``duty_rules``,
        ``calendar`` and ``calendar_years``."""
        s: dict[str, Any] = json.loads(self._core.summary_json())
        s["areas_per_level"] = dict(s["areas_per_level"])
        s["workers_per_role"] = dict(s["workers_per_role"])
        s["calendar_years"] = tuple(s["calendar_years"])
        return s

    def check(self) -> CheckReport:
        """Static check of the responsibility matrix: gaps (no rule, no fallback) and
        conflicts (equally specific rules naming different units). The GIL is released."""
        return CheckReport.from_dict(json.loads(self._core.check_json()))

    def route(self, category: str, grid: str) -> str:
        """Id of the unit responsible for ``category`` (e.g. ``"C0101"``) in unit grid
        ``grid``: the most specific rule wins (longest category prefix, then deepest area).

        Raises :class:`CodeError` for a malformed category, :class:`UnknownError` for an
        unknown category or grid, :class:`NoResponsibleUnitError`, :class:`DutyConflictError`.
        """
        return self._core.route(category, grid)

    def route_detail(self, category: str, grid: str) -> tuple[str, Optional[int]]:
        """``(unit id, index of the deciding rule in the duty list)``; the index is ``None``
        when the territorial fallback decided."""
        return self._core.route_detail(category, grid)

    def limit(self, category: str, urgency: Optional[str] = None) -> str:
        """The handling limit of a category, e.g. ``"4 working_hours"``; ``urgency`` defaults
        to :attr:`default_urgency`."""
        return self._core.limit(category, self.default_urgency if urgency is None else urgency)

    def deadline(self, category: str, start: datetime, urgency: Optional[str] = None) -> datetime:
        """The handling deadline of a case of ``category`` reported at ``start``, on the
        model's calendar (working time, or elapsed time for continuous limits). ``urgency``
        defaults to :attr:`default_urgency`. Naive ``start`` is local to the calendar; the
        result has the style of ``start``."""
        cal = self.calendar
        urgency = self.default_urgency if urgency is None else urgency
        ms = self._core.deadline(category, urgency, cal._ms(start, "start"))
        return cal._datetime(ms, start)

    def categories(self) -> list[Category]:
        """Leaf categories, sorted by key."""
        return [Category._from_json(d) for d in json.loads(self._core.categories_json())]

    def category(self, key: str) -> Category:
        """One leaf category. :class:`CodeError` for a malformed or major-class key,
        :class:`UnknownError` for an unknown one."""
        return Category._from_json(json.loads(self._core.category_json(key)))

    def majors(self) -> dict[str, str]:
        """Major classes, key to name (``{"C01": "公用设施", ...}``)."""
        return dict(self._core.majors())

    def areas(self, level: Optional[str] = None) -> list[Area]:
        """Areas in tree order, all or those of one level (``"grid"``, ``"community"``...).
        An unknown level raises :class:`UnknownError`."""
        return [_area(r) for r in self._core.areas(level)]

    def area(self, code: str) -> Area:
        """One area by code (:class:`UnknownError` if absent)."""
        return _area(self._core.area(code))

    def division_report(
        self,
        records: Any,
        start: Optional[Union[datetime, date]] = None,
        end: Optional[Union[datetime, date]] = None,
        **options: Any,
    ) -> DivisionReport:
        """Grid-division analysis (:func:`division_report`) under the case load of
        ``records`` — a ``DataFrame``, a CSV/Parquet path, an :class:`Engine` or
        :class:`Records` — counted as cases reported in ``[start, end)`` (default: every
        record). A dict, Series or array of counts per grid is used as the load directly.
        ``options`` are those of :func:`division_report`."""
        from ._score import _ms, _records

        if isinstance(records, (Mapping, np.ndarray, list)) or type(records).__name__ == "Series":
            return division_report(self, records, **options)
        rec = _records(self, records, False)
        lo = _NAT + 1 if start is None else _ms(self, start, "start")
        hi = int(_I64.max) if end is None else _ms(self, end, "end")
        load = rec._core.grid_load(lo, hi)
        grids = {a.code for a in self.areas(self.levels[-1])}
        codes = [a.code for a in self.areas()]
        return division_report(self, {c: int(n) for c, n in zip(codes, load) if c in grids}, **options)

    def grids(self) -> list[str]:
        """Codes of the unit grids, in tree order."""
        return self._core.grids()

    def ancestors(self, code: str) -> list[str]:
        """The area and its ancestors, nearest first."""
        return self._core.ancestors(code)

    def units(self) -> list[Unit]:
        """Units, in file order."""
        return [Unit(i, n, k, p, tuple(j)) for (i, n, k, p, j) in self._core.units()]

    def workers(self, role: Optional[str] = None) -> list[Worker]:
        """Workers, all or those holding ``role``; an unknown role raises
        :class:`UnknownError`."""
        return [Worker(i, n, r, u, tuple(g)) for (i, n, r, u, g) in self._core.workers(role)]

    def escalation_chain(self, unit: str) -> list[str]:
        """The unit and the units it escalates to, nearest first."""
        return self._core.escalation_chain(unit)

    # -- protocol ---------------------------------------------------------------------------

    def __reduce__(self) -> tuple[Any, tuple[str, Optional[str]]]:
        grid_map = self._core.grid_map
        return (_model_from_json, (self._core.to_json(), None if grid_map is None else grid_map.to_geojson()))

    def __repr__(self) -> str:
        return f"<gridgov.Model {self.name!r} version={self.version!r}>"


def _model_from_json(text: str, geojson: Optional[str] = None) -> Model:
    grid_map = None if geojson is None else _gridgov.GridMap.from_geojson_text(geojson, _GEOJSON_CODE)
    return Model(_gridgov.Model.from_text(text, "json", grid_map))


def _area(r: tuple[str, str, str, Optional[str], Optional[int], Optional[int], Optional[float], list[str]]) -> Area:
    return Area(r[0], r[1], r[2], r[3], r[4], r[5], r[6], tuple(r[7]))


# ---------------------------------------------------------------------------------------------
# Spatial: grid maps, point location, coordinate systems
# ---------------------------------------------------------------------------------------------

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
    return np.ascontiguousarray(x.ravel()), np.ascontiguousarray(y.ravel()), x.shape


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
        cls, source: Union[StrPath, Mapping[str, Any], bytes], code_property: str = "code"
    ) -> GridMap:
        """A grid map from GeoJSON: a FeatureCollection of Polygon/MultiPolygon features whose
        property ``code_property`` holds the unit-grid code.

        ``source`` is a path (``str`` or ``os.PathLike``), GeoJSON text (a ``str`` starting with
        ``{``, or ``bytes``), or the document as a dict. Raises :class:`GridgovIOError` for a
        file that cannot be read, :class:`ParseError` for text that is not JSON, and
        :class:`ModelError` whose ``issues`` name every bad feature (``features[3].geometry``:
        self-intersecting, unclosed or too-short rings, NaN coordinates, missing or duplicate
        codes, overlapping grids, wrong shapes). The GIL is released while the map is built.
        """
        if not isinstance(code_property, str):
            raise TypeError(f"code_property must be a str, not {type(code_property).__name__}")
        if isinstance(source, Mapping):
            try:
                text = json.dumps(dict(source), ensure_ascii=False, allow_nan=False, default=_json_default)
            except ValueError:  # NaN or infinity: JSON has none; null lets the core name the feature
                text = json.dumps(_finite_or_null(dict(source)), ensure_ascii=False, default=_json_default)
            return cls(_gridgov.GridMap.from_geojson_text(text, code_property))
        if isinstance(source, (bytes, bytearray)):
            try:
                text = bytes(source).decode("utf-8")
            except UnicodeDecodeError as e:
                raise _invalid("source", f"bytes ({e.reason} at offset {e.start})", "GeoJSON must be UTF-8") from None
            return cls(_gridgov.GridMap.from_geojson_text(text, code_property))
        if isinstance(source, str) and source.lstrip().startswith(("{", "[")):
            return cls(_gridgov.GridMap.from_geojson_text(source, code_property))
        if isinstance(source, (str, os.PathLike)):
            return cls(_gridgov.GridMap.load(os.fspath(source), code_property))
        raise TypeError(f"source must be a path, GeoJSON text or a dict, not {type(source).__name__}")

    @classmethod
    def from_geodataframe(cls, gdf: Any, code_column: str = "code") -> GridMap:
        """A grid map from a ``geopandas.GeoDataFrame`` of polygons with the grid code in
        ``code_column``. A frame whose ``crs`` is set and is not EPSG:4326 is reprojected to it
        first (CGCS2000, EPSG:4490, is a null shift). Errors name rows as ``features[i]``, ``i``
        being the row's position. Needs geopandas (imported here, not by ``import gridgov``).
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
        if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
            gdf = gdf.to_crs(epsg=4326)
        geometries = shapely.to_geojson(np.asarray(gdf.geometry.array, dtype=object))
        codes = gdf[code_column].tolist()
        features = []
        for code, geometry in zip(codes, geometries):
            if code is None or (isinstance(code, float) and code != code):
                code_json = "null"
            else:
                code_json = json.dumps(str(code), ensure_ascii=False)
            features.append(
                '{"type":"Feature","properties":{"code":%s},"geometry":%s}'
                % (code_json, "null" if geometry is None else geometry)
            )
        text = '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
        return cls(_gridgov.GridMap.from_geojson_text(text, "code"))

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

    def _locate(self, lon: ArrayLike, lat: ArrayLike, crs: str, threads: int) -> tuple[npt.NDArray[np.int64], tuple[int, ...]]:
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
        if not isinstance(model, Model):
            raise TypeError(f"model must be a gridgov.Model, not {type(model).__name__}")
        return self._core.check_against(model._core)

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


# ---------------------------------------------------------------------------------------------
# Case engine
# ---------------------------------------------------------------------------------------------

_U64_MAX = 2**64 - 1


@dataclasses.dataclass(frozen=True)
class Citizen:
    """A citizen as the actor of a report or a rating, by an id the host system assigns (an
    account id, a phone hash). A worker is named by its id, a plain ``str``."""

    id: str


#: Who performs an action: a worker id (``"SV001"``), a :class:`Worker` record, a
#: :class:`Citizen`, or the JSON form as a dict (``{"worker": "SV001"}``, ``{"citizen": "c-1"}``).
Actor = Union[str, "Worker", Citizen, Mapping[str, str]]

#: An instant: a ``datetime`` (naive: wall-clock time in the model calendar's zone; aware:
#: converted), a NumPy ``datetime64`` (a UTC instant) or ``int`` epoch milliseconds (UTC).
Instant = Union[datetime, np.datetime64, int]


def _actor_json(actor: Actor, what: str = "actor") -> str:
    if isinstance(actor, Citizen):
        doc: Any = {"citizen": actor.id}
    elif isinstance(actor, Worker):
        doc = {"worker": actor.id}
    elif isinstance(actor, str):
        doc = {"worker": actor}
    elif isinstance(actor, Mapping):
        doc = dict(actor)
    else:
        raise TypeError(
            f"{what} must be a worker id (str), a gridgov.Citizen or a dict such as "
            f'{{"worker": "SV001"}}, not {type(actor).__name__}'
        )
    return json.dumps(doc, ensure_ascii=False)


def _actor_value(doc: Any) -> Union[str, Citizen]:
    """The JSON form of an actor as the Python one: a worker id, a Citizen or ``"system"``."""
    if isinstance(doc, Mapping):
        if "worker" in doc:
            return str(doc["worker"])
        if "citizen" in doc:
            return Citizen(str(doc["citizen"]))
    return str(doc)


def _case_id(case_id: int) -> int:
    if isinstance(case_id, bool) or not isinstance(case_id, (int, np.integer)):
        raise TypeError(f"case_id must be an int, not {type(case_id).__name__}")
    value = int(case_id)
    if not 0 <= value <= _U64_MAX:
        raise UnknownError(f'unknown case "{value}"', what="case", value=str(value))
    return value


@dataclasses.dataclass(frozen=True)
class Case:
    """One case as the engine holds it (a snapshot: it does not change when the engine does).

    Times are ``datetime``: naive in the calendar's zone, or aware in the zone of the ``now``
    given to :meth:`Engine.case`. :attr:`light` is the light at that ``now``.
    """

    id: int
    #: ``reported``, ``accepted``, ``verified``, ``filed``, ``dispatched``, ``returned``,
    #: ``handling``, ``handled``, ``checked``, ``closed``, ``shelved``, or the final
    #: ``rejected``, ``invalid``, ``voided``.
    state: str
    category: str
    urgency: str
    #: Unit-grid code.
    grid: str
    #: Id of the unit it is dispatched to.
    unit: Optional[str]
    #: Channel: ``supervisor``, ``hotline``, ``app``, ``media``, ``leader``, ``sensor``.
    source: str
    #: Who reported it: a worker id or a :class:`Citizen`.
    reporter: Union[str, Citizen]
    reported_at: datetime
    #: Time of its last event.
    last_at: datetime
    #: The running timed stage (``verify``, ``dispatch``, ``handle``, ``check``), if any.
    stage: Optional[str]
    #: Its limit as in force when it started, e.g. ``"4 working_hours"``.
    limit: Optional[str]
    #: The clock is stopped (shelved, 挂账).
    paused: bool
    #: Deadline of the running stage; ``None`` when none runs or the clock is stopped.
    deadline: Optional[datetime]
    #: ``"green"``, ``"yellow"``, ``"red"``, or ``None`` when no timed stage runs.
    light: Optional[str]
    #: Failed checks (返工).
    rework_count: int
    #: Returns to the centre (回退).
    return_count: int
    reopen_count: int
    #: Supervisions (督办), by a manager or an escalation rule.
    supervised_count: int
    #: Approved postponement minutes in all.
    postponed_minutes: int
    #: Minutes of a postponement request waiting for a decision.
    pending_postpone: Optional[int]
    #: Reason of a shelving request waiting for a decision.
    pending_shelve: Optional[str]
    #: Citizen satisfaction (1-5) since the last closing.
    satisfaction: Optional[int]
    #: Reason given at the last closing (closed is not fixed).
    closing_reason: Optional[str]
    closed_at: Optional[datetime]
    #: Handled on the spot by the reporting supervisor (自行处置).
    self_handled: bool
    #: Its events as dicts of the event schema (see :meth:`Engine.events`), without contact data.
    history: tuple[dict[str, Any], ...] = dataclasses.field(default=(), hash=False)

    @property
    def is_open(self) -> bool:
        """``True`` while the case still needs work (not closed and not final)."""
        return self.state not in ("closed", "rejected", "invalid", "voided")


@dataclasses.dataclass(frozen=True)
class Escalation:
    """An escalation rule that fired (recorded as an event with actor ``"system"``)."""

    case_id: int
    #: Index of the rule in the model's ``escalation`` list.
    rule: int
    #: The rule's name.
    name: str
    #: What it does: ``warn``, ``notify``, ``escalate``, ``supervise`` or ``reassign``.
    action: str
    #: The unit notified, escalated or reassigned to; the light for ``warn``; ``None`` for
    #: ``supervise``.
    target: Optional[str]
    #: When it fired: its own trigger instant (a late sweep does not move it).
    at: datetime
    #: 1 for the first firing of its trigger, 2 for the first repeat...
    firing: int
    #: Sequence number of its event.
    seq: int


class Engine:
    """The case engine of a model: cases through their lifecycle, stage timers with deadlines on
    the model's calendar, traffic lights, escalation rules, access control, and the event log.

    >>> eng = Engine(Model.sample())
    >>> t = datetime(2025, 11, 3, 9, 0)                       # naive: Beijing time
    >>> case = eng.report("SV001", category="C0101", grid="37990100100101", at=t)
    >>> _ = eng.act(case, "accept", actor="AC01", at=t)
    >>> _ = eng.act(case, "file", actor="SL01", at=t)
    >>> _ = eng.act(case, "dispatch", actor="DP01", at=t)       # to the duty matrix's unit
    >>> eng.case(case).unit
    'WATER'
    >>> eng.case(case).deadline                                # C0101: 36 hours
    datetime.datetime(2025, 11, 4, 21, 0)

    **Actors** are worker ids (``"SV001"``), :class:`Worker` records, :class:`Citizen` objects
    or dicts in the JSON form (``{"worker": "SV001"}``, ``{"citizen": "c-1"}``).

    **Times** (``at``, ``now``) are ``datetime`` objects (naive: wall-clock time in the
    calendar's zone; aware: converted), NumPy ``datetime64`` (UTC) or ``int`` epoch
    milliseconds. Times in results are naive local ``datetime``\\ s, or aware in the zone of the
    ``now`` argument when it is aware; event dicts keep the JSON form (``int`` ms).

    **Errors** (the engine is unchanged by a refused action, except that escalations of the
    case due at or before ``at`` are recorded first, as a sweep would): :class:`InvalidTransition`
    (the state does not allow the action), :class:`PermissionDenied` (role or scope; also
    written to :meth:`denials`), :class:`ValidationError` (unknown action, missing, extra or
    mistyped fields, a rating outside 1-5, an empty reason, a time earlier than the case's last
    event), :class:`UnknownError` (case, worker, unit, category, grid), :class:`CodeError`,
    :class:`CalendarRangeError`.

    The engine is safe to share between threads (calls are serialised by a lock);
    :meth:`sweep`, :meth:`replay` and the other engine calls release the GIL. It pickles as its
    model plus its events, contact data included (the security log is not kept).
    """

    __slots__ = ("_cal", "_core", "_model")

    def __init__(self, model: Model) -> None:
        if not isinstance(model, Model):
            raise TypeError(f"model must be a gridgov.Model, not {type(model).__name__}")
        self._init(_gridgov.Engine(model._core), model)

    def _init(self, core: _gridgov.Engine, model: Model) -> None:
        self._core = core
        self._model = model
        self._cal = model.calendar

    @classmethod
    def _wrap(cls, core: _gridgov.Engine, model: Model) -> Engine:
        eng = cls.__new__(cls)
        eng._init(core, model)
        return eng

    @classmethod
    def replay(cls, model: Model, events: Union[str, Iterable[Mapping[str, Any]]]) -> Engine:
        """Rebuilds an engine from its events: JSON-lines text (:meth:`events_jsonl`) or an
        iterable of event dicts (:meth:`events`). Every event is applied again with every check,
        the stage limits taken from the events; the result equals the original (``==``). Raises
        :class:`ParseError` or :class:`ValidationError` naming the line or the event
        (``events[3]``) that does not apply. Events that carry ``hash`` members (exports) have
        their audit chain verified first: a tampered log raises :class:`ValidationError` naming
        the first broken line. The GIL is released."""
        if not isinstance(model, Model):
            raise TypeError(f"model must be a gridgov.Model, not {type(model).__name__}")
        if isinstance(events, str):
            text = events
        elif isinstance(events, (bytes, bytearray)):
            raise TypeError("events must be JSON-lines text (str) or event dicts, not bytes")
        else:
            text = "".join(json.dumps(dict(e), ensure_ascii=False) + "\n" for e in events)
        return cls._wrap(_gridgov.Engine.replay(model._core, text), model)

    # -- conversions ------------------------------------------------------------------------

    def _ms(self, value: Instant, what: str) -> int:
        if isinstance(value, datetime):
            return self._cal._ms(value, what)
        if isinstance(value, np.datetime64):
            if np.isnat(value):
                raise _invalid(what, "NaT", "NaT is not an instant")
            return int(value.astype("datetime64[ms]").astype(np.int64))
        if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            ms = int(value)
            if not _NAT < ms <= _I64.max:
                raise _invalid(what, ms, "out of range for int64 epoch milliseconds")
            return ms
        raise TypeError(
            f"{what} must be a datetime.datetime, a numpy.datetime64 or int epoch milliseconds, "
            f"not {type(value).__name__}"
        )

    def _time(self, ms: Optional[int], like: Optional[Instant]) -> Optional[datetime]:
        if ms is None:
            return None
        return self._cal._datetime(ms, like if isinstance(like, datetime) else _NAIVE)

    # -- the model --------------------------------------------------------------------------

    @property
    def model(self) -> Model:
        """The model the engine runs on."""
        return self._model

    def __len__(self) -> int:
        """The number of cases; their ids are ``1 .. len(engine)``."""
        return len(self._core)

    @property
    def event_count(self) -> int:
        """The number of events recorded."""
        return self._core.counts()[1]

    # -- actions ----------------------------------------------------------------------------

    def report(
        self,
        actor: Actor,
        *,
        category: str,
        grid: Optional[str] = None,
        at: Instant,
        urgency: Optional[str] = None,
        source: Optional[str] = None,
        description: str = "",
        contact: Optional[str] = None,
        point: Optional[tuple[float, float]] = None,
        crs: str = "wgs84",
    ) -> int:
        """Records a new case and returns its id (1, 2, 3...).

        ``category``: leaf category key (``"C0101"``); ``grid``: unit-grid code, or ``point``:
        ``(lon, lat)`` in ``crs`` (``"wgs84"``, ``"cgcs2000"``, ``"gcj02"``, ``"bd09"``),
        located on the model's boundaries (both given: they must agree); ``urgency``:
        an urgency id of the catalog (default: the catalog's default); ``source``:
        ``supervisor``, ``hotline``, ``app``, ``media``, ``leader`` or ``sensor`` (default:
        ``app`` for a :class:`Citizen`, ``supervisor`` otherwise — a supervisor's report needs
        no verification, so a citizen's must not claim that channel by accident);
        ``contact``: citizen contact data, kept out of every export unless asked for by a
        role allowed to see it. Who may report: supervisors (in their grids), acceptors and
        managers (in their jurisdiction), citizens (anywhere).
        """
        if source is None:
            is_citizen = isinstance(actor, Citizen) or (isinstance(actor, Mapping) and "citizen" in actor)
            source = "app" if is_citizen else "supervisor"
        if grid is None and point is None:
            raise _invalid("grid", "None", "give a unit-grid code or a point")
        doc: dict[str, Any] = {"category": category, "source": source, "description": description}
        if grid is not None:
            doc["grid"] = grid
        if point is not None:
            lon, lat = (float(v) for v in point)
            if not (np.isfinite(lon) and np.isfinite(lat)):
                raise _invalid("point", f"{lon}, {lat}", "coordinates must be finite numbers (degrees)")
            doc["point"] = {"lon": lon, "lat": lat, "crs": crs}
        if urgency is not None:
            doc["urgency"] = urgency
        if contact is not None:
            doc["contact"] = contact
        return self._core.report(_actor_json(actor), self._ms(at, "at"), json.dumps(doc, ensure_ascii=False))

    def act(
        self, case_id: int, action: Union[str, Mapping[str, Any]], *, actor: Actor, at: Instant, **fields: Any
    ) -> dict[str, Any]:
        """Applies an action to a case and returns the recorded event (a dict of the event
        schema, see :meth:`events`).

        ``action`` is the action's name with its fields as keyword arguments, or its JSON form
        as a dict (``{"action": "dispatch", "unit": "WATER"}``):

        ``accept``, ``reject`` (reason), ``verify`` (valid: bool), ``file``, ``void``
        (reason), ``dispatch`` (unit: default the duty matrix's answer; reason: required to
        override it), ``return`` (reason), ``start``, ``request_postpone`` (minutes),
        ``approve_postpone``, ``deny_postpone``, ``request_shelve`` (reason),
        ``approve_shelve``, ``handle`` (result), ``check`` (passed: bool), ``close`` (reason),
        ``rate`` (satisfaction: 1-5), ``reopen`` (reason), ``supervise`` (note),
        ``self_handle`` (result).

        >>> eng.act(case, "dispatch", actor="DP01", at=t, unit="POWER", reason="a power cover")  # doctest: +SKIP
        """
        if isinstance(action, str):
            doc: dict[str, Any] = {"action": action, **fields}
        elif isinstance(action, Mapping):
            doc = {**action, **fields}
        else:
            raise TypeError(f"action must be an action name (str) or a dict, not {type(action).__name__}")
        event: dict[str, Any] = json.loads(
            self._core.act(
                _case_id(case_id), _actor_json(actor), self._ms(at, "at"), json.dumps(doc, ensure_ascii=False)
            )
        )
        return event

    def sweep(self, now: Instant) -> list[Escalation]:
        """Fires every escalation due at or before ``now``, in time order, records each as an
        event (actor ``"system"``) and returns them. Idempotent: sweeping twice at the same
        instant fires nothing new; sweeping late fires each missed trigger once, at its own
        instant (:attr:`Escalation.at`). Rules come from the model's ``[[escalation]]`` list.
        The GIL is released."""
        rows = self._core.sweep(self._ms(now, "now"))
        return [
            Escalation(
                case_id=case,
                rule=rule,
                name=name,
                action=effect,
                target=target,
                at=self._cal._datetime(at, now if isinstance(now, datetime) else _NAIVE),
                firing=firing,
                seq=seq,
            )
            for (seq, case, at, rule, name, effect, target, firing) in rows
        ]

    # -- queries ----------------------------------------------------------------------------

    def case(self, case_id: int, now: Optional[Instant] = None) -> Case:
        """A snapshot of a case, with its light at ``now`` (default: the time of the engine's
        last event). :class:`UnknownError` for an unknown case."""
        ms = None if now is None else self._ms(now, "now")
        d = json.loads(self._core.case_json(_case_id(case_id), ms))
        like = now if isinstance(now, datetime) else _NAIVE
        return Case(
            id=d["id"],
            state=d["state"],
            category=d["category"],
            urgency=d["urgency"],
            grid=d["grid"],
            unit=d["unit"],
            source=d["source"],
            reporter=_actor_value(d["reporter"]),
            reported_at=self._cal._datetime(d["reported_at"], like),
            last_at=self._cal._datetime(d["last_at"], like),
            stage=d["stage"],
            limit=d["limit"],
            paused=d["paused"],
            deadline=self._time(d["deadline"], now),
            light=d["light"],
            rework_count=d["rework_count"],
            return_count=d["return_count"],
            reopen_count=d["reopen_count"],
            supervised_count=d["supervised_count"],
            postponed_minutes=d["postponed_minutes"],
            pending_postpone=d["pending_postpone"],
            pending_shelve=d["pending_shelve"],
            satisfaction=d["satisfaction"],
            closing_reason=d["closing_reason"],
            closed_at=self._time(d["closed_at"], now),
            self_handled=d["self_handled"],
            history=tuple(d["history"]),
        )

    def deadline(self, case_id: int) -> Optional[datetime]:
        """The deadline of the case's running stage (naive, in the calendar's zone); ``None``
        when no timed stage runs or the clock is stopped."""
        return self._time(self._core.deadline(_case_id(case_id)), None)

    def light(self, case_id: int, now: Instant) -> Optional[str]:
        """The case's light at ``now``: ``"green"``, ``"yellow"`` (the model's share of the
        limit used, 80 % by default), ``"red"`` (overdue), or ``None`` when no timed stage
        runs."""
        return self._core.light(_case_id(case_id), self._ms(now, "now"))

    def events_jsonl(self, viewer: Optional[Actor] = None) -> str:
        """Every event as JSON lines (event schema version 1), the form a host system stores
        and :meth:`replay` reads. Citizen contact data is included only when ``viewer`` is a
        worker whose role may see it (acceptor, shift leader, manager); another viewer raises
        :class:`PermissionDenied`."""
        return self._core.events_jsonl(None if viewer is None else _actor_json(viewer, "viewer"))

    def events(self, viewer: Optional[Actor] = None) -> list[dict[str, Any]]:
        """Every event as a dict, in order: ``v`` (schema version 1), ``seq``, ``case``,
        ``at`` (epoch ms, UTC), ``actor`` (``{"worker": id}``, ``{"citizen": id}`` or
        ``"system"``), ``action`` and its fields (``"report"`` with the report's fields,
        ``"escalate"`` with ``rule``, ``name``, ``effect``, ``target``, ``firing``), and
        ``limit`` when the event started a timed stage. Contact data as in
        :meth:`events_jsonl`."""
        return [json.loads(line) for line in self.events_jsonl(viewer).splitlines()]

    def records(self) -> Records:
        """The cases as case records (one row per case, the exact stage deadlines, ``as_of``
        just after the last event): the input of :func:`score`; ``.to_frame()`` for pandas."""
        return Records._wrap(self._core.records(), self._model)

    def events_frame(self, viewer: Optional[Actor] = None) -> Any:
        """The events as a ``pandas.DataFrame``, one row per event: ``seq``, ``case``, ``at``
        (tz-aware, in the calendar's zone), ``actor_kind`` (``worker``, ``citizen``,
        ``system``), ``actor_id``, ``action``, ``limit``, then every field that occurs
        (``category``, ``grid``, ``unit``, ``reason``...) in order of first appearance, missing
        values as ``NaN``/``None``. Needs pandas (imported here, not by ``import gridgov``)."""
        pd = import_pandas("Engine.events_frame")
        base = ["seq", "case", "at", "actor_kind", "actor_id", "action", "limit"]
        rows = []
        extra: dict[str, None] = {}
        for event in self.events(viewer):
            actor = event.pop("actor")
            event.pop("v", None)
            if isinstance(actor, Mapping):
                ((kind, ident),) = actor.items()
            else:
                kind, ident = str(actor), None
            event["actor_kind"], event["actor_id"] = kind, ident
            for k in event:
                if k not in base:
                    extra.setdefault(k)
            rows.append(event)
        frame = pd.DataFrame.from_records(rows, columns=base + list(extra))
        frame["seq"] = frame["seq"].astype("int64")
        frame["case"] = frame["case"].astype("int64")
        at = pd.to_datetime(frame["at"].astype("int64"), unit="ms", utc=True)
        frame["at"] = at.dt.tz_convert(self._cal.tzinfo).dt.as_unit("ms")
        return frame

    def verify(self) -> dict[str, Any]:
        """Checks the SHA-256 audit chain of the engine's events and returns
        ``{"events": n, "head": "<hex>"}``; the head identifies the whole history (keep it to
        detect a truncated log). Stored exports are checked with :func:`verify_events`."""
        return json.loads(self._core.verify_json())  # type: ignore[no-any-return]

    def denials(self) -> list[dict[str, Any]]:
        """The security log: every refused action (permission denied), in order, as dicts with
        ``at`` (epoch ms), ``actor`` (JSON form), ``case`` (``None`` for a refused report),
        ``action`` and ``reason``."""
        return json.loads(self._core.denials_json())  # type: ignore[no-any-return]

    # -- protocol ---------------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        """Same cases and events (the security log is not compared)."""
        if not isinstance(other, Engine):
            return NotImplemented
        return self._core == other._core

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, tuple[Model, str]]:
        _, (_, text) = self._core.__reduce__()
        return (_engine_replay, (self._model, text))

    def __repr__(self) -> str:
        cases, events = self._core.counts()
        return f"<gridgov.Engine {cases} cases, {events} events, model={self._model.name!r}>"


_NAIVE = datetime(2000, 1, 1)


def _engine_replay(model: Model, text: str) -> Engine:
    return Engine.replay(model, text)


def verify_events(events: Union[str, Iterable[Mapping[str, Any]]]) -> dict[str, Any]:
    """Verifies the SHA-256 audit chain of exported events (JSON-lines text from
    :meth:`Engine.events_jsonl`, or the dicts of :meth:`Engine.events`) and returns
    ``{"events": n, "head": "<hex>"}``. A line that was altered, inserted, removed or reordered
    raises :class:`ValidationError` naming the first broken line and its ``seq``."""
    if isinstance(events, str):
        text = events
    else:
        text = "".join(json.dumps(dict(e), ensure_ascii=False) + "\n" for e in events)
    return json.loads(_gridgov.verify_events(text))  # type: ignore[no-any-return]


from ._score import Records, Scorecard, compare, score  # noqa: E402  (needs Model and Engine)
from ._simulate import simulate  # noqa: E402
