"""A city model: :class:`Model` (territory, organisation, duty matrix, catalog, calendar) and the
frozen records it hands out (:class:`Area`, :class:`Unit`, :class:`Worker`, :class:`Category`,
and the static check's :class:`CheckReport` with its :class:`Gap` and :class:`Conflict`)."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Optional

import numpy as np
import numpy.typing as npt

from . import _gridgov
from ._calendar import Calendar
from ._common import ArrayLike, StrPath, c_array, invalid, read_text
from ._convert import MAX_MS, NAT, Instant, datetime64_out, instant_ms, instants_ms, to_datetime
from ._spatial import _GEOJSON_CODE, GridMap

if TYPE_CHECKING:
    from ._division import DivisionReport

__all__ = [
    "Area",
    "Category",
    "CheckReport",
    "Conflict",
    "DivisionCodes",
    "Gap",
    "Model",
    "Staffing",
    "Unit",
    "UnstaffedUnit",
    "UnknownDivision",
    "UnsupervisedGrid",
    "Worker",
]

#: A dated list of GB/T 2260 division codes: ``DivisionCodes.builtin()`` (the National Bureau
#: of Statistics' list, cut-off 2022-10-31, shipped with gridgov) or ``DivisionCodes.parse(text)``
#: (one ``code,name`` per line, ``#`` comments, ``# as_of: YYYY-MM-DD``); ``len()``, ``in``,
#: ``.name(code)``, ``.as_of``. A bad line raises :class:`InvalidCodeError` naming it.
DivisionCodes = _gridgov.DivisionCodes


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
    #: Limits of the stages other than handling (accept, verify, file, dispatch, check, close).
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
class UnstaffedUnit:
    """A unit that receives cases (a duty rule or the territorial fallback names it) but has no
    worker of role ``handler``."""

    unit: str
    name: str
    #: Indices of the duty rules naming it, in the model's ``duty`` list.
    rules: tuple[int, ...]
    #: Unit grids whose territorial fallback (属地兜底) it is.
    fallback_grids: int


@dataclasses.dataclass(frozen=True)
class UnsupervisedGrid:
    """A unit grid no supervisor patrols."""

    code: str
    name: str


@dataclasses.dataclass(frozen=True)
class UnknownDivision:
    """A division code (the first six digits of national area codes) the list lacks."""

    code: str
    #: ``"county"``, ``"prefecture"`` (``xxxx00``) or ``"province"`` (``xx0000``).
    level: str
    #: The first area (in the model file's order) whose code starts with it.
    area: str
    #: That area's index in the model file's ``areas``.
    index: int
    #: How many areas' codes start with it.
    areas: int
    #: E.g. ``unknown county-level code 510199 (not in the division list of 2022-10-31; ...)``.
    message: str

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> UnknownDivision:
        return cls(d["code"], d["level"], d["area"], d["index"], d["areas"], d["message"])


@dataclasses.dataclass(frozen=True)
class Staffing:
    """Staffing gaps: who would receive cases nobody can handle, where nobody patrols."""

    units_without_handler: tuple[UnstaffedUnit, ...] = ()
    grids_without_supervisor: tuple[UnsupervisedGrid, ...] = ()

    @property
    def is_empty(self) -> bool:
        """``True`` when every unit that receives cases has a handler and every grid a
        supervisor."""
        return not self.units_without_handler and not self.grids_without_supervisor


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
    #: Staffing gaps (reported apart from the matrix's gaps and conflicts).
    staffing: Staffing = Staffing()
    #: Division codes the built-in GB/T 2260 list lacks (empty when the model's
    #: ``division_codes.check`` is ``"off"``); a warning, reported apart like staffing.
    unknown_divisions: tuple[UnknownDivision, ...] = ()

    @property
    def is_clean(self) -> bool:
        """``True`` when there is neither a gap nor a conflict in the duty matrix (staffing
        gaps are reported apart: ``report.staffing.is_empty``)."""
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
            staffing=Staffing(
                tuple(
                    UnstaffedUnit(u["unit"], u["name"], tuple(u["rules"]), u["fallback_grids"])
                    for u in d.get("staffing", {}).get("units_without_handler", ())
                ),
                tuple(
                    UnsupervisedGrid(g["code"], g["name"])
                    for g in d.get("staffing", {}).get("grids_without_supervisor", ())
                ),
            ),
            unknown_divisions=tuple(UnknownDivision.from_dict(u) for u in d.get("unknown_divisions", ())),
        )


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
    def load(cls, path: StrPath, *, encoding: Optional[str] = None) -> Model:
        """Loads a ``.toml`` or ``.json`` model file (the format from the extension, else
        detected): UTF-8, with or without a byte-order mark. A file in another encoding is
        read with ``encoding=`` (``"gbk"``, ``"gb18030"``...); without it, a file that is not
        UTF-8 raises :class:`ValidationError` naming the file and the first bad byte, and
        saying so when it looks like GBK/GB18030. Raises :class:`GridgovIOError` (an
        ``OSError``) when it cannot be read, :class:`ParseError`, :class:`ModelError`."""
        if encoding is None:
            return cls(_gridgov.Model.load(os.fspath(path)))
        text = read_text(path, "model file", encoding)
        suffix = os.path.splitext(os.fspath(path))[1].lower()
        fmt = {".json": "json", ".toml": "toml"}.get(suffix)
        return cls(_gridgov.Model.from_text(text, fmt))

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
        """A model from TOML or JSON text (JSON when it starts with ``{``; a leading
        byte-order mark is ignored)."""
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
        """The model's default working calendar (its ``calendar``, named ``"default"`` in
        :attr:`calendars`): the calendar of every unit and stage not given another, of periods
        and of local times."""
        return Calendar._wrap(self._core.calendar)

    @property
    def calendars(self) -> dict[str, Calendar]:
        """Every calendar of the model by name: ``"default"`` (:attr:`calendar`) first, then
        the model's ``[calendars]`` in name order, e.g. the sample city's ``"duty_roster"``
        (the command centre's duty shifts, every day) and ``"seven_day"`` (its sanitation
        units)."""
        return {name: Calendar._wrap(core) for name, core in self._core.calendars}

    def calendar_name_for(self, stage: str = "handle", unit: Optional[str] = None) -> str:
        """The name (a key of :attr:`calendars`) of the calendar a deadline of ``stage``
        (``"accept"``, ``"verify"``, ``"file"``, ``"dispatch"``, ``"handle"``, ``"check"``,
        ``"close"``) is counted on: the calendar of whoever must act. Handling runs on the
        responsible ``unit``'s calendar (its ``calendar`` in ``[[units]]``), the centre's
        stages on theirs (``[engine.stage_calendars]``), anything not named on ``"default"``.
        Raises :class:`ValidationError` for an unknown stage, :class:`UnknownError` for an
        unknown unit."""
        return self._core.calendar_name_for(stage, unit)

    def calendar_for(self, stage: str = "handle", unit: Optional[str] = None) -> Calendar:
        """The calendar a deadline of ``stage`` is counted on for ``unit``
        (:meth:`calendar_name_for`): ``model.calendar_for(unit="SANIT")`` is the sanitation
        unit's handling calendar, ``model.calendar_for("accept")`` the centre's for
        acceptance. The engine, the deadlines records compute from the catalog and the
        scorecards all count on it."""
        return self.calendars[self.calendar_name_for(stage, unit)]

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

    def record_labels(self) -> dict[str, dict[str, Any]]:
        """The words case records may use for the schema's ids, per column: ``{"state":
        {"已结案": "closed", ...}, "source": {"12345热线": "hotline", ...}, "urgency": {...},
        "boolean": {"是": True, ...}}`` — the built-in Chinese labels plus the model's own
        ``[scoring.labels]``. The English ids are always accepted too. A call adds its own
        words with ``labels=`` (:class:`Records`, :func:`score`)."""
        out: dict[str, dict[str, Any]] = {"state": {}, "source": {}, "urgency": {}, "boolean": {}}
        out.update(json.loads(self._core.record_labels_json()))
        return out

    def check(self) -> CheckReport:
        """Static check of the responsibility matrix: gaps (no rule, no fallback) and
        conflicts (equally specific rules naming different units); and of its staffing
        (``report.staffing``): units that receive cases without a handler, unit grids without
        a supervisor; and of its division codes (``report.unknown_divisions``, see
        :meth:`unknown_divisions`). The GIL is released."""
        return CheckReport.from_dict(json.loads(self._core.check_json()))

    def unknown_divisions(self, codes: Optional[_gridgov.DivisionCodes] = None) -> list[UnknownDivision]:
        """The division codes of the model's national area codes (their first six digits) that
        ``codes`` lacks — the list shipped with gridgov when ``None`` (National Bureau of
        Statistics, cut-off 2022-10-31) — each once, with the first area using it. Codes the
        model declares in ``division_codes.extra`` are known. A city with a newer list passes
        ``DivisionCodes.parse(text)``. The GIL is released."""
        return [UnknownDivision.from_dict(u) for u in json.loads(self._core.unknown_divisions_json(codes))]

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

    def deadline(self, category: str, start: Instant, urgency: Optional[str] = None) -> datetime:
        """The handling deadline of a case of ``category`` reported at ``start``, on the
        model's calendar (working time, or elapsed time for continuous limits). ``urgency``
        defaults to :attr:`default_urgency`. Naive ``start`` is local to the calendar; the
        result has the style of ``start``."""
        zone = self.calendar.tzinfo
        urgency = self.default_urgency if urgency is None else urgency
        ms = self._core.deadline(category, urgency, instant_ms(start, "start", zone))
        return to_datetime(ms, start, zone)

    def deadlines(self, categories: Any, starts: ArrayLike, urgencies: Any = None) -> npt.NDArray[np.datetime64]:
        """Bulk :meth:`deadline`: the handling deadline of each case, as ``datetime64[ms]``
        wall-clock times in the calendar's zone. ``categories`` and ``urgencies`` are
        sequences of keys (a list, an array, a pandas column; a single string is used for
        every case; ``urgencies=None`` is :attr:`default_urgency`); ``starts`` are instants as
        the calendar's bulk methods take them (naive: local). Errors name the element
        (``categories[3]``, ``starts[7]``). Each distinct (category, urgency) is looked up once
        and the GIL is released while the core works."""
        zone = self.calendar.tzinfo
        s = instants_ms(starts, "starts", zone, self.calendar._core)
        shape = s.shape
        flat = c_array(s.ravel())
        n = len(flat)

        def keys(values: Any, what: str) -> list[str]:
            if isinstance(values, str):
                return [values] * n
            out = [str(v) if isinstance(v, (str, np.str_)) else v for v in list(values)]
            for i, v in enumerate(out):
                if not isinstance(v, str):
                    raise invalid(f"{what}[{i}]", v, "is not a key (text)")
            if len(out) != n:
                raise invalid(what, f"{len(out)} values", f"where starts has {n}")
            return out

        cats = keys(categories, "categories")
        urgs = None if urgencies is None else keys(urgencies, "urgencies")
        out = self._core.deadlines(cats, urgs, flat)
        return datetime64_out(out, shape, zone, True)

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
        start: Optional[Instant] = None,
        end: Optional[Instant] = None,
        **options: Any,
    ) -> DivisionReport:
        """Grid-division analysis (:func:`division_report`) under the case load of
        ``records`` — a ``DataFrame``, a CSV/Parquet path, an :class:`Engine` or
        :class:`Records` — counted as cases reported in ``[start, end)`` (default: every
        record). A dict, Series or array of counts per grid is used as the load directly.
        ``options`` are those of :func:`division_report`."""
        # Imported here, not at the top: both modules build on this one (they take a Model).
        from ._division import division_report
        from ._score import _records

        if isinstance(records, (Mapping, np.ndarray, list)) or type(records).__name__ == "Series":
            return division_report(self, records, **options)
        rec = _records(self, records, False)
        zone = self.calendar.tzinfo
        lo = NAT + 1 if start is None else instant_ms(start, "start", zone)
        hi = MAX_MS if end is None else instant_ms(end, "end", zone)
        return division_report(self, rec._core.grid_load(lo, hi), **options)

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

    def __eq__(self, other: object) -> bool:
        """Equal when the model files are the same (their JSON form) and so are the attached
        grid boundaries: a model equals itself after a pickle round trip."""
        if not isinstance(other, Model):
            return NotImplemented
        if self._core.to_json() != other._core.to_json():
            return False
        a, b = self._core.grid_map, other._core.grid_map
        if a is None or b is None:
            return a is b
        return bool(a.to_geojson() == b.to_geojson())

    __hash__ = None  # type: ignore[assignment]

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
