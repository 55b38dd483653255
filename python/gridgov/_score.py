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
from typing import Any, Literal, NamedTuple, Optional, Union, overload

import numpy as np
import numpy.typing as npt

from . import _gridgov
from ._common import c_array, first_true, import_pandas, read_text
from ._common import invalid as _invalid
from ._convert import NAT as _NAT
from ._convert import Instant, TextParser, arrow_buffers, instant_ms, instants_ms, to_datetime, zoned_series
from ._engine import Engine
from ._errors import ValidationError
from ._model import Model

__all__ = [
    "RECORD_SCHEMA_VERSION",
    "Records",
    "Scorecard",
    "check_records",
    "compare",
    "drill_down",
    "score",
    "score_periods",
]

#: The version of the case-record schema this gridgov writes (the ``schema_version`` column of
#: every export) and the newest it reads: 2 adds ``schema_version``, ``shelved_at`` and
#: ``resumed_at``; 3 adds ``wrong_unit_returns`` and ``void_cause`` (returns and voids after
#: filing are approved), ``orders`` and ``orders_replied_on_time`` (督办 orders); 4 adds
#: ``checks``, ``checks_on_time``, ``last_checked_at`` and ``last_checker`` (every check
#: counts, failed ones too), ``verify_assignee`` (verification tasks are assigned), and
#: ``second_unit``, ``co_units`` and ``co_on_time`` (two-level and joint dispatch; the two
#: lists are unit ids joined by ``;``, e.g. ``"POWER;LIGHT"``). A version-1
#: table (no ``schema_version`` column) still reads; an unknown version raises
#: :class:`ValidationError` naming it (``records[0].schema_version``).
RECORD_SCHEMA_VERSION: int = _gridgov.RECORD_SCHEMA_VERSION

#: Column types of the case-record schema (the core checks them again).
_TEXT = (
    "category", "urgency", "grid", "source", "state", "unit",
    "reporter", "acceptor", "verifier", "filer", "dispatcher", "checker", "closer",
    "void_cause", "last_checker", "verify_assignee", "second_unit", "co_units", "co_on_time",
)
_TIME = (
    "reported_at", "accepted_at", "verified_at", "filed_at", "dispatched_at", "handled_at",
    "checked_at", "closed_at", "rated_at",
    "verify_deadline", "dispatch_deadline", "handle_deadline", "check_deadline",
    "shelved_at", "resumed_at", "last_checked_at",
)
_INT = (
    "schema_version", "id", "satisfaction", "rework", "returns", "postponements", "extension_minutes",
    "wrong_unit_returns", "orders", "orders_replied_on_time", "checks", "checks_on_time",
)
_BOOL = ("shelved", "self_handled")
#: Every column of the schema, in the documented order.
SCHEMA = ("schema_version", "id", "category", "urgency", "grid", "source", "reporter", "state", *_TIME[:9],
          "acceptor", "verifier", "filer", "dispatcher", "checker", "closer", "unit",
          "satisfaction", "rework", "returns", "postponements", "extension_minutes", *_BOOL,
          *_TIME[13:15], "wrong_unit_returns", "void_cause", "orders", "orders_replied_on_time",
          "checks", "checks_on_time", "last_checked_at", "last_checker", "verify_assignee",
          "second_unit", "co_units", "co_on_time", *_TIME[9:13])

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
    return (name, "text", c_array(codes), values)


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
    return (name, "time", c_array(ms.ravel(), dtype=np.int64))


def _number_column(name: str, s: Any, kind: str) -> tuple[str, str, npt.NDArray[Any]]:
    pd = _pandas()
    dtype = s.dtype
    if pd.api.types.is_extension_array_dtype(dtype) and (
        pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)
    ):  # nullable Int64, Float64, boolean: missing values become NaN
        return (name, "float", c_array(s.to_numpy(dtype=np.float64, na_value=np.nan)))
    if dtype.kind == "b":
        dtype_out = bool if kind == "bool" else np.int64
        return (name, "bool" if kind == "bool" else "int", c_array(np.asarray(s, dtype=dtype_out)))
    if dtype.kind in "iu":
        return (name, "int", c_array(np.asarray(s, dtype=np.int64)))
    if dtype.kind == "f":
        return (name, "float", c_array(np.asarray(s, dtype=np.float64)))
    # Anything else (object, text): the core parses booleans from text; numbers are parsed here.
    if kind == "bool":
        return _text_column(name, s.astype(object).where(s.notna(), None))
    num = pd.to_numeric(s, errors="coerce")
    bad = np.asarray(num.isna()) & ~np.asarray(s.isna())
    if bad.any():
        row = first_true(bad)
        raise _invalid(f"records[{row}].{name}", s.iloc[row], "is not a number")
    return (name, "float", c_array(np.asarray(num, dtype=np.float64)))


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


#: A problem found converting a frame's cell: ``(row, column, value, reason)``.
_Known = list[tuple[int, str, str, str]]


def _row_of(what: str, name: str) -> Optional[int]:
    """The row of an error about ``records[ROW].name``."""
    prefix, suffix = "records[", f"].{name}"
    if what.startswith(prefix) and what.endswith(suffix):
        inner = what[len(prefix) : -len(suffix)]
        if inner.isdigit():
            return int(inner)
    return None


def _column_collecting(name: str, s: Any, ctx: _Ctx, known: _Known) -> tuple[Any, ...]:
    """:func:`_column`, a cell that does not convert recorded in ``known`` and made missing
    (its row is then reported, not validated)."""
    seen: set[int] = set()
    while True:
        try:
            return _column(name, s, ctx)
        except ValidationError as err:
            row = _row_of(err.what, name)
            if row is None or row in seen or row >= len(s):
                raise
            seen.add(row)
            known.append((row, name, str(err.value), err.reason))
            if len(seen) == 1:
                s = s.copy()
            if s.dtype.kind in "iub":
                s = s.astype("float64" if s.dtype.kind != "b" else object)
            s.iloc[row] = None


def _columns(model: Model, frame: Any, local: bool, known: Optional[_Known] = None) -> list[tuple[Any, ...]]:
    """The schema columns of ``frame`` as arrays; text columns are factorised on a thread
    pool (pandas/pyarrow release the GIL while hashing). With ``known``, a cell that does not
    convert is recorded there instead of raised."""
    from concurrent.futures import ThreadPoolExecutor

    cal = model.calendar
    ctx = _Ctx(cal.tzinfo, cal._core, local)
    names = [n for n in frame.columns if isinstance(n, str) and n in SCHEMA]  # others ignored
    if known is not None:
        return [_column_collecting(n, frame[n], ctx, known) for n in names]
    if len(frame) < 100_000:
        return [_column(n, frame[n], ctx) for n in names]
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        jobs = [pool.submit(_column, n, frame[n], ctx) for n in names]
        return [j.result() for j in jobs]


# -- bad rows ---------------------------------------------------------------------------------

#: The validation modes: ``"raise"`` (the first bad row is the error), ``"collect"`` (every bad
#: row is reported), ``"drop"`` (the good rows are kept, the others reported).
ERRORS = ("raise", "collect", "drop")

#: The columns of a problems table.
PROBLEM_COLUMNS = ("row", "id", "column", "value", "reason")


def _errors_mode(errors: object) -> str:
    if errors not in ERRORS:
        raise _invalid("errors", errors, 'is not a validation mode ("raise", "collect" or "drop")')
    return str(errors)


def _problems_frame(rows: list[tuple[int, Optional[int], str, str, str]]) -> Any:
    """A problems table: ``row`` (from 0, header not counted, as in ``records[ROW]``), ``id``
    (the case id, nullable ``Int64``), ``column``, ``value`` and ``reason``."""
    pd = _pandas()
    return pd.DataFrame(
        {
            "row": pd.array([r[0] for r in rows], dtype="int64"),
            "id": pd.array([r[1] for r in rows], dtype="Int64"),
            "column": pd.array([r[2] for r in rows], dtype=object),
            "value": pd.array([r[3] for r in rows], dtype=object),
            "reason": pd.array([r[4] for r in rows], dtype=object),
        }
    )


def _bad_rows_error(problems: Any) -> ValidationError:
    """The error of ``errors="collect"`` on a table with bad rows: the count and the first
    problem in the message, every problem in ``err.problems``."""
    first = problems.iloc[0]
    where = f"records[{first['row']}]" + (f".{first['column']}" if first["column"] else "")
    err = _invalid(
        "records",
        f"{len(problems)} bad rows",
        f"first {where} {first['value']!r}: {first['reason']} (every one in the error's .problems)",
    )
    err.problems = problems  # type: ignore[attr-defined]
    return err


def _check(
    model: Model,
    data: Any,
    errors: str,
    *,
    as_of: Optional[int],
    local: bool,
    encoding: Optional[str] = None,
    labels: Optional[Labels] = None,
) -> tuple[Optional[_gridgov.Records], Any]:
    """Reads ``data`` (a frame, a mapping of columns or a CSV/Parquet path) in a validation
    mode: the core records (``None`` with ``collect``) and the problems table."""
    pd = _pandas()
    if isinstance(data, (str, os.PathLike)):
        p = os.fspath(data)
        if p.lower().endswith(".parquet"):
            data = pd.read_parquet(p)
        elif _is_excel(p):
            data = _read_excel(p)
        else:
            text = read_text(p, "records file", encoding)
            core, rows = _gridgov.Records.check_csv(_reading(model, labels), text, as_of, errors)
            return core, _problems_frame(rows)
    if isinstance(data, Mapping):
        data = pd.DataFrame(dict(data))
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas.DataFrame, a mapping of columns or a path, not {type(data).__name__}")
    known: _Known = []
    cols = _columns(model, data, local, known if errors != "raise" else None)
    core, rows = _gridgov.Records.check_columns(_reading(model, labels), cols, as_of, errors, known)
    return core, _problems_frame(rows)


def check_records(
    model: Model,
    data: Any,
    *,
    as_of: Optional[Instant] = None,
    local: bool = True,
    encoding: Optional[str] = None,
    labels: Optional[Labels] = None,
) -> Any:
    """Every bad row of ``data`` (a ``DataFrame``, a mapping of columns, or a path to a CSV,
    Parquet or Excel file) in one pass, as a ``DataFrame`` with ``row`` (from 0, the header
    not counted, as errors name ``records[ROW]``), ``id`` (the case id, ``<NA>`` when the row
    has none), ``column``, ``value`` and ``reason``; empty when the table is clean. Every row
    of a duplicated case id is listed, its reason naming the other rows. A problem that is not
    about one row (a missing required column, a column of the wrong type) is raised."""
    if not isinstance(model, Model):
        raise TypeError(f"model must be a gridgov.Model, not {type(model).__name__}")
    if isinstance(data, (Records, Engine)):
        return _problems_frame([])  # validated already
    at = None if as_of is None else _ms(model, as_of, "as_of")
    _, problems = _check(model, data, "collect", as_of=at, local=local, encoding=encoding, labels=labels)
    return problems


def _read_excel(path: str) -> Any:
    """The first sheet of an Excel workbook as a frame (pandas with openpyxl, the ``excel``
    extra); cells as Excel holds them (text, numbers, datetimes: naive ones local)."""
    from ._errors import GridgovFileNotFoundError

    pd = _pandas()
    try:
        import openpyxl  # type: ignore[import-untyped]  # noqa: F401
    except ImportError as err:  # pragma: no cover - openpyxl is a test dependency
        raise ImportError("reading .xlsx records needs openpyxl: pip install 'gridgov[excel]'") from err
    if not os.path.exists(path):
        raise GridgovFileNotFoundError(f"cannot read records file {path}: No such file or directory", path=path)
    try:
        return pd.read_excel(path, sheet_name=0, engine="openpyxl")
    except Exception as e:  # noqa: BLE001 - any failure of the workbook reader is a bad file
        raise _invalid("records file", path, f"is not a readable .xlsx workbook ({str(e)[:200]})") from None


def _is_excel(path: str) -> bool:
    return path.lower().endswith((".xlsx", ".xlsm"))


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

    ``errors`` says what a bad row does: ``"raise"`` (the default) raises at the first one;
    ``"drop"`` keeps the good rows and lists the others in :attr:`problems`; ``"collect"``
    finds every bad row and, if there is any, raises :class:`ValidationError` with all of them
    in the error's ``problems`` (:func:`check_records` returns them instead).
    """

    __slots__ = ("_core", "_model", "_problems")

    def __init__(
        self,
        model: Model,
        data: Any,
        *,
        as_of: Optional[Instant] = None,
        local: bool = True,
        labels: Optional[Labels] = None,
        errors: str = "raise",
    ) -> None:
        if not isinstance(model, Model):
            raise TypeError(f"model must be a gridgov.Model, not {type(model).__name__}")
        mode = _errors_mode(errors)
        pd = _pandas()
        if isinstance(data, Mapping):
            data = pd.DataFrame(dict(data))
        if not isinstance(data, pd.DataFrame):
            raise TypeError(f"data must be a pandas.DataFrame or a mapping of columns, not {type(data).__name__}")
        at = None if as_of is None else _ms(model, as_of, "as_of")
        if mode == "raise":
            cols = _columns(model, data, local)
            self._init(_gridgov.Records.from_columns(_reading(model, labels), cols, at), model)
            return
        core, problems = _check(model, data, mode, as_of=at, local=local, labels=labels)
        self._init_checked(core, problems, model, data, at, local, labels)

    def _init_checked(
        self,
        core: Optional[_gridgov.Records],
        problems: Any,
        model: Model,
        data: Any,
        at: Optional[int],
        local: bool,
        labels: Optional[Labels],
    ) -> None:
        if core is None:  # collect
            if len(problems):
                raise _bad_rows_error(problems)
            core, _ = _check(model, data, "drop", as_of=at, local=local, labels=labels)
            assert core is not None
        self._init(core, model, problems)

    def _init(self, core: _gridgov.Records, model: Model, problems: Any = None) -> None:
        self._core = core
        self._model = model
        self._problems = problems

    @property
    def problems(self) -> Any:
        """The rows left out by ``errors="drop"`` (``row``, ``id``, ``column``, ``value``,
        ``reason``; see :func:`check_records`); empty otherwise."""
        if self._problems is None:
            return _problems_frame([])
        return self._problems

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
        errors: str = "raise",
    ) -> Records:
        """Reads records from a CSV file with a header line: UTF-8 (an optional BOM) or, as
        Chinese Windows systems export, GBK/GB18030 (detected; ``encoding=`` names any other
        codec). Naive instants are local to the model's calendar; empty fields are missing;
        states, sources, urgencies and booleans may use the model's labels (``已结案``,
        ``12345热线``, ``是``; see :meth:`Model.record_labels`; ``labels=`` adds a call's own
        words, ``{"state": {"已办理": "closed"}}``). Errors name
        ``records[ROW].COLUMN``. Parsing and validation run in the core, GIL released.
        ``errors``: as for :class:`Records` (a line with the wrong number of fields, or a field
        that is not a number or an instant, is a bad row too). A path ending ``.xlsx`` is read
        as Excel (:meth:`read_excel`), not as CSV."""
        mode = _errors_mode(errors)
        p = os.fspath(path)
        if _is_excel(p):
            return cls.read_excel(model, p, as_of=as_of, labels=labels, errors=mode)
        at = None if as_of is None else _ms(model, as_of, "as_of")
        if mode == "raise":
            text = read_text(path, "records file", encoding)
            return cls._wrap(_gridgov.Records.from_csv(_reading(model, labels), text, at), model)
        core, problems = _check(model, p, mode, as_of=at, local=True, encoding=encoding, labels=labels)
        r = cls.__new__(cls)
        r._init_checked(core, problems, model, p, at, True, labels)
        return r

    @classmethod
    def read_excel(
        cls,
        model: Model,
        path: StrPath,
        *,
        as_of: Optional[Instant] = None,
        labels: Optional[Labels] = None,
        errors: str = "raise",
    ) -> Records:
        """Reads records from the first sheet of an Excel workbook (``.xlsx``, through pandas
        and openpyxl: ``pip install 'gridgov[excel]'``): the first row names the columns,
        the rest as in a ``DataFrame`` (Excel's date cells and text times are local to the
        model's calendar)."""
        return cls(model, _read_excel(os.fspath(path)), as_of=as_of, labels=labels, errors=errors)

    @classmethod
    def read_parquet(
        cls,
        model: Model,
        path: StrPath,
        *,
        as_of: Optional[Instant] = None,
        local: bool = True,
        errors: str = "raise",
    ) -> Records:
        """Reads records from a Parquet file (through pyarrow and pandas)."""
        pd = _pandas()
        return cls(model, pd.read_parquet(os.fspath(path)), as_of=as_of, local=local, errors=errors)

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
        return _frame_of(self._core.columns(), self._model.calendar.tzinfo, {"satisfaction": "Int64"})

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


def _frame_of(columns: list[tuple[Any, ...]], zone: timezone, dtypes: Mapping[str, str]) -> Any:
    """A frame of the core's column tuples: text as ``str`` (missing ``None``), instants as
    ``datetime64[ms, <zone>]``, numbers with ``dtypes`` applied by name."""
    pd = _pandas()
    data: dict[str, Any] = {}
    for col in columns:
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
        elif name in dtypes:
            data[name] = pd.Series(col[2]).astype(dtypes[name])
        else:
            data[name] = col[2]
    return pd.DataFrame(data)


#: The on-time columns of the drill-down: true, false or missing (the stage not done).
_ON_TIME = ("verify_on_time", "dispatch_on_time", "handle_on_time", "check_on_time")


def drill_down(
    model: Model,
    records: Any,
    start: Instant,
    end: Instant,
    *,
    as_of: Optional[Instant] = None,
    local: bool = True,
    encoding: Optional[str] = None,
    labels: Optional[Labels] = None,
    errors: str = "raise",
) -> Any:
    """The cases behind a card: one row per case that enters ``[start, end)`` (reported,
    filed, dispatched or rated in it), judged as of ``as_of`` (default: the records' own), as
    a ``DataFrame`` — the arguments are those of :func:`score`, so the rows match the card it
    gives. Columns:

    - ``id``, ``grid``, ``unit`` (dispatched to), ``category``, ``urgency``, ``source``,
      ``state``;
    - ``reported_at``, ``filed_at``, ``dispatched_at``, ``handled_at``, ``closed_at`` and the
      stage deadlines ``verify_deadline``, ``dispatch_deadline``, ``handle_deadline``,
      ``check_deadline`` (tz-aware in the calendar's zone; ``NaT`` when not reached, or at or
      after ``as_of``);
    - ``verify_on_time`` … ``check_on_time`` (nullable boolean: ``<NA>`` when the stage was
      not done or has no deadline), ``overdue`` (the handling deadline passed before
      ``as_of`` and the case was not handled), ``on_shelf`` (挂账);
    - ``response_hours`` (reported to dispatched) and ``handle_hours`` (dispatched to handled),
      working hours on the model's calendar;
    - one boolean per count of the card: ``reported``, ``public_reported``, ``filed``,
      ``public_filed``, ``due_to_close``, ``closed``, ``closed_on_time``, ``shelved`` (summed
      per grid they are the area table's counts) and ``dept_due``, ``dept_handled``,
      ``dept_handled_on_time``, ``dept_overdue_handled``, ``dept_overdue_unhandled``,
      ``dept_shelved``, ``dept_postponed`` (summed per ``unit``, the department table's);
    - two-level and joint dispatch: ``dept_second_handled``, ``dept_second_handled_on_time``
      (summed per ``second_unit``, the sub-units' counts), ``dept_co`` (set on the rows whose
      co-handler lists count: each unit named in ``co_units`` / ``co_on_time`` of those rows
      is credited one ``co_assigned`` / ``co_on_time``), and the text columns
      ``second_unit``, ``co_units``, ``co_on_time`` (lists joined by ``;``).

    A department's overdue cases: ``d[(d.unit == "U01") & d.dept_overdue_unhandled]``.
    Posts' counts are not drilled into."""
    if not isinstance(model, Model):
        raise TypeError(f"model must be a gridgov.Model, not {type(model).__name__}")
    mode = _errors_mode(errors)
    if mode == "collect":
        raise _invalid("errors", mode, 'is "raise" or "drop" for a drill-down (check_records collects)')
    s, e = _ms(model, start, "start"), _ms(model, end, "end")
    at = None if as_of is None else _ms(model, as_of, "as_of")
    rec = _records(model, records, local, encoding, labels, mode)
    if rec.model is not model and rec.model.to_json() != model.to_json():
        raise _invalid("records", rec.model.name, "were validated against another model")
    cols = rec._core.drill_down(s, e, at)
    return _frame_of(cols, model.calendar.tzinfo, dict.fromkeys(_ON_TIME, "boolean"))


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
    model: Model,
    records: Any,
    local: bool,
    encoding: Optional[str] = None,
    labels: Optional[Labels] = None,
    errors: str = "raise",
) -> Records:
    if isinstance(records, Records):
        return records
    if isinstance(records, Engine):
        return Records._wrap(records._core.records(), records.model)
    if isinstance(records, (str, os.PathLike)):
        p = os.fspath(records)
        if p.lower().endswith(".parquet"):
            return Records.read_parquet(model, p, local=local, errors=errors)
        if _is_excel(p):
            return Records.read_excel(model, p, labels=labels, errors=errors)
        return Records.read_csv(model, p, encoding=encoding, labels=labels, errors=errors)
    return Records(model, records, local=local, labels=labels, errors=errors)


# -- Scorecard --------------------------------------------------------------------------------


class Scorecard:
    """The scorecard of a period: every indicator of every area (each level), department
    and post, with composite scores (published weights), grades A-E and fair ranks.

    Tables are ``pandas.DataFrame``\\ s indexed by code or id, with ``name``, one column per
    indicator (counts as ``int64``, rates and hours as ``float64``, ``NaN`` when undefined),
    ``score``, ``grade``, ``rank`` (nullable ``Int64``: missing below the minimum sample) and
    ``sample``. Cards merge exactly (:meth:`merge`) and pickle.
    """

    __slots__ = ("_core", "_model", "_problems")

    def __init__(self, core: _gridgov.Scorecard, model: Model, problems: Any = None) -> None:
        self._core = core
        self._model = model
        self._problems = problems

    @property
    def problems(self) -> Any:
        """The rows ``score(..., errors="drop")`` left out (``row``, ``id``, ``column``,
        ``value``, ``reason``; see :func:`check_records`); empty otherwise."""
        if self._problems is None:
            return _problems_frame([])
        return self._problems

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

    @classmethod
    def merge_all(cls, cards: Any) -> Scorecard:
        """The card of all ``cards`` (e.g. :func:`score_periods`' months), whatever their order:
        sorted by period, then merged (adjacent periods, or equal periods of disjoint record
        sets)."""
        cards = list(cards)
        for c in cards:
            if not isinstance(c, Scorecard):
                raise TypeError(f"cards must be gridgov.Scorecard objects, not {type(c).__name__}")
        if not cards:
            raise _invalid("cards", "[]", "is an empty list: nothing to merge")
        return Scorecard(_gridgov.Scorecard.merge_all([c._core for c in cards]), cards[0]._model)

    def to_json(self) -> str:
        """The card's tallies as JSON (format ``gridgov-scorecard/3``), to merge elsewhere."""
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



@overload
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
    errors: Literal["raise", "drop"] = "raise",
) -> Scorecard: ...


@overload
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
    errors: Literal["collect"],
) -> Any: ...

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
    errors: str = "raise",
) -> Any:
    """Scores ``records`` over ``[start, end)``: a ``DataFrame``, a path to a CSV or Parquet
    file, an :class:`Engine`, or :class:`Records`. ``start``/``end``: datetimes or dates
    (naive: local to the model's calendar). ``as_of`` defaults to the records' own.
    Naive instants in a ``DataFrame`` are local to the model's calendar, as in CSV files
    (see :class:`Records`); ``local=False`` reads naive ``datetime64`` columns as UTC.
    ``encoding`` names a CSV file's encoding (default: UTF-8, or GBK/GB18030 detected);
    ``labels`` adds a call's own words for states, sources, urgencies and booleans
    (see :meth:`Model.record_labels`).

    ``errors`` says what a bad row does: ``"raise"`` (default) raises at the first one with
    :class:`ValidationError` naming ``records[ROW].COLUMN`` and the case; ``"collect"`` scores
    nothing and returns every bad row as a ``DataFrame`` (:func:`check_records`);
    ``"drop"`` scores the good rows and returns the card with the dropped rows in its
    :attr:`Scorecard.problems`."""
    if not isinstance(model, Model):
        raise TypeError(f"model must be a gridgov.Model, not {type(model).__name__}")
    mode = _errors_mode(errors)
    s, e = _ms(model, start, "start"), _ms(model, end, "end")
    at = None if as_of is None else _ms(model, as_of, "as_of")
    pd = _pandas()
    if isinstance(records, Mapping):
        records = pd.DataFrame(dict(records))
    if mode == "collect" and isinstance(records, (Records, Engine)):
        return _problems_frame([])  # validated already
    if mode != "raise" and not isinstance(records, (Records, Engine)):
        core, problems = _check(model, records, mode, as_of=None, local=local, encoding=encoding, labels=labels)
        if core is None:
            return problems
        return Scorecard(_gridgov.Scorecard.compute(core, s, e, at), model, problems)
    if isinstance(records, pd.DataFrame):
        # One call, borrowing the frame's arrays: nothing is copied into a Records object.
        cols = _columns(model, records, local)
        return Scorecard(_gridgov.Scorecard.from_columns(_reading(model, labels), cols, s, e, at), model)
    rec = _records(model, records, local, encoding, labels)
    if rec.model is not model and rec.model.to_json() != model.to_json():
        raise _invalid("records", rec.model.name, "were validated against another model")
    return Scorecard(_gridgov.Scorecard.compute(rec._core, s, e, at), model)


def compare(
    before: Scorecard, after: Scorecard, level: Optional[str] = None, *, allow_different_as_of: bool = False
) -> Any:
    """The change between two cards per area (of ``level``, or of every level): mean
    response hours (report to dispatch), mean handling hours, on-time closure rate and
    satisfaction rate, as a ``DataFrame`` with ``area, name, level, indicator, before, after,
    change, unit, change_pct``: ``change`` is ``after - before`` in ``unit`` — ``"hours"`` for
    the mean hours, ``"points"`` (percentage points: 0.5 -> 0.75 is +25) for the rates — and
    ``change_pct`` the relative change in percent of ``before`` (0.5 -> 0.75 is +50 %).

    The cards must be judged at the same instant (``as_of``): a case within its limit on one
    card may be overdue on the other, so the rates would not measure the same thing.
    :class:`ValidationError` names both instants; ``allow_different_as_of=True`` compares
    anyway."""
    pd = _pandas()
    rows = _gridgov.Scorecard.compare(before._core, after._core, level, allow_different_as_of)
    df = pd.DataFrame(
        rows, columns=["area", "name", "level", "indicator", "before", "after", "change", "unit", "change_pct"]
    )
    for c in ("before", "after", "change", "change_pct"):
        df[c] = df[c].astype(np.float64)
    return df


def score_periods(
    model: Model,
    records: Any,
    freq: str = "MS",
    *,
    start: Optional[Instant] = None,
    end: Optional[Instant] = None,
    as_of: Optional[Instant] = None,
    local: bool = True,
    encoding: Optional[str] = None,
    labels: Optional[Labels] = None,
    errors: str = "raise",
) -> list[Scorecard]:
    """One card per calendar period: ``freq="MS"`` months, ``"QS"`` quarters, ``"YS"`` years
    (pandas' period-start aliases), each from local midnight of its first day. The periods
    cover ``[start, end)`` (default: from the first report to the records' ``as_of``, the
    whole history); every card is judged as of the same ``as_of`` (default: the records'
    own), so they merge (:meth:`Scorecard.merge_all` gives the card of the whole) and compare.
    ``records`` and the other arguments as for :func:`score` (``errors="drop"`` puts the
    dropped rows in every card's ``problems``)."""
    if not isinstance(model, Model):
        raise TypeError(f"model must be a gridgov.Model, not {type(model).__name__}")
    mode = _errors_mode(errors)
    if mode == "collect":
        raise _invalid("errors", mode, 'is "raise" or "drop" for score_periods (check_records collects)')
    s = None if start is None else _ms(model, start, "start")
    e = None if end is None else _ms(model, end, "end")
    at = None if as_of is None else _ms(model, as_of, "as_of")
    rec = _records(model, records, local, encoding, labels, mode)
    if rec.model is not model and rec.model.to_json() != model.to_json():
        raise _invalid("records", rec.model.name, "were validated against another model")
    problems = rec._problems
    return [Scorecard(c, model, problems) for c in _gridgov.Scorecard.score_periods(rec._core, freq, s, e, at)]
