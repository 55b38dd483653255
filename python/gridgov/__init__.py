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
* :func:`report` — the HTML report a district leader reads: maps, trend against the policy
  targets, scorecards, division suggestions, escalations and 督办, in one offline file (needs
  matplotlib: ``pip install gridgov[report]``).
* One exception tree under :class:`GridgovError`.

Time conventions (every function follows them):

* A **naive** ``datetime`` is a wall-clock time in the calendar's zone (UTC+8 for the China
  calendar); an **aware** one is converted. Results come back in the style of the input: naive
  in the calendar's zone for naive input, aware in the input's ``tzinfo`` for aware input.
* **Naive means the calendar's zone everywhere**: a naive ``datetime``, a NumPy
  ``datetime64`` (which has no zone), a naive pandas column, naive text in a frame and naive
  text in a CSV file are all wall-clock times of the city, as Chinese systems export them. An
  ``int`` is milliseconds since the Unix epoch (UTC); results for it are naive, in the
  calendar's zone. A ``date`` (or
  ``datetime64[D]``) is its midnight in the calendar's zone, wherever a date may stand for an
  instant (engine times, period bounds, :func:`simulate`; the calendar's arithmetic takes
  instants only).
* Arrays and frame columns follow the same rules element by element: naive ``datetime64``
  arrays are local wall-clock times (``local=False`` reads them as UTC instants, for arrays
  that are UTC by construction); a tz-aware pandas ``Series``/``DatetimeIndex`` is converted;
  text columns are read as the core reads CSV, row by row, so a column may mix naive and
  offset-carrying values; integer arrays are epoch ms. Bulk results are ``datetime64[ms]``
  wall-clock times of the calendar's zone (UTC with ``local=False``), ``timedelta64[ms]`` or
  ``bool`` arrays of the input's shape; frames (:meth:`Records.to_frame`,
  :meth:`Engine.events_frame`) carry tz-aware columns in the calendar's zone.
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

# Every name below is a re-export. Besides ``__all__``: the type aliases ``ArrayLike``,
# ``Instant`` and ``StrPath`` of the signatures, and the private functions that pickles made
# before the classes left this module name as ``gridgov.<function>``.
from . import _gridgov
from ._calendar import Calendar
from ._calendar import _calendar_from_json as _calendar_from_json
from ._common import ArrayLike as ArrayLike
from ._common import StrPath as StrPath
from ._convert import Instant as Instant
from ._division import DivisionReport, division_report
from ._engine import Actor, Case, Citizen, Engine, Escalation, verify_events, verify_journal
from ._engine import _engine_replay as _engine_replay
from ._errors import (
    CalendarRangeError,
    CodeError,
    DutyConflictError,
    GridgovError,
    GridgovFileNotFoundError,
    GridgovIOError,
    InvalidTransition,
    JournalError,
    MissingDependencyError,
    ModelError,
    NoResponsibleUnitError,
    ParseError,
    PermissionDenied,
    RoutingError,
    SinkBehindError,
    SinkError,
    TamperedError,
    UnknownError,
    ValidationError,
)
from ._model import (
    Area,
    Category,
    CheckReport,
    Conflict,
    DivisionCodes,
    Gap,
    Model,
    Staffing,
    Unit,
    UnknownDivision,
    UnstaffedUnit,
    UnsupervisedGrid,
    Worker,
)
from ._model import _model_from_json as _model_from_json
from ._report import report
from ._score import (
    RECORD_SCHEMA_VERSION,
    Records,
    Scorecard,
    check_records,
    column_labels,
    compare,
    drill_down,
    score,
    score_periods,
)
from ._simulate import simulate
from ._spatial import GridMap, convert
from ._spatial import _gridmap_from_geojson as _gridmap_from_geojson

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
    "DivisionCodes",
    "DivisionReport",
    "DutyConflictError",
    "Engine",
    "Escalation",
    "Gap",
    "GridMap",
    "GridgovError",
    "GridgovFileNotFoundError",
    "GridgovIOError",
    "InvalidTransition",
    "JournalError",
    "MissingDependencyError",
    "Model",
    "ModelError",
    "NoResponsibleUnitError",
    "ParseError",
    "PermissionDenied",
    "RECORD_SCHEMA_VERSION",
    "Records",
    "RoutingError",
    "Scorecard",
    "SinkBehindError",
    "SinkError",
    "Staffing",
    "TamperedError",
    "Unit",
    "UnknownError",
    "UnknownDivision",
    "UnstaffedUnit",
    "UnsupervisedGrid",
    "ValidationError",
    "Worker",
    "__version__",
    "check_records",
    "column_labels",
    "compare",
    "convert",
    "division_report",
    "drill_down",
    "report",
    "score",
    "score_periods",
    "simulate",
    "verify_events",
    "verify_journal",
]
