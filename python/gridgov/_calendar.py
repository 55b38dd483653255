"""Working calendars: :class:`Calendar` (weekly windows, 调休 make-up days, holidays, a fixed
UTC offset) and its working-time arithmetic on ``datetime`` objects and NumPy arrays."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Any

import numpy as np
import numpy.typing as npt

from . import _gridgov
from ._common import ArrayLike, c_array
from ._common import invalid as _invalid
from ._convert import (
    DateTime,
    Instant,
    datetime64_out,
    duration_ms,
    durations_ms,
    instant_ms,
    instants_ms,
    local_date,
    to_datetime,
)

__all__ = ["Calendar"]


class Calendar:
    """A working calendar: weekly working windows plus per-date rules (holidays off, 调休
    make-up days on, half days), in a fixed UTC offset, covering whole years.

    ``Calendar()`` (or ``Calendar.china()``) is the built-in China calendar: State Council
    schedules 2019-2026, 08:00-12:00 and 14:00-18:00, UTC+8. ``Calendar(spec)`` also accepts the
    name of a built-in calendar or a calendar table as a dict (see :meth:`from_dict`).

    Naive datetimes are read in the calendar's zone, aware ones converted; results keep the
    style of the input (see the module docstring). NumPy ``datetime64`` values are naive too
    (wall-clock times in the calendar's zone); ``int`` epoch milliseconds are UTC instants
    (results then naive, in the calendar's zone); the
    arithmetic takes instants, not dates. Asking about a date outside :attr:`years`
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
        """The built-in China calendar (2019-2026, UTC+8, 调休 included)."""
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

    # -- conversions (gridgov._convert, in the calendar's zone) ------------------------------

    def _ms(self, value: object, what: str) -> int:
        # Instants only: dates are refused (TypeError), as tests/python/test_calendar.py pins.
        return instant_ms(value, what, self.tzinfo, dates=False)

    def _date(self, day: object) -> date:
        return local_date(day, "day", self.tzinfo)

    # -- scalar operations ------------------------------------------------------------------

    def is_workday(self, day: Instant) -> bool:
        """Whether a date is a workday. A ``datetime`` counts by its local date in the
        calendar's zone (naive: as is; aware: converted first), and so does a ``datetime64``
        (naive: as is) or ``int`` epoch milliseconds (a UTC instant); ``datetime64[D]`` is a date.

        Raises :class:`CalendarRangeError` outside :attr:`years`.
        """
        d = self._date(day)
        return self._core.is_workday(d.year, d.month, d.day)

    def working_minutes(self, day: Instant) -> int:
        """Working minutes on a (local) date: 480 on a normal workday, 0 on a day off."""
        d = self._date(day)
        return self._core.working_minutes_on(d.year, d.month, d.day)

    def windows(self, day: Instant) -> list[tuple[int, int]]:
        """Working windows of a (local) date as ``(start, end)`` minutes after midnight,
        half-open; e.g. ``[(480, 720), (840, 1080)]`` for 08:00-12:00 and 14:00-18:00."""
        d = self._date(day)
        return self._core.windows_on(d.year, d.month, d.day)

    def add_working(self, start: DateTime, duration: timedelta) -> datetime:
        """The instant ``duration`` of working time after ``start`` (the earliest ``t`` with
        that much working time in ``[start, t)``). A zero duration returns ``start``; a
        duration ending exactly at a window's end gives that end (12:00, not 14:00).

        >>> Calendar.china().add_working(datetime(2025, 3, 3, 17, 30), timedelta(hours=4))
        datetime.datetime(2025, 3, 4, 11, 30)
        """
        ms = self._core.add_working(self._ms(start, "start"), duration_ms(duration, "duration"))
        return to_datetime(ms, start, self.tzinfo)

    def working_between(self, a: DateTime, b: DateTime) -> timedelta:
        """Working time in ``[a, b)``; negative when ``b < a``."""
        return timedelta(milliseconds=self._core.working_between(self._ms(a, "a"), self._ms(b, "b")))

    def next_working(self, t: DateTime) -> datetime:
        """``t`` itself when it lies inside a working window, else the start of the next one."""
        return to_datetime(self._core.next_working(self._ms(t, "t")), t, self.tzinfo)

    def add_limit(self, start: DateTime, limit: str) -> datetime:
        """``start`` plus a time limit written as in model files: ``"4 working_hours"``,
        ``"2 working_days"`` (N x :attr:`day_length` of working time), ``"90 working_minutes"``,
        or continuous ``"2 hours"`` / ``"1 days"``."""
        if not isinstance(limit, str):
            raise TypeError(f"limit must be a str, not {type(limit).__name__}")
        return to_datetime(self._core.add_limit(self._ms(start, "start"), limit), start, self.tzinfo)

    # -- bulk operations --------------------------------------------------------------------

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
        return c_array(a.ravel()), c_array(b.ravel()), a.shape

    def _instants(self, values: ArrayLike, what: str, local: bool) -> npt.NDArray[np.int64]:
        return instants_ms(values, what, self.tzinfo, self._core, local=local)

    def add_working_many(
        self, starts: ArrayLike, minutes: ArrayLike, *, local: bool = True
    ) -> npt.NDArray[np.datetime64]:
        """Bulk :meth:`add_working`: ``starts[i]`` plus ``minutes[i]`` of working time.

        ``starts``: ``datetime64`` of any unit or a pandas column (naive values are wall-clock
        times in the calendar's zone, like a naive ``datetime``; aware ones are converted),
        text as in CSV, ``datetime`` objects, or int64 epoch ms. ``minutes``: integer minutes,
        or ``timedelta64`` (any unit); a scalar broadcasts. Returns ``datetime64[ms]``
        wall-clock times in the calendar's zone. ``local=False`` reads naive ``datetime64`` as
        UTC and returns UTC. The GIL is released while the core works. Errors name the
        element: ``starts[3]``, ``minutes[7]``.
        """
        s = self._instants(starts, "starts", local)
        d = durations_ms(minutes, "minutes")
        s, d, shape = self._pair(s, d, ("starts", "minutes"))
        return datetime64_out(self._core.add_working_many(s, d), shape, self.tzinfo, local)

    def working_between_many(self, a: ArrayLike, b: ArrayLike, *, local: bool = True) -> npt.NDArray[np.timedelta64]:
        """Bulk :meth:`working_between`: working time in ``[a[i], b[i])`` as
        ``timedelta64[ms]``; instants as in :meth:`add_working_many`."""
        x = self._instants(a, "a", local)
        y = self._instants(b, "b", local)
        x, y, shape = self._pair(x, y, ("a", "b"))
        return self._core.working_between_many(x, y).view("timedelta64[ms]").reshape(shape)

    def next_working_many(self, t: ArrayLike, *, local: bool = True) -> npt.NDArray[np.datetime64]:
        """Bulk :meth:`next_working`, as ``datetime64[ms]`` (as :meth:`add_working_many`)."""
        ms = self._instants(t, "t", local)
        shape = ms.shape
        out = self._core.next_working_many(c_array(ms.ravel()))
        return datetime64_out(out, shape, self.tzinfo, local)

    def is_workday_many(self, t: ArrayLike, *, local: bool = True) -> npt.NDArray[np.bool_]:
        """Bulk :meth:`is_workday` by each instant's local date. ``datetime64[D]`` (or coarser)
        arrays are calendar dates and read as local days whatever ``local`` says."""
        ms = self._instants(t, "t", local)
        return self._core.is_workday_many(c_array(ms.ravel())).reshape(ms.shape)

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
