"""Instants and durations in and out of the core: the one module that says how a Python, NumPy
or pandas value becomes milliseconds since the Unix epoch (UTC), and how results come back.

Every entry point converts here (:class:`Calendar`, :meth:`Model.deadline`, :class:`Engine`,
:class:`Records` and :func:`score`, :func:`simulate`, :meth:`Model.division_report`), so a
value means the same instant wherever it is passed. ``zone`` is the calendar's fixed-offset
``datetime.timezone`` (:attr:`Calendar.tzinfo`).

**Naive means the calendar's zone, everywhere**: a naive ``datetime``, a naive ``datetime64``
(scalar, array or pandas column), naive text in a frame and naive text in a CSV file are all
wall-clock times of the city, as Chinese systems export them. Aware values are converted.

One value (:func:`instant_ms`):

=====================================  ==============================================================
value                                  read as
=====================================  ==============================================================
naive ``datetime``                     wall-clock time in the calendar's zone
aware ``datetime``                     converted (any ``tzinfo``)
``pandas.Timestamp``                   a ``datetime``: naive local, aware converted
``datetime.date``                      its midnight in the calendar's zone
``numpy.datetime64`` (h, m, s ... as)  wall-clock time in the calendar's zone (NumPy has no zone)
``numpy.datetime64`` (D, W, M, Y)      a date: its midnight in the calendar's zone
``int`` or a NumPy integer             epoch milliseconds (UTC), within int64, ``i64::MIN`` excluded
``NaT`` (NumPy or pandas)              refused: :class:`ValidationError` naming the argument
out of range                           refused: :class:`ValidationError` naming the argument
``bool``, text, anything else          refused: ``TypeError`` naming the argument
=====================================  ==============================================================

Arrays and columns (:func:`instants_ms`): the same rules, element by element; text as the core
reads CSV; ``local=False`` reads naive ``datetime64`` arrays as UTC instants for callers whose
arrays are UTC by construction.

Precision is the millisecond; finer parts are floored (toward -inf), for values and arrays.

Results (:func:`to_datetime`): in the zone of an aware ``datetime`` the caller passed, else a
naive ``datetime`` in the calendar's zone. Bulk results (:func:`datetime64_out`) are naive
``datetime64[ms]`` wall-clock times in the calendar's zone (UTC with ``local=False``); frames
(:func:`zoned_series`) carry the calendar's zone.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any, Optional, Union

import numpy as np
import numpy.typing as npt

from . import _gridgov
from ._common import ArrayLike, c_array, first_true, import_pandas, invalid
from ._errors import ValidationError

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
#: converted), a NumPy ``datetime64`` (wall-clock time in the calendar's zone) or ``int`` epoch
#: milliseconds (UTC).
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
        if unit not in _DATE_UNITS:  # naive, like every datetime64: wall-clock time in the zone
            wall = int(value.astype(np.int64)) * count * _ATTOSECONDS[unit] // _MS_AS
            return _checked(wall - offset_ms(zone), what, value)
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


def text_instant_ms(text: str, what: str, parse: _gridgov.Calendar) -> int:
    """Epoch milliseconds of one instant written as text (a command-line argument), read by the
    core's parser exactly as a CSV field is: ``2026-03-01`` (local midnight), ``2026-03-01T08:00``,
    ``2026/3/1 8:00`` (local to the calendar ``parse``), or with an offset or ``Z`` (converted).
    Empty or unreadable text raises :class:`ValidationError` naming ``what``."""
    if not isinstance(text, str):
        raise TypeError(f"{what} must be text, not {type(text).__name__}")
    if not text.strip():
        raise invalid(what, text, "is empty: expected a date or a date and time such as 2026-03-01T08:00")
    ms, others, bad = parse.parse_instants(np.array([text], dtype=object))
    if bad is not None:
        raise invalid(what, text, bad[1])
    if others or int(ms[0]) == NAT:  # pragma: no cover - text is parsed or refused, never deferred
        raise invalid(what, text, "is not an instant")
    return int(ms[0])


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


#: The core calendar whose ``parse_instants``/``parse_instants_utf8`` read instants in text
#: (naive = the calendar's zone), exactly as the core's CSV reader does.
TextParser = _gridgov.Calendar


def instants_ms(
    values: Any,
    what: str,
    zone: timezone,
    parse: TextParser,
    *,
    local: bool = True,
    missing: bool = False,
) -> npt.NDArray[np.int64]:
    """Epoch ms (int64) of an array of instants, the one conversion of every bulk entry point
    (the calendar's ``*_many`` methods, :class:`Records` and :func:`score` frames):

    ===============================================  ==========================================
    values                                           read as
    ===============================================  ==========================================
    naive ``datetime64`` (NumPy, pandas)             wall-clock time in the calendar's zone
                                                     (UTC instants with ``local=False``)
    ``datetime64[D]`` and coarser                    calendar dates: local midnights, always
    tz-aware pandas (``DatetimeTZDtype``)            converted
    text (ISO 8601, ``2026/3/2 9:15``, a date)       as the core reads CSV: naive = local,
                                                     with an offset or ``Z`` = converted, row
                                                     by row (a column may mix zones)
    objects: ``datetime``/``Timestamp``/``date``     as one value (:func:`instant_ms`), row by
                                                     row: naive local, aware converted
    integers                                         epoch milliseconds (UTC)
    ``None``, ``NaN``, ``NaT``                       missing: ``NaT`` with ``missing=True``,
                                                     else refused naming the index
    ===============================================  ==========================================

    ``parse`` is the core's text parser, so text in a frame means what it means in a CSV file.
    Errors name the element (``what[3]``)."""
    tz = getattr(values, "tz", None)
    if tz is None:
        tz = getattr(getattr(values, "dt", None), "tz", None)
    if tz is not None:  # aware pandas values: UTC instants, whatever ``local`` says
        return _checked_array(_nat_kept(np.asarray(values, dtype="datetime64[ns]")), what, missing)
    fast = arrow_buffers(values)
    if fast is not None:  # Arrow-backed text (pandas' default str): read from the buffers
        ms, bad = parse.parse_instants_utf8(*fast)
        if bad is not None:
            raise invalid(f"{what}[{bad[0]}]", values.array[bad[0]], bad[1])
        return _checked_array(ms, what, missing)
    a = values.to_numpy() if hasattr(values, "to_numpy") else np.asarray(values)
    if a.dtype.kind == "M":
        if np.datetime_data(a.dtype)[0] in _DATE_UNITS:
            local = True  # calendar dates: local days, not UTC midnights
        ms = _nat_kept(a)
        if local:
            ms = _shift(ms, what, -offset_ms(zone))
        return _checked_array(ms, what, missing)
    if a.dtype.kind in "iu" and np.can_cast(a.dtype, np.int64):
        return _checked_array(a.astype(np.int64, copy=False), what, missing)
    if a.dtype.kind in "OUT":
        return _checked_array(_objects_ms(a, what, zone, parse), what, missing)
    raise invalid(what, f"array of dtype {a.dtype}", "expected datetime64 values, text or int64 epoch milliseconds")


def _nat_kept(a: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
    """``datetime64`` of any unit as epoch ms, floored; ``NaT`` stays ``NaT``."""
    return a.astype("datetime64[ms]", copy=False).view(np.int64)


def _checked_array(ms: npt.NDArray[np.int64], what: str, missing: bool) -> npt.NDArray[np.int64]:
    if not missing:
        nat = ms.ravel() == NAT
        if nat.any():
            raise invalid(f"{what}[{first_true(nat)}]", "NaT", "NaT is not an instant")
    return ms


def arrow_buffers(values: Any) -> Optional[tuple[Any, Any, Any, int]]:
    """An Arrow-backed pandas string column (``str`` with pyarrow) as its buffers — 64-bit
    offsets, UTF-8 data, the validity bitmap or ``None``, the array's offset — for the core to
    read without a Python object per cell; ``None`` for any other storage."""
    array = getattr(values, "array", None)
    if array is None or type(array).__name__ != "ArrowStringArray":
        return None
    import pyarrow as pa  # type: ignore[import-untyped]  # present whenever pandas stores strings in Arrow

    arr = pa.array(array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if pa.types.is_string(arr.type):
        arr = arr.cast(pa.large_string())
    if not pa.types.is_large_string(arr.type):
        return None
    validity, offsets, data = arr.buffers()
    off = np.frombuffer(offsets, dtype=np.int64)[: arr.offset + len(arr) + 1]
    raw = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
    valid = None if validity is None or arr.null_count == 0 else np.frombuffer(validity, dtype=np.uint8)
    return (off, raw, valid, arr.offset)


def _objects_ms(a: npt.NDArray[Any], what: str, zone: timezone, parse: TextParser) -> npt.NDArray[np.int64]:
    """Row by row: text by the core's parser (no Python object made per cell), other objects
    (``datetime``, ``Timestamp``, ``date``, ``datetime64``, integers) as one value each through
    their distinct values; a column may mix naive and aware values, zones and types."""
    flat = a.ravel()
    ms, others, bad = parse.parse_instants(flat)
    if bad is not None:
        raise invalid(f"{what}[{bad[0]}]", flat[bad[0]], bad[1])
    if others:
        pd = import_pandas("reading instants from objects")
        at = np.asarray(others, dtype=np.intp)
        codes, uniques = pd.factorize(flat[at], use_na_sentinel=True)
        values = np.full(len(uniques) + 1, NAT, dtype=np.int64)  # the last: missing (code -1)
        for k, u in enumerate(uniques):
            if u is pd.NaT or (isinstance(u, float) and u != u):
                continue
            try:
                if isinstance(u, float) and u.is_integer():
                    u = int(u)
                values[k] = instant_ms(u, what, zone)
            except (TypeError, ValidationError) as err:
                row = int(at[first_true(codes == k)])
                reason = err.reason if isinstance(err, ValidationError) else f"is a {type(u).__name__}, not an instant"
                raise invalid(f"{what}[{row}]", u, reason) from None
        ms[at] = values[np.asarray(codes, dtype=np.intp)]
    return ms.reshape(a.shape)


def _shift(ms: npt.NDArray[np.int64], what: str, by: int) -> npt.NDArray[np.int64]:
    """``ms + by``, keeping ``NaT`` and refusing what would overflow, naming the index."""
    flat = ms.ravel()
    nat = flat == NAT
    lo, hi = NAT - min(by, 0), MAX_MS - max(by, 0)
    out = ~nat & ((flat < lo) | (flat > hi))
    if out.any():
        i = first_true(out)
        raise invalid(f"{what}[{i}]", int(flat[i]), "out of range: shifting by the UTC offset overflows")
    shifted = ms + np.int64(by)
    if nat.any():
        shifted.ravel()[nat] = NAT
    return shifted


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


# -- arrays out ---------------------------------------------------------------------------------


def datetime64_out(
    ms: npt.NDArray[np.int64], shape: tuple[int, ...], zone: timezone, local: bool
) -> npt.NDArray[np.datetime64]:
    """Bulk results as ``datetime64[ms]`` of ``shape``: wall-clock times in the calendar's zone,
    or UTC when the caller asked for UTC (``local=False``). ``ms`` is reused."""
    if local:
        ms += np.int64(offset_ms(zone))
    return ms.view("datetime64[ms]").reshape(shape)


def zoned_series(ms: Any, zone: timezone) -> Any:
    """A pandas ``datetime64[ms, <zone>]`` Series of epoch ms (a Series or an array; ``NaT``
    where ``i64::MIN``): the one zone convention of every frame the package returns
    (:meth:`Records.to_frame`, :meth:`Engine.events_frame`), the calendar's zone."""
    pd = import_pandas("gridgov")
    raw = c_array(np.asarray(ms, dtype=np.int64))
    return pd.Series(raw.view("datetime64[ms]")).dt.tz_localize("UTC").dt.tz_convert(zone)
