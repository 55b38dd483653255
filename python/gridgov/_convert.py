"""Instants and durations in and out of the core: the one module that says how a Python, NumPy
or pandas value becomes milliseconds since the Unix epoch (UTC), and how results come back.

Every entry point converts here (:class:`Calendar`, :meth:`Model.deadline`, :class:`Engine`,
:class:`Records` and :func:`score`, :func:`simulate`, :meth:`Model.division_report`), so a
value means the same instant wherever it is passed. ``zone`` is the calendar's fixed-offset
``datetime.timezone`` (:attr:`Calendar.tzinfo`).

One value (:func:`instant_ms`):

=====================================  ==============================================================
value                                  read as
=====================================  ==============================================================
naive ``datetime``                     wall-clock time in the calendar's zone
aware ``datetime``                     converted (any ``tzinfo``)
``pandas.Timestamp``                   a ``datetime``: naive local, aware converted
``datetime.date``                      its midnight in the calendar's zone
``numpy.datetime64`` (h, m, s ... as)  a UTC instant (NumPy has no zone)
``numpy.datetime64`` (D, W, M, Y)      a date: its midnight in the calendar's zone
``int`` or a NumPy integer             epoch milliseconds (UTC), within int64, ``i64::MIN`` excluded
``NaT`` (NumPy or pandas)              refused: :class:`ValidationError` naming the argument
out of range                           refused: :class:`ValidationError` naming the argument
``bool``, text, anything else          refused: ``TypeError`` naming the argument
=====================================  ==============================================================

Arrays (:func:`instants_ms`, :func:`column_ms`): ``datetime64`` arrays of any unit, integer
arrays (epoch ms), pandas ``DatetimeIndex``/``Series`` (tz-aware: converted to UTC). Naive
``datetime64`` values are UTC instants unless ``local=True`` (:func:`naive_values_are_local`);
``datetime64[D]`` and coarser arrays are calendar dates, read as local days.

Precision is the millisecond; finer parts are floored (toward -inf), for values and arrays.

Results (:func:`to_datetime`): in the zone of an aware ``datetime`` the caller passed, else a
naive ``datetime`` in the calendar's zone.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any, Optional, Union

import numpy as np
import numpy.typing as npt

from ._common import ArrayLike, first_true, import_pandas, invalid

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_ONE_MS = timedelta(milliseconds=1)
_DAY_MS = 86_400_000
MINUTE_MS = 60_000
_I64 = np.iinfo(np.int64)
#: ``NaT`` as int64 (``i64::MIN``); the core reads it as "no instant".
NAT = int(_I64.min)
#: The last instant the core can hold (``i64::MAX`` ms).
MAX_MS = int(_I64.max)
#: NumPy units that make a ``datetime64`` a calendar date rather than an instant.
_DATE_UNITS = ("Y", "M", "W", "D")
#: Attoseconds per NumPy time unit, for exact conversion to milliseconds.
_ATTOSECONDS = {
    "h": 3_600 * 10**18,
    "m": 60 * 10**18,
    "s": 10**18,
    "ms": 10**15,
    "us": 10**12,
    "ns": 10**9,
    "ps": 10**6,
    "fs": 10**3,
    "as": 1,
}
_MS_AS = 10**15

#: A point in time: a ``datetime`` (naive: wall-clock time in the calendar's zone; aware:
#: converted), a NumPy ``datetime64`` (a UTC instant) or ``int`` epoch milliseconds (UTC).
DateTime = Union[datetime, np.datetime64, int]
#: A :data:`DateTime`, or a ``date`` (its midnight in the calendar's zone).
Instant = Union[datetime, date, np.datetime64, int]


def offset_ms(zone: timezone) -> int:
    """The zone's UTC offset in milliseconds (east positive)."""
    return zone.utcoffset(None) // _ONE_MS


# -- one value in -------------------------------------------------------------------------------


def instant_ms(value: object, what: str, zone: timezone, *, dates: bool = True, integers: bool = True) -> int:
    """Epoch milliseconds of one value (see the module's table). ``what`` names the argument in
    errors. ``dates=False`` refuses dates (``date``, ``datetime64[D]``) and ``integers=False``
    refuses ``int`` with a ``TypeError``, for the entry points whose signatures do not take
    them."""
    if isinstance(value, datetime):  # pandas.Timestamp and pandas.NaT are datetimes too
        if value != value:  # NaT is the one datetime that is not equal to itself
            raise invalid(what, "NaT", "NaT is not an instant")
        if value.tzinfo is None or value.utcoffset() is None:
            value = value.replace(tzinfo=zone)
        return _checked((value - _EPOCH) // _ONE_MS, what, value)
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            raise invalid(what, "NaT", "NaT is not an instant")
        unit, count = np.datetime_data(value.dtype)
        if unit not in _DATE_UNITS:
            return _checked(int(value.astype(np.int64)) * count * _ATTOSECONDS[unit] // _MS_AS, what, value)
        if dates:
            days = int(value.astype("datetime64[D]").astype(np.int64))
            return _checked(days * _DAY_MS - offset_ms(zone), what, value)
    elif isinstance(value, date) and dates:
        return instant_ms(datetime(value.year, value.month, value.day), what, zone)
    elif integers and isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return _checked(int(value), what, value)
    kinds = ["a datetime.datetime"]
    if dates:
        kinds.append("a datetime.date")
    kinds.append("a numpy.datetime64")
    if integers:
        kinds.append("int epoch milliseconds")
    listed = ", ".join(kinds[:-1]) + " or " + kinds[-1]
    raise TypeError(f"{what} must be {listed}, not {type(value).__name__}")


def _checked(ms: int, what: str, value: object) -> int:
    if not NAT < ms <= MAX_MS:
        raise invalid(what, value, "out of range for int64 epoch milliseconds")
    return ms


def local_date(value: object, what: str, zone: timezone) -> date:
    """The date in the calendar's zone of a value (see the module's table): a ``date`` or
    ``datetime64[D]`` is itself; a naive ``datetime`` counts by its own date (it is local
    already); any other instant is converted to the zone first."""
    if isinstance(value, datetime):
        if value != value:
            raise invalid(what, "NaT", "NaT is not a date")
        if value.tzinfo is None or value.utcoffset() is None:
            return value.date()
        return value.astimezone(zone).date()
    if isinstance(value, date):
        return value
    if isinstance(value, (np.datetime64, int, np.integer)) and not isinstance(value, bool):
        ms = instant_ms(value, what, zone) + offset_ms(zone)
        try:
            return date(1970, 1, 1) + timedelta(days=ms // _DAY_MS)
        except OverflowError:
            raise invalid(what, value, "out of range for a date (years 1 to 9999)") from None
    raise TypeError(
        f"{what} must be a datetime.date, a datetime.datetime, a numpy.datetime64 or int epoch "
        f"milliseconds, not {type(value).__name__}"
    )


def duration_ms(value: object, what: str) -> int:
    """Milliseconds of a working duration: a ``datetime.timedelta`` (``pandas.Timedelta`` too),
    floored to the millisecond, ``>= 0``."""
    if not isinstance(value, timedelta):
        raise TypeError(f"{what} must be a datetime.timedelta, not {type(value).__name__}")
    if value != value:  # pandas.NaT
        raise invalid(what, "NaT", "NaT is not a duration")
    if value < timedelta(0):
        raise invalid(what, value, "working durations must be >= 0")
    return value // _ONE_MS


# -- one value out ------------------------------------------------------------------------------


def to_datetime(ms: int, like: object, zone: timezone) -> datetime:
    """The instant ``ms`` in the style of ``like``, the value the caller passed: in its zone
    when it is an aware ``datetime``; otherwise naive, in the calendar's zone."""
    utc = _EPOCH + timedelta(milliseconds=ms)
    if isinstance(like, datetime) and like.tzinfo is not None and like.utcoffset() is not None:
        return utc.astimezone(like.tzinfo)
    return utc.astimezone(zone).replace(tzinfo=None)


def optional_datetime(ms: Optional[int], like: object, zone: timezone) -> Optional[datetime]:
    """:func:`to_datetime`, with ``None`` for no instant."""
    return None if ms is None else to_datetime(ms, like, zone)


# -- arrays in ----------------------------------------------------------------------------------


def naive_values_are_local(local: bool) -> bool:
    """Whether naive ``datetime64`` values — NumPy arrays and naive pandas columns, ISO text in
    a frame too — are wall-clock times in the calendar's zone (``True``) or UTC instants.

    Today they are UTC unless the caller passes ``local=True``, unlike a naive ``datetime``,
    which is always local. That default is a known issue, to be settled here: every bulk entry
    point (the calendar's ``*_many`` methods, :class:`Records`, :func:`score`) asks this
    function."""
    return local


def instants_ms(
    values: ArrayLike, what: str, zone: timezone, local: bool
) -> tuple[npt.NDArray[np.int64], bool]:
    """Epoch ms (int64, a view when no conversion is needed) of an array of instants:
    ``datetime64`` of any unit, integer epoch ms, a pandas ``DatetimeIndex`` or ``Series``
    (tz-aware ones are converted to UTC, and refuse ``local=True``).

    Returns the UTC milliseconds and whether the values were read as local wall-clock times
    (naive values with ``local=True``, and dates), so results can go back the same way. NaT is
    refused here only when a shift is needed; the core refuses it otherwise, naming the index
    too."""
    tz = getattr(values, "tz", None)
    if tz is None:
        tz = getattr(getattr(values, "dt", None), "tz", None)
    if tz is not None:
        if local:
            raise invalid("local", True, f"{what} is tz-aware; local=True needs zone-less values")
        values = np.asarray(values, dtype="datetime64[ns]")  # UTC instants
    local = naive_values_are_local(local)
    a = np.asarray(values)
    if a.dtype.kind == "M":
        if np.datetime_data(a.dtype)[0] in _DATE_UNITS:
            local = True  # calendar dates: local days, not UTC midnights
        ms = a.astype("datetime64[ms]", copy=False).view(np.int64)
    elif a.dtype.kind in "iu" and np.can_cast(a.dtype, np.int64):
        ms = a.astype(np.int64, copy=False)
    else:
        raise invalid(what, f"array of dtype {a.dtype}", "expected datetime64 values or int64 epoch milliseconds")
    if local:
        ms = _shift(ms, what, -offset_ms(zone))
    return ms, local


def _shift(ms: npt.NDArray[np.int64], what: str, by: int) -> npt.NDArray[np.int64]:
    flat = ms.ravel()
    nat = flat == NAT
    if nat.any():
        i = first_true(nat)
        raise invalid(f"{what}[{i}]", "NaT", "NaT is not an instant")
    lo, hi = NAT - min(by, 0), MAX_MS - max(by, 0)
    out = (flat < lo) | (flat > hi)
    if out.any():
        i = first_true(out)
        raise invalid(f"{what}[{i}]", int(flat[i]), "out of range: shifting by the UTC offset overflows")
    return ms + np.int64(by)


def durations_ms(values: ArrayLike, what: str) -> npt.NDArray[np.int64]:
    """Milliseconds (int64) of an array of working durations: integer minutes or
    ``timedelta64`` of any unit, each ``>= 0``; errors name the index (``minutes[7]``)."""
    d = np.asarray(values)
    if d.dtype.kind == "m":
        ms = d.astype("timedelta64[ms]", copy=False).view(np.int64)
        bad = ms < 0  # NaT is i64::MIN, negative too
        if bad.any():
            i = first_true(bad.ravel())
            v = ms.ravel()[i]
            shown = "NaT" if v == NAT else str(d.ravel()[i])
            raise invalid(f"{what}[{i}]", shown, "working durations must be >= 0 (and not NaT)")
        return ms
    if d.dtype.kind in "iu" and np.can_cast(d.dtype, np.int64):
        m = d.astype(np.int64, copy=False)
        bad = (m < 0) | (m > MAX_MS // MINUTE_MS)
        if bad.any():
            i = first_true(bad.ravel())
            v = int(m.ravel()[i])
            reason = "working durations must be >= 0" if v < 0 else "overflows when converted to milliseconds"
            raise invalid(f"{what}[{i}]", v, reason)
        return m * np.int64(MINUTE_MS)
    raise invalid(what, f"array of dtype {d.dtype}", "expected integer minutes or timedelta64 values")


def column_ms(s: Any, zone_offset_ms: int, local: bool) -> npt.NDArray[np.int64]:
    """Epoch ms (int64, C-contiguous) of a pandas datetime column: ``datetime64`` of any unit,
    naive (see :func:`naive_values_are_local`) or tz-aware (converted). Missing values stay
    ``NaT`` (``i64::MIN``): in case records they mean "did not happen"."""
    pd = import_pandas("gridgov scoring")
    dtype = s.dtype
    aware = isinstance(dtype, pd.DatetimeTZDtype)
    # The stored int64 values are UTC epoch units (aware) or wall-clock units (naive).
    raw = np.asarray(s.array.asi8)
    unit = dtype.unit if aware else np.datetime_data(dtype)[0]
    per_ms = {"s": -1000, "ms": 1, "us": 1000, "ns": 1_000_000}.get(unit)
    if per_ms is None:  # days, minutes...: let NumPy convert
        raw = np.asarray(s, dtype="datetime64[ms]").view(np.int64)
        per_ms = 1
    nat = raw == NAT
    if per_ms == 1:
        ms = raw
    elif per_ms < 0:
        ms = raw * -per_ms
    else:
        ms = raw // per_ms
    shift = not aware and naive_values_are_local(local)
    if per_ms != 1 or shift:
        ms = ms.copy() if ms is raw else ms
        if shift:
            ms -= zone_offset_ms
        ms[nat] = NAT
    return np.ascontiguousarray(ms, dtype=np.int64)


# -- arrays out ---------------------------------------------------------------------------------


def datetime64_out(
    ms: npt.NDArray[np.int64], shape: tuple[int, ...], zone: timezone, local: bool
) -> npt.NDArray[np.datetime64]:
    """Bulk results as ``datetime64[ms]`` of ``shape``: UTC, or local wall-clock times when the
    input was read as local (:func:`instants_ms`). ``ms`` is reused."""
    if local:
        ms += np.int64(offset_ms(zone))
    return ms.view("datetime64[ms]").reshape(shape)


def utc_series(ms: npt.NDArray[np.int64]) -> Any:
    """A pandas ``datetime64[ms, UTC]`` Series of epoch ms (``NaT`` where ``i64::MIN``)."""
    pd = import_pandas("gridgov")
    return pd.Series(ms.view("datetime64[ms]")).dt.tz_localize("UTC")


def zoned_series(ms: Any, zone: timezone) -> Any:
    """A pandas ``datetime64[ms, <zone>]`` Series of epoch ms (a Series or an array)."""
    pd = import_pandas("gridgov")
    at = pd.to_datetime(pd.Series(ms).astype("int64"), unit="ms", utc=True)
    return at.dt.tz_convert(zone).dt.as_unit("ms")
