"""gridgov: urban grid management (网格化管理 / 数字城管) for analysts.

A thin Python layer over the Rust core (the compiled module ``gridgov._gridgov``):

* :class:`Calendar` — working calendars with China's 调休 make-up days; working-time
  arithmetic on ``datetime`` objects and, in bulk, on NumPy arrays (GIL released).
* :class:`Model` — a city model: area tree, units and workers, the responsibility matrix
  (routing and its static gap/conflict check), the category catalog and time limits.
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

Every class pickles (by value: a calendar as its spec, a model as its JSON), so models and
calendars can be shipped to Dask or Spark workers.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any, Optional, Union

import numpy as np
import numpy.typing as npt

from . import _gridgov
from ._errors import (
    CalendarRangeError,
    CodeError,
    DutyConflictError,
    GridgovError,
    GridgovIOError,
    ModelError,
    NoResponsibleUnitError,
    ParseError,
    RoutingError,
    UnknownError,
    ValidationError,
)

__version__: str = _gridgov.__version__

__all__ = [
    "Area",
    "Calendar",
    "CalendarRangeError",
    "Category",
    "CheckReport",
    "CodeError",
    "Conflict",
    "DutyConflictError",
    "Gap",
    "GridgovError",
    "GridgovIOError",
    "Model",
    "ModelError",
    "NoResponsibleUnitError",
    "ParseError",
    "RoutingError",
    "Unit",
    "UnknownError",
    "ValidationError",
    "Worker",
    "__version__",
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


def _invalid(what: str, value: object, reason: str) -> ValidationError:
    """A ValidationError worded like the core's (``invalid starts[3] "NaT": ...``)."""
    text = json.dumps(str(value), ensure_ascii=False)
    return ValidationError(f"invalid {what} {text}: {reason}", what=what, value=str(value), reason=reason)


def _first(mask: npt.NDArray[np.bool_]) -> int:
    return int(np.argmax(mask))


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

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (_model_from_json, (self._core.to_json(),))

    def __repr__(self) -> str:
        return f"<gridgov.Model {self.name!r} version={self.version!r}>"


def _model_from_json(text: str) -> Model:
    return Model.from_json(text)


def _area(r: tuple[str, str, str, Optional[str], Optional[int], Optional[int], Optional[float], list[str]]) -> Area:
    return Area(r[0], r[1], r[2], r[3], r[4], r[5], r[6], tuple(r[7]))
