"""Performance evaluation (绩效评价): case records, scorecards, rankings, comparisons.

Every indicator is defined once, in the Rust core (``gridgov::score``, see its rustdoc or the
README); this module moves tables in and out. A ``DataFrame`` crosses as NumPy arrays (text
as dictionary codes from ``pandas.factorize``), so 10^7 records are validated and scored
without a Python object per cell, on all cores, with the GIL released.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any, NamedTuple, Optional, Union

import numpy as np
import numpy.typing as npt

from . import _gridgov
from ._common import first_true, import_pandas, read_text
from ._common import invalid as _invalid
from ._convert import NAT as _NAT
from ._convert import Instant, TextParser, arrow_buffers, instant_ms, instants_ms, to_datetime, zoned_series
from ._engine import Engine
from ._errors import ValidationError
from ._model import Model

__all__ = ["RECORD_SCHEMA_VERSION", "Records", "Scorecard", "compare", "score"]

#: The version of the case-record schema this gridgov writes (the ``schema_version`` column of
#: every export) and the newest it reads: 2 adds ``schema_version``, ``shelved_at`` and
#: ``resumed_at``; 3 adds ``wrong_unit_returns`` and ``void_cause`` (returns and voids after
#: filing are approved), ``orders`` and ``orders_replied_on_time`` (督办 orders). A version-1
#: table (no ``schema_version`` column) still reads; an unknown version raises
#: :class:`ValidationError` naming it (``records[0].schema_version``).
RECORD_SCHEMA_VERSION: int = _gridgov.RECORD_SCHEMA_VERSION

#: Column types of the case-record schema (the core checks them again).
_TEXT = (
    "category", "urgency", "grid", "source", "state", "unit",
    "reporter", "acceptor", "verifier", "filer", "dispatcher", "checker", "closer",
    "void_cause",
)
_TIME = (
    "reported_at", "accepted_at", "verified_at", "filed_at", "dispatched_at", "handled_at",
    "checked_at", "closed_at", "rated_at",
    "verify_deadline", "dispatch_deadline", "handle_deadline", "check_deadline",
    "shelved_at", "resumed_at",
)
_INT = (
    "schema_version", "id", "satisfaction", "rework", "returns", "postponements", "extension_minutes",
    "wrong_unit_returns", "orders", "orders_replied_on_time",
)
_BOOL = ("shelved", "self_handled")
#: Every column of the schema, in the documented order.
SCHEMA = ("schema_version", "id", "category", "urgency", "grid", "source", "reporter", "state", *_TIME[:9],
          "acceptor", "verifier", "filer", "dispatcher", "checker", "closer", "unit",
          "satisfaction", "rework", "returns", "postponements", "extension_minutes", *_BOOL,
          *_TIME[13:], "wrong_unit_returns", "void_cause", "orders", "orders_replied_on_time", *_TIME[9:13])

StrPath = Union[str, "os.PathLike[str]"]


def _pandas() -> Any:
    return import_pandas("gridgov scoring")


def _ms(model: Model, value: Instant, what: str) -> int:
    """Epoch ms of a period bound: naive datetimes and dates are local to the model's calendar."""
    return instant_ms(value, what, model.calendar.tzinfo)


def _naive_local(model: Model, ms: int) -> datetime:
    return to_datetime(ms, None, model.calendar.tzinfo)


# -- columns in -----------------------------------------------------------------------------


def _arrow_text(name: str, s: Any) -> Optional[tuple[Any, ...]]:
    """An Arrow-backed string column (pandas ``str`` with pyarrow) as its buffers, for the core
    to dictionary-encode without a Python object per cell; ``None`` for other storage."""
    fast = arrow_buffers(s)
    return None if fast is None else (name, "utf8", *fast)


def _text_column(name: str, s: Any) -> tuple[Any, ...]:
    pd = _pandas()
    fast = _arrow_text(name, s)
    if fast is not None:
        return fast
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes = np.asarray(s.cat.codes, dtype=np.int64)
        uniques = list(s.cat.categories)
    else:
        codes, uniq = pd.factorize(s, use_na_sentinel=True)
        codes = np.asarray(codes, dtype=np.int64)
        uniques = list(uniq)
    values: list[str] = []
    for i, u in enumerate(uniques):
        if isinstance(u, str):
            values.append(u)
        elif isinstance(u, (bool, np.bool_)):
            values.append("true" if u else "false")
        elif isinstance(u, (int, np.integer)):
            values.append(str(int(u)))
        elif isinstance(u, (float, np.floating)) and float(u).is_integer():
            values.append(str(int(u)))  # codes read as numbers by read_csv (NaN made them floats)
        else:
            row = first_true(codes == i)
            raise _invalid(f"records[{row}].{name}", u, f"is a {type(u).__name__}, where text is expected")
    return (name, "text", np.ascontiguousarray(codes), values)


def _time_column(name: str, s: Any, ctx: _Ctx) -> tuple[str, str, npt.NDArray[np.int64]]:
    """A time column through the package's one conversion (naive = the model's zone, aware
    converted, text as in CSV, row by row); missing values stay ``NaT``."""
    if s.dtype.kind == "f":  # epoch ms made floats by missing values (read_csv)
        a = np.asarray(s, dtype=np.float64)
        bad = ~np.isnan(a) & ((a != np.floor(a)) | (np.abs(a) >= 2.0**63))
        if bad.any():
            row = first_true(bad)
            raise _invalid(f"records[{row}].{name}", a[row], "is not an instant (epoch milliseconds are whole)")
        return (name, "time", np.where(np.isnan(a), float(_NAT), a).astype(np.int64))
    try:
        ms = instants_ms(s, name, ctx.zone, ctx.parse, local=ctx.local, missing=True)
    except ValidationError as err:  # name the row the way the core does: records[ROW].COLUMN
        what = err.what
        if what.startswith(f"{name}[") and what.endswith("]"):
            what = f"records[{what[len(name) + 1 : -1]}].{name}"
        raise _invalid(what, err.value, err.reason) from None
    return (name, "time", np.ascontiguousarray(ms.ravel(), dtype=np.int64))


def _number_column(name: str, s: Any, kind: str) -> tuple[str, str, npt.NDArray[Any]]:
    pd = _pandas()
    dtype = s.dtype
    if pd.api.types.is_extension_array_dtype(dtype) and (
        pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)
    ):  # nullable Int64, Float64, boolean: missing values become NaN
        return (name, "float", np.ascontiguousarray(s.to_numpy(dtype=np.float64, na_value=np.nan)))
    if dtype.kind == "b":
        dtype_out = bool if kind == "bool" else np.int64
        return (name, "bool" if kind == "bool" else "int", np.ascontiguousarray(np.asarray(s, dtype=dtype_out)))
    if dtype.kind in "iu":
        return (name, "int", np.ascontiguousarray(np.asarray(s, dtype=np.int64)))
    if dtype.kind == "f":
        return (name, "float", np.ascontiguousarray(np.asarray(s, dtype=np.float64)))
    # Anything else (object, text): the core parses booleans from text; numbers are parsed here.
    if kind == "bool":
        return _text_column(name, s.astype(object).where(s.notna(), None))
    num = pd.to_numeric(s, errors="coerce")
    bad = np.asarray(num.isna()) & ~np.asarray(s.isna())
    if bad.any():
        row = first_true(bad)
        raise _invalid(f"records[{row}].{name}", s.iloc[row], "is not a number")
    return (name, "float", np.ascontiguousarray(np.asarray(num, dtype=np.float64)))


class _Ctx(NamedTuple):
    """What converting a frame's time columns needs from the model."""

    zone: timezone
    parse: TextParser
    local: bool


def _column(name: str, s: Any, ctx: _Ctx) -> tuple[Any, ...]:
    if name in _TEXT:
        return _text_column(name, s)
    if name in _TIME:
        return _time_column(name, s, ctx)
    if name in _INT:
        return _number_column(name, s, "int")
    return _number_column(name, s, "bool")


def _columns(model: Model, frame: Any, local: bool) -> list[tuple[Any, ...]]:
    """The schema columns of ``frame`` as arrays; text columns are factorised on a thread
    pool (pandas/pyarrow release the GIL while hashing)."""
    from concurrent.futures import ThreadPoolExecutor

    cal = model.calendar
    ctx = _Ctx(cal.tzinfo, cal._core, local)
    names = [n for n in frame.columns if isinstance(n, str) and n in SCHEMA]  # others ignored
    if len(frame) < 100_000:
        return [_column(n, frame[n], ctx) for n in names]
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        jobs = [pool.submit(_column, n, frame[n], ctx) for n in names]
        return [j.result() for j in jobs]


# -- Records ----------------------------------------------------------------------------------


class Records:
    """Validated case records of one model: one row per case, in the documented schema
    (``gridgov.score.SCHEMA``; see the README for each column).

    Build from a ``pandas.DataFrame`` (``Records(model, df)``), a CSV or Parquet file
    (:meth:`read_csv`, :meth:`read_parquet`) or an engine (``engine.records()``). Columns
    outside the schema are ignored; missing optional columns are allowed; a wrong type, an
    unknown code or an impossible order of instants raises :class:`ValidationError` whose
    ``what`` is ``records[ROW].COLUMN`` (row from 0).

    Instants in a ``DataFrame``, as in a CSV file: naive ones (``datetime64``, ``datetime``,
    text such as ``"2026-03-02 09:15:00"`` or a date) are wall-clock times of the model's
    calendar, as city systems export them; aware ones (tz-aware columns, text with an offset
    or ``Z``) are converted, row by row, so a column may mix zones; integers are epoch ms.
    ``local=False`` reads naive ``datetime64`` columns as UTC instead. ``as_of`` (the instant statuses are
    judged at) defaults to one millisecond after the latest instant.
    """

    __slots__ = ("_core", "_model")

    def __init__(
        self,
        model: Model,
        data: Any,
        *,
        as_of: Optional[Instant] = None,
        local: bool = True,
        labels: Optional[Labels] = None,
    ) -> None:
        if not isinstance(model, Model):
            raise TypeError(f"model must be a gridgov.Model, not {type(model).__name__}")
        pd = _pandas()
        if isinstance(data, Mapping):
            data = pd.DataFrame(dict(data))
        if not isinstance(data, pd.DataFrame):
            raise TypeError(f"data must be a pandas.DataFrame or a mapping of columns, not {type(data).__name__}")
        cols = _columns(model, data, local)
        at = None if as_of is None else _ms(model, as_of, "as_of")
        self._init(_gridgov.Records.from_columns(_reading(model, labels), cols, at), model)

    def _init(self, core: _gridgov.Records, model: Model) -> None:
        self._core = core
        self._model = model

    @classmethod
    def _wrap(cls, core: _gridgov.Records, model: Model) -> Records:
        r = cls.__new__(cls)
        r._init(core, model)
        return r

    @classmethod
    def read_csv(
        cls,
        model: Model,
        path: StrPath,
        *,
        as_of: Optional[Instant] = None,
        encoding: Optional[str] = None,
        labels: Optional[Labels] = None,
    ) -> Records:
        """Reads records from a CSV file with a header line: UTF-8 (an optional BOM) or, as
        Chinese Windows systems export, GBK/GB18030 (detected; ``encoding=`` names any other
        codec). Naive instants are local to the model's calendar; empty fields are missing;
        states, sources, urgencies and booleans may use the model's labels (``已结案``,
        ``12345热线``, ``是``; see :meth:`Model.record_labels`; ``labels=`` adds a call's own
        words, ``{"state": {"已办理": "closed"}}``). Errors name
        ``records[ROW].COLUMN``. Parsing and validation run in the core, GIL released."""
        text = read_text(path, "records file", encoding)
        at = None if as_of is None else _ms(model, as_of, "as_of")
        return cls._wrap(_gridgov.Records.from_csv(_reading(model, labels), text, at), model)

    @classmethod
    def read_parquet(
        cls, model: Model, path: StrPath, *, as_of: Optional[Instant] = None, local: bool = True
    ) -> Records:
        """Reads records from a Parquet file (through pyarrow and pandas)."""
        pd = _pandas()
        return cls(model, pd.read_parquet(os.fspath(path)), as_of=as_of, local=local)

    @property
    def model(self) -> Model:
        """The model the records were validated against."""
        return self._model

    @property
    def as_of(self) -> datetime:
        """The default as-of instant, as a naive local datetime."""
        return _naive_local(self._model, self._core.as_of)

    def __len__(self) -> int:
        return len(self._core)

    def to_csv(self, path: Optional[StrPath] = None) -> Optional[str]:
        """Every schema column as CSV (instants ISO 8601 UTC); written to ``path`` or returned."""
        text = self._core.to_csv()
        if path is None:
            return text
        with open(os.fspath(path), "w", encoding="utf-8") as f:
            f.write(text)
        return None

    def to_frame(self) -> Any:
        """The records as a ``pandas.DataFrame`` in the schema's column order: text as
        ``str`` (missing ``None``), instants as ``datetime64[ms, <zone>]`` in the calendar's
        zone (as :meth:`Engine.events_frame`; read back as the same instants), ``satisfaction``
        as nullable ``Int64``."""
        pd = _pandas()
        zone = self._model.calendar.tzinfo
        data: dict[str, Any] = {}
        for col in self._core.columns():
            name, kind = col[0], col[1]
            if kind == "text":
                codes, values = col[2], col[3]
                unique = len(set(values)) == len(values)
                cats = pd.Categorical.from_codes(codes, categories=pd.Index(values, dtype=object)) if unique else None
                if cats is not None:
                    data[name] = pd.Series(cats).astype(object).where(codes >= 0, None)
                else:  # pragma: no cover - the core's dictionaries are unique
                    data[name] = [values[c] if c >= 0 else None for c in codes]
            elif kind == "time":
                data[name] = zoned_series(col[2], zone)
            elif kind == "float" and name == "satisfaction":
                data[name] = pd.Series(col[2]).astype("Int64")
            else:
                data[name] = col[2]
        return pd.DataFrame(data)

    def __eq__(self, other: object) -> bool:
        """Equal when of equal models, with the same rows (compared through their CSV form,
        instants to the millisecond) and the same as-of instant."""
        if not isinstance(other, Records):
            return NotImplemented
        return (
            self._core.as_of == other._core.as_of
            and self._model == other._model
            and self._core.to_csv() == other._core.to_csv()
        )

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, tuple[Model, str, int]]:
        return (_records_from_csv, (self._model, self._core.to_csv(), self._core.as_of))

    def __repr__(self) -> str:
        return f"<gridgov.Records {len(self)} cases of {self._model.name!r}>"


#: Chinese names of the tables' index columns.
_INDEX_ZH = {"code": "编码", "unit": "单位", "worker": "人员"}


def _column_labels_zh() -> dict[str, str]:
    return dict(_gridgov.Scorecard.column_labels_zh())


def column_labels() -> dict[str, str]:
    """Every scorecard column with its Chinese label: the indicator names of CJ/T 292 and of
    the centres' monthly reports (``{"on_time_closure_rate": "按期结案率", ...}``), as the
    tables use them with ``labels="zh"``."""
    return _column_labels_zh()


def _records_from_csv(model: Model, text: str, as_of: int) -> Records:
    """Unpickles :class:`Records` (their CSV form, instants in UTC to the millisecond)."""
    return Records._wrap(_gridgov.Records.from_csv(model._core, text, as_of), model)


#: A call's own words for the record schema's ids, per column, in the shape of the model's
#: ``[scoring.labels]``: ``{"state": {"已办理": "closed"}, "source": {"市长信箱": "leader"},
#: "urgency": {...}, "boolean": {"有": True}}``.
Labels = Mapping[str, Mapping[str, Any]]


def _reading(model: Model, labels: Optional[Labels]) -> _gridgov.Model:
    """The core model that reads records: the model itself, or a copy with ``labels`` added."""
    if not labels:
        return model._core
    if not isinstance(labels, Mapping):
        raise TypeError(f"labels must be a mapping of column -> {{label: id}}, not {type(labels).__name__}")
    try:
        text = json.dumps({str(k): dict(v) for k, v in labels.items()}, ensure_ascii=False)
    except (TypeError, ValueError) as e:
        raise _invalid("labels", str(labels)[:200], f"is not a mapping of column -> {{label: id}} ({e})") from None
    return model._core.with_record_labels(text)


def _records(
    model: Model, records: Any, local: bool, encoding: Optional[str] = None, labels: Optional[Labels] = None
) -> Records:
    if isinstance(records, Records):
        return records
    if isinstance(records, Engine):
        return Records._wrap(records._core.records(), records.model)
    if isinstance(records, (str, os.PathLike)):
        p = os.fspath(records)
        if p.lower().endswith(".parquet"):
            return Records.read_parquet(model, p, local=local)
        return Records.read_csv(model, p, encoding=encoding, labels=labels)
    return Records(model, records, local=local, labels=labels)


# -- Scorecard --------------------------------------------------------------------------------


class Scorecard:
    """The scorecard of a period: every indicator of every area (each level), department
    and post, with composite scores (published weights), grades A-E and fair ranks.

    Tables are ``pandas.DataFrame``\\ s indexed by code or id, with ``name``, one column per
    indicator (counts as ``int64``, rates and hours as ``float64``, ``NaN`` when undefined),
    ``score``, ``grade``, ``rank`` (nullable ``Int64``: missing below the minimum sample) and
    ``sample``. Cards merge exactly (:meth:`merge`) and pickle.
    """

    __slots__ = ("_core", "_model")

    def __init__(self, core: _gridgov.Scorecard, model: Model) -> None:
        self._core = core
        self._model = model

    @property
    def model(self) -> Model:
        return self._model

    @property
    def period(self) -> tuple[datetime, datetime]:
        """``(start, end)`` as naive local datetimes; the period is ``[start, end)``."""
        s, e = self._core.period
        return (_naive_local(self._model, s), _naive_local(self._model, e))

    @property
    def as_of(self) -> datetime:
        """The instant statuses were judged at (naive local)."""
        return _naive_local(self._model, self._core.as_of)

    def _frame(self, table: str, index_name: str, labels: str = "en") -> Any:
        if labels not in ("en", "zh"):
            raise _invalid("labels", labels, 'is "en" (the ids) or "zh" (CJ/T 292\'s Chinese indicator names)')
        pd = _pandas()
        subject, columns, ids, names, values, scores, grades, ranks, samples = self._core.table(table)
        counts = [c for c in columns if c in _COUNT_COLUMNS]
        data: dict[str, Any] = {"name": names}
        for j, c in enumerate(columns):
            v = values[:, j]
            data[c] = v.astype(np.int64) if c in counts else v
        data["score"] = scores
        data["grade"] = pd.array(grades, dtype=object)
        data["rank"] = pd.array(np.where(ranks < 0, 0, ranks), dtype="Int64")
        data["rank"][ranks < 0] = pd.NA
        data["sample"] = samples
        df = pd.DataFrame(data, index=pd.Index(ids, name=index_name))
        if labels == "zh":
            zh = _column_labels_zh()
            df = df.rename(columns=lambda c: zh.get(c, c))
            df.index.name = _INDEX_ZH[index_name]
        df.attrs["subject"] = subject
        return df

    def areas(self, level: str = "grid", *, labels: str = "en") -> Any:
        """One row per area of ``level`` (``"grid"``, ``"community"``, ``"street"``...).
        ``labels="zh"`` gives the columns their Chinese indicator names (``按期结案率``,
        ``结案率``, ``满意率``…, :func:`column_labels`) for reports to leadership."""
        return self._frame(f"areas:{level}", "code", labels)

    def departments(self, *, labels: str = "en") -> Any:
        """One row per unit of kind department or street office, and any other unit cases
        were dispatched to in the period. ``labels="zh"``: Chinese column names."""
        return self._frame("departments", "unit", labels)

    def posts(self, role: str = "supervisor", *, labels: str = "en") -> Any:
        """One row per worker of ``role``: ``supervisor``, ``acceptor``, ``shift_leader`` or
        ``dispatcher`` (workers of the model, and any other id that acted in the role).
        ``labels="zh"``: Chinese column names."""
        return self._frame(f"posts:{role}", "worker", labels)

    def merge(self, other: Scorecard) -> Scorecard:
        """The card of both: adjacent periods give their union; equal periods are taken as
        disjoint record sets. Same model, configuration and ``as_of`` required."""
        if not isinstance(other, Scorecard):
            raise TypeError(f"other must be a gridgov.Scorecard, not {type(other).__name__}")
        return Scorecard(self._core.merge(other._core), self._model)

    def to_json(self) -> str:
        """The card's tallies as JSON (format ``gridgov-scorecard/2``), to merge elsewhere."""
        return self._core.to_json()

    @classmethod
    def from_json(cls, model: Model, text: str) -> Scorecard:
        return cls(_gridgov.Scorecard.from_json(model._core, text), model)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Scorecard):
            return NotImplemented
        return self.to_json() == other.to_json()

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, tuple[Any, str]]:
        return (Scorecard.from_json, (self._model, self.to_json()))

    def __repr__(self) -> str:
        s, e = self.period
        return f"<gridgov.Scorecard {s:%Y-%m-%d %H:%M} to {e:%Y-%m-%d %H:%M} of {self._model.name!r}>"


_COUNT_COLUMNS = frozenset(
    c
    for subject in ("area", "department", "supervisor", "acceptor", "shift_leader", "dispatcher")
    for c in _gridgov.Scorecard.columns_of(subject)
    if not c.endswith(("_rate", "_share", "_hours", "_10k", "_month"))
)


def score(
    model: Model,
    records: Any,
    start: Instant,
    end: Instant,
    *,
    as_of: Optional[Instant] = None,
    local: bool = True,
    encoding: Optional[str] = None,
    labels: Optional[Labels] = None,
) -> Scorecard:
    """Scores ``records`` over ``[start, end)``: a ``DataFrame``, a path to a CSV or Parquet
    file, an :class:`Engine`, or :class:`Records`. ``start``/``end``: datetimes or dates
    (naive: local to the model's calendar). ``as_of`` defaults to the records' own.
    Naive instants in a ``DataFrame`` are local to the model's calendar, as in CSV files
    (see :class:`Records`); ``local=False`` reads naive ``datetime64`` columns as UTC.
    ``encoding`` names a CSV file's encoding (default: UTF-8, or GBK/GB18030 detected);
    ``labels`` adds a call's own words for states, sources, urgencies and booleans
    (see :meth:`Model.record_labels`)."""
    if not isinstance(model, Model):
        raise TypeError(f"model must be a gridgov.Model, not {type(model).__name__}")
    s, e = _ms(model, start, "start"), _ms(model, end, "end")
    at = None if as_of is None else _ms(model, as_of, "as_of")
    pd = _pandas()
    if isinstance(records, Mapping):
        records = pd.DataFrame(dict(records))
    if isinstance(records, pd.DataFrame):
        # One call, borrowing the frame's arrays: nothing is copied into a Records object.
        cols = _columns(model, records, local)
        return Scorecard(_gridgov.Scorecard.from_columns(_reading(model, labels), cols, s, e, at), model)
    rec = _records(model, records, local, encoding, labels)
    if rec.model is not model and rec.model.to_json() != model.to_json():
        raise _invalid("records", rec.model.name, "were validated against another model")
    return Scorecard(_gridgov.Scorecard.compute(rec._core, s, e, at), model)


def compare(before: Scorecard, after: Scorecard, level: Optional[str] = None) -> Any:
    """The change between two cards per area (of ``level``, or of every level): mean
    response hours (report to dispatch), mean handling hours, on-time closure rate and
    satisfaction rate, as a ``DataFrame`` with ``area, name, level, indicator, before, after,
    change`` (hours, or percentage points for rates) and ``change_pct`` (percent of before)."""
    pd = _pandas()
    rows = _gridgov.Scorecard.compare(before._core, after._core, level)
    df = pd.DataFrame(rows, columns=["area", "name", "level", "indicator", "before", "after", "change", "change_pct"])
    for c in ("before", "after", "change", "change_pct"):
        df[c] = df[c].astype(np.float64)
    return df
