"""The case engine: :class:`Engine` (cases through their lifecycle, stage deadlines and lights,
escalation sweeps, access control, the audited event log and replay), the snapshots it returns
(:class:`Case`, :class:`Escalation`), :class:`Citizen` actors, :func:`verify_events`, and the
engine on disk: :meth:`Engine.open` (a SQLite journal), batches, the event sink and
:func:`verify_journal`."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Optional, Union

import numpy as np

from . import _gridgov
from ._common import import_pandas
from ._common import invalid as _invalid
from ._convert import Instant, instant_ms, optional_datetime, to_datetime, zoned_series
from ._errors import UnknownError
from ._model import Model, Worker

if TYPE_CHECKING:
    from ._score import Records

__all__ = ["Actor", "Case", "Citizen", "Engine", "Escalation", "verify_events", "verify_journal"]

#: A host's event sink: called with the JSON lines (``hash`` included) of each accepted call or
#: batch before the call returns; raising refuses the call. An object that also has a
#: ``finish(commit: bool)`` method gets ``True`` once the journal committed (commit your
#: transaction there) and ``False`` when the call is refused after it took the lines.
Sink = Callable[[list[str]], object]


_U64_MAX = 2**64 - 1


def _seq(value: object, what: str) -> int:
    """An event's ``seq`` (or 0) as an ``int`` in the unsigned 64-bit range."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _U64_MAX:
        raise _invalid(what, repr(value), "must be an int from 0 (no event) to 2**64 - 1")
    return value


@dataclasses.dataclass(frozen=True)
class Citizen:
    """A citizen as the actor of a report or a rating, by an id the host system assigns (an
    account id, a phone hash). A worker is named by its id, a plain ``str``."""

    id: str


#: Who performs an action: a worker id (``"SV001"``), a :class:`Worker` record, a
#: :class:`Citizen`, or the JSON form as a dict (``{"worker": "SV001"}``, ``{"citizen": "c-1"}``).
Actor = Union[str, "Worker", Citizen, Mapping[str, str]]


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
    #: Id of the unit it is dispatched to (the lead unit, 主办, of a joint dispatch).
    unit: Optional[str]
    #: Channel: ``supervisor``, ``hotline``, ``app``, ``media``, ``leader``, ``sensor``.
    source: str
    #: Who reported it: a worker id or a :class:`Citizen`.
    reporter: Union[str, Citizen]
    reported_at: datetime
    #: Time of its last event.
    last_at: datetime
    #: The running timed stage (``accept``, ``verify``, ``file``, ``dispatch``, ``handle``,
    #: ``check``, ``close``): every open case runs one (a shelved case shows ``handle`` with
    #: ``paused``); ``None`` when closed or final.
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
    #: Approved returns to the centre (回退).
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
    #: Of the approved returns, those for a wrong unit (the dispatcher's error).
    wrong_unit_returns: int
    #: A return request waiting for the shift leader: ``{"cause": ..., "reason": ...}``
    #: (cause ``wrong_unit``, ``outside_duty`` or ``other``).
    pending_return: Optional[dict[str, str]]
    #: A void request waiting for the manager: ``{"cause": ..., "reason": ...}`` (cause
    #: ``duplicate``, ``outside_scope`` or ``problem_gone``).
    pending_void: Optional[dict[str, str]]
    #: The cause and reason of an approved void after filing (作废), kept.
    void_cause: Optional[str]
    void_reason: Optional[str]
    #: The last 督办 order: ``{"level", "issued_at", "limit", "deadline", "replied_at"}``
    #: (instants in epoch ms; ``replied_at`` ``None`` while it waits for its reply).
    order: Optional[dict[str, Any]]
    #: 督办 orders issued, and those answered by their reply deadline.
    orders: int
    orders_replied_on_time: int
    #: The last callback rating (回访, 1-5), the callbacks made and those sent back for redo.
    callback: Optional[int]
    callbacks: int
    callback_redos: int
    #: The sub-unit the case was passed on to (二级派遣), or ``None``.
    second_unit: Optional[str]
    #: The co-handlers (协办) of a joint dispatch, in the order named:
    #: ``{"unit", "fed_back_at" (epoch ms or None), "on_time"}`` each.
    co_handlers: tuple[dict[str, Any], ...]
    #: The supervisor its verification task was assigned to when the report was accepted (only
    #: they verify it), or ``None`` (no task, or nobody else patrols the grid).
    verify_assignee: Optional[str]
    #: ``True`` while the case still needs work (not closed and not final), as the core's
    #: lifecycle says.
    is_open: bool
    #: Its events as dicts of the event schema (see :meth:`Engine.events`), without contact data.
    history: tuple[dict[str, Any], ...] = dataclasses.field(default=(), hash=False)


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
    calendar's zone; aware: converted), dates (their local midnight), NumPy ``datetime64``
    (naive, so local too) or ``int`` epoch milliseconds (UTC). Times in results are naive local ``datetime``\\ s,
    or aware in the zone of the ``now`` argument when it is aware; event dicts keep the JSON
    form (``int`` ms).

    **Errors** (a refused call leaves the engine exactly as it was; the escalations of the case
    due at or before ``at``, which an accepted action records first, are then left for the next
    sweep): :class:`InvalidTransition`
    (the state does not allow the action), :class:`PermissionDenied` (role or scope; also
    written to :meth:`denials`), :class:`ValidationError` (unknown action, missing, extra or
    mistyped fields, a rating outside 1-5, an empty reason, a time earlier than the case's last
    event), :class:`UnknownError` (case, worker, unit, category, grid), :class:`CodeError`,
    :class:`CalendarRangeError`.

    The engine is safe to share between threads (calls are serialised by a lock);
    :meth:`sweep`, :meth:`replay` and the other engine calls release the GIL. It pickles as its
    model plus its events, contact data included (the security log is not kept).
    """

    __slots__ = ("_core", "_model", "_zone")

    def __init__(self, model: Model) -> None:
        if not isinstance(model, Model):
            raise TypeError(f"model must be a gridgov.Model, not {type(model).__name__}")
        self._init(_gridgov.Engine(model._core), model)

    def _init(self, core: _gridgov.Engine, model: Model) -> None:
        self._core = core
        self._model = model
        self._zone = model.calendar.tzinfo

    @classmethod
    def _wrap(cls, core: _gridgov.Engine, model: Model) -> Engine:
        eng = cls.__new__(cls)
        eng._init(core, model)
        return eng

    @classmethod
    def replay(
        cls, model: Model, events: Union[str, Iterable[Mapping[str, Any]]], *, verify: bool = True
    ) -> Engine:
        """Rebuilds an engine from its events: JSON-lines text (:meth:`events_jsonl`) or an
        iterable of event dicts (:meth:`events`). The audit chain is verified first: every event
        must carry its ``hash``, and a tampered, cut or reordered log raises
        :class:`ValidationError` naming the first broken line. Then every event is applied again
        with every check, the stage limits taken from the events; the result equals the original
        (``==``). Raises :class:`ParseError` or :class:`ValidationError` naming the line or the
        event (``events[3]``) that does not apply. The GIL is released.

        ``verify=False`` skips the chain, for a host that stores its events without the
        ``hash`` members. It gives up tamper detection: an edited log (a changed unit, time or
        reason) replays without complaint as long as every event still applies."""
        if not isinstance(model, Model):
            raise TypeError(f"model must be a gridgov.Model, not {type(model).__name__}")
        if isinstance(events, str):
            text = events
        elif isinstance(events, (bytes, bytearray)):
            raise TypeError("events must be JSON-lines text (str) or event dicts, not bytes")
        else:
            # written as the export writes lines (sorted, no spaces), so they are read and
            # verified on the fast path; any other form is read too, more slowly
            text = "".join(
                json.dumps(dict(e), ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
                for e in events
            )
        return cls._wrap(_gridgov.Engine.replay(model._core, text, verify=bool(verify)), model)

    @classmethod
    def open(
        cls,
        model: Model,
        path: Union[str, os.PathLike[str]],
        *,
        verify: bool = True,
        synchronous: str = "full",
        migrate: bool = False,
        max_pages: Optional[int] = None,
        keep_events: bool = True,
    ) -> Engine:
        """Opens (or creates) the SQLite journal at ``path`` and returns the engine it holds:
        every committed event replayed with every check, the audit chain verified first (unless
        ``verify=False``, for huge journals; :meth:`verify` still checks on demand). From then on
        every accepted :meth:`report`, :meth:`act` and :meth:`sweep` is committed to the file
        before it returns (a :meth:`batch`, at its end); a call the journal cannot take raises
        and leaves the engine unchanged. Other processes may read the file meanwhile
        (``sqlite3``, ``pandas.read_sql``; the README lists the tables).

        ``synchronous``: ``"full"`` (default: a power cut loses nothing acknowledged) or
        ``"normal"`` (faster single commits; a power cut may lose the last ones, never half of
        one). ``migrate=True`` accepts a model other than the journal's, recording the change.
        ``max_pages`` caps the file's size in pages (a commit past it is refused as a full disk).
        ``keep_events=False`` keeps the events on disk: the engine holds in memory only the
        events of the call in progress (its memory stays flat however long the history) and
        opening streams the journal instead of loading it; :meth:`events`, :meth:`events_jsonl`,
        :meth:`events_frame`, a case's ``history`` and :meth:`verify` then read the journal
        (:attr:`events_on_disk`).

        Raises :class:`JournalError` (another engine writes the journal; another model — both
        hashes named; a newer schema — both versions named; a full disk), :class:`TamperedError`
        naming the first stored event that does not verify, :class:`ValidationError` for bad
        options.

        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "city.journal"
        >>> eng = Engine.open(Model.sample(), path)
        >>> case = eng.report("SV001", category="C0101", grid="37990100100101",
        ...                   at=datetime(2025, 11, 3, 9, 0))
        >>> del eng                                     # closes the journal
        >>> len(Engine.open(Model.sample(), path))
        1
        """
        if not isinstance(model, Model):
            raise TypeError(f"model must be a gridgov.Model, not {type(model).__name__}")
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"path must be a str or a path, not {type(path).__name__}")
        for name, value in (("verify", verify), ("migrate", migrate), ("keep_events", keep_events)):
            if not isinstance(value, bool):
                raise _invalid(name, repr(value), "must be True or False")
        if max_pages is not None and (isinstance(max_pages, bool) or not isinstance(max_pages, int)):
            raise _invalid("max_pages", repr(max_pages), "must be an int or None")
        options = json.dumps(
            {
                "verify": verify,
                "synchronous": synchronous,
                "migrate": migrate,
                "max_pages": max_pages,
                "keep_events": keep_events,
            }
        )
        core = _gridgov.Engine.open(model._core, os.fspath(path), options)
        return cls._wrap(core, model)

    def attach_journal(
        self,
        path: Union[str, os.PathLike[str]],
        *,
        synchronous: str = "full",
        migrate: bool = False,
        max_pages: Optional[int] = None,
        keep_events: bool = True,
    ) -> None:
        """Writes this engine's whole history (every event, chained, and every case) into a new
        or empty SQLite journal at ``path`` in one transaction, then commits every later call to
        it, as if the engine had run on that journal from the start (:meth:`open` on the file
        gives it back). For a history made in memory: a :func:`simulate` run, or the JSON lines
        a host kept (:meth:`replay`) when it moves to the journal. The options are
        :meth:`open`'s.

        Raises :class:`JournalError` when the file holds events, was created for another model
        (unless ``migrate=True``) or is written by another engine; :class:`ValidationError`
        inside a :meth:`batch` or when the engine already writes a journal. On error the engine
        is unchanged and the journal holds no event.

        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "history.journal"
        >>> eng = Engine(Model.sample())
        >>> case = eng.report("SV001", category="C0101", grid="37990100100101",
        ...                   at=datetime(2025, 11, 3, 9, 0))
        >>> eng.attach_journal(path)
        >>> _ = eng.act(case, "accept", actor="AC01", at=datetime(2025, 11, 3, 9, 5))
        >>> del eng                                     # closes the journal
        >>> len(Engine.open(Model.sample(), path).events())
        2
        """
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"path must be a str or a path, not {type(path).__name__}")
        for name, value in (("migrate", migrate), ("keep_events", keep_events)):
            if not isinstance(value, bool):
                raise _invalid(name, repr(value), "must be True or False")
        if max_pages is not None and (isinstance(max_pages, bool) or not isinstance(max_pages, int)):
            raise _invalid("max_pages", repr(max_pages), "must be an int or None")
        options = json.dumps(
            {"synchronous": synchronous, "migrate": migrate, "max_pages": max_pages, "keep_events": keep_events}
        )
        self._core.attach_journal(os.fspath(path), options)

    @contextlib.contextmanager
    def batch(self) -> Iterator[Engine]:
        """A batch: inside the ``with`` block, calls apply to the engine as usual but reach the
        journal and the sink only at its end, in one transaction. If the block raises, or any
        call inside it was refused (even one whose exception was caught), nothing is committed
        and the engine goes back to where the batch began.

        >>> eng = Engine(Model.sample())
        >>> t = datetime(2025, 11, 3, 9, 0)
        >>> with eng.batch():
        ...     case = eng.report("SV001", category="C0101", grid="37990100100101", at=t)
        ...     _ = eng.act(case, "accept", actor="AC01", at=t)
        >>> eng.event_count
        2
        """
        self._core.begin_batch()
        try:
            yield self
        except BaseException:
            self._core.rollback_batch()
            raise
        self._core.commit_batch()

    @property
    def in_batch(self) -> bool:
        """Whether a :meth:`batch` is open."""
        return self._core.in_batch()

    def set_sink(self, sink: Optional[Sink], after_seq: Optional[int] = None) -> int:
        """Sets the event sink, or removes it with ``None``: ``sink(lines)`` is called with
        the JSON lines (``hash`` included, contact data included) of each accepted call or batch
        before the call returns, in order, each event once — write them in your own database's
        transaction. Raising refuses the call: it raises :class:`SinkError` and the engine (and
        its journal) are unchanged. The sink must not call the engine.

        Events recorded before are not sent, unless ``after_seq`` says which the host lacks:
        with ``after_seq`` (the last ``seq`` your database stored, 0 for none) every committed
        event after it is redelivered first, in order, in commits of at most 8,192 events, with
        the lines and hashes a live commit carries; returns the number redelivered. That is the
        restart path of a host with its own database (open the journal, ask your database for
        its last ``seq``, ``set_sink(sink, after_seq=last)``) and the way back after
        :class:`SinkBehindError`. An ``after_seq`` beyond the last committed event raises
        :class:`ValidationError` naming both (drop your rows after the journal's last ``seq``,
        then call again); a sink raising during the redelivery raises :class:`SinkError`, the
        commits before stay delivered and the engine keeps its previous sink: call again.

        A sink with a ``finish(commit)`` method (see :data:`Sink`) commits there, after the
        journal did: if that fails the call raises :class:`SinkBehindError` (the call took
        effect; do not retry it) and later calls raise it too, until the sink is caught up.

        >>> eng = Engine(Model.sample())
        >>> t = datetime(2025, 11, 3, 9, 0)
        >>> _ = eng.report("SV001", category="C0101", grid="37990100100101", at=t)
        >>> host: list[str] = []
        >>> eng.set_sink(host.extend, after_seq=0)     # the host stored nothing yet
        1
        >>> _ = eng.report("SV001", category="C0101", grid="37990100100101", at=t)
        >>> len(host)
        2
        """
        if sink is not None and not callable(sink):
            raise TypeError(f"sink must be callable or None, not {type(sink).__name__}")
        if after_seq is not None:
            if sink is None:
                raise _invalid("sink", "None", "after_seq needs a sink to catch up")
            after_seq = _seq(after_seq, "after_seq")
        return int(self._core.set_sink(sink, after_seq))

    def catch_up(self, sink: Sink, after_seq: int) -> int:
        """Redelivers to ``sink`` (called as a sink is, and not attached) every committed event
        after ``after_seq``, as :meth:`set_sink` with ``after_seq`` does; returns the number
        delivered. The engine does not change."""
        if not callable(sink):
            raise TypeError(f"sink must be callable, not {type(sink).__name__}")
        return int(self._core.catch_up(sink, _seq(after_seq, "after_seq")))

    @property
    def sink_behind(self) -> Optional[int]:
        """The last ``seq`` the host's sink took when it is behind the journal (its commit
        failed after the journal's: see :class:`SinkBehindError`), else ``None``."""
        behind = self._core.sink_behind()
        return None if behind is None else int(behind)

    @property
    def committed_seq(self) -> int:
        """The ``seq`` of the last committed event (0 when none; inside a batch, the last one
        before it)."""
        return int(self._core.committed_seq())

    # -- conversions (gridgov._convert, in the calendar's zone) ------------------------------

    def _ms(self, value: object, what: str) -> int:
        return instant_ms(value, what, self._zone)

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

    @property
    def events_on_disk(self) -> bool:
        """Whether the events stay on disk (:meth:`open` with ``keep_events=False``): the
        engine holds only the events of the call in progress, and reads its history from the
        journal."""
        return self._core.events_on_disk()

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
        override it), ``start``, ``request_postpone`` (minutes),
        ``approve_postpone``, ``deny_postpone``, ``request_shelve`` (reason),
        ``approve_shelve``, ``handle`` (result), ``check`` (passed: bool), ``close`` (reason),
        ``rate`` (satisfaction: 1-5), ``reopen`` (reason), ``supervise`` (note; level:
        ``general`` by default or ``leader``: a 督办 order with a reply deadline, one unanswered
        at a time), ``reply`` (note: answers the order), ``self_handle`` (result), ``callback``
        (satisfaction: 1-5; 回访 by the acceptor on a checked citizen's report before closing:
        below the model's ``[engine.callback] satisfied`` it sends the case back for redo when
        the model's ``redo`` is true).

        Returns (回退) and voids after filing (作废) are approved: ``request_return`` (cause:
        ``wrong_unit``, ``outside_duty`` or ``other``; reason) by the unit's handler, then
        ``approve_return`` (the case goes back for dispatch) or ``deny_return`` by a shift
        leader; ``request_void`` (cause: ``duplicate``, ``outside_scope`` or ``problem_gone``;
        reason) by a shift leader, then ``approve_void`` or ``deny_void`` by a manager. A plain
        ``return``, or ``void`` of a filed case, is refused (:class:`InvalidTransitionError`
        naming the case and the action); ``void`` before filing is the shift leader's own
        decision.

        Two-level and joint dispatch: ``subdispatch`` (unit) by a handler of the unit holding
        the case passes it on to a sub-unit (a unit below it in the model's tree, at any
        depth) without moving the handling deadline; another unit raises
        :class:`ValidationError` naming the case and both units. ``co_dispatch`` (unit) by the
        dispatcher names a co-handler (协办; the dispatched unit leads, 主办); ``co_feedback``
        (result) by a co-handler's handler gives its own feedback, once. While the model's
        ``[engine] co_feedback_required`` is true (the default) the lead's ``handle`` raises
        :class:`ValidationError` naming the co-handlers that have not fed back.

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
                at=to_datetime(at, now, self._zone),
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
        return Case(
            id=d["id"],
            state=d["state"],
            category=d["category"],
            urgency=d["urgency"],
            grid=d["grid"],
            unit=d["unit"],
            source=d["source"],
            reporter=_actor_value(d["reporter"]),
            reported_at=to_datetime(d["reported_at"], now, self._zone),
            last_at=to_datetime(d["last_at"], now, self._zone),
            stage=d["stage"],
            limit=d["limit"],
            paused=d["paused"],
            deadline=optional_datetime(d["deadline"], now, self._zone),
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
            closed_at=optional_datetime(d["closed_at"], now, self._zone),
            self_handled=d["self_handled"],
            wrong_unit_returns=d["wrong_unit_returns"],
            pending_return=d["pending_return"],
            pending_void=d["pending_void"],
            void_cause=d["void_cause"],
            void_reason=d["void_reason"],
            order=d["order"],
            orders=d["orders"],
            orders_replied_on_time=d["orders_replied_on_time"],
            callback=d["callback"],
            callbacks=d["callbacks"],
            callback_redos=d["callback_redos"],
            second_unit=d["second_unit"],
            co_handlers=tuple(d["co_handlers"]),
            verify_assignee=d["verify_assignee"],
            is_open=d["open"],
            history=tuple(d["history"]),
        )

    def deadline(self, case_id: int) -> Optional[datetime]:
        """The deadline of the case's running stage (naive, in the calendar's zone); ``None``
        when no timed stage runs or the clock is stopped."""
        return optional_datetime(self._core.deadline(_case_id(case_id)), None, self._zone)

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
        # Imported here, not at the top: _score builds on this module (it takes an Engine).
        from ._score import Records

        return Records._wrap(self._core.records(), self._model)

    def events_frame(self, viewer: Optional[Actor] = None) -> Any:
        """The events as a ``pandas.DataFrame``, one row per event: ``seq``, ``case``, ``at``
        (tz-aware, in the calendar's zone), ``actor_kind`` (``worker``, ``citizen``,
        ``system``), ``actor_id``, ``action``, ``limit``, then every field that occurs
        (``category``, ``grid``, ``unit``, ``reason``, ``hash``...) in order of first appearance
        (each event's fields in alphabetical order), missing values as ``NaN``/``None``; contact
        data as in :meth:`events_jsonl`. Built from columns the compiled module makes from the
        export, not from a dict per event. Needs pandas (imported here, not by ``import
        gridgov``)."""
        pd = import_pandas("Engine.events_frame")
        names, columns = self._core.events_columns(None if viewer is None else _actor_json(viewer, "viewer"))
        if columns and columns[0]:
            frame = pd.DataFrame(dict(zip(names, columns)), columns=names)
        else:
            frame = pd.DataFrame.from_records([], columns=names)
        frame["seq"] = frame["seq"].astype("int64")
        frame["case"] = frame["case"].astype("int64")
        frame["at"] = zoned_series(frame["at"], self._zone)
        return frame

    def verify(self) -> dict[str, Any]:
        """Checks the SHA-256 audit chain and returns ``{"events": n, "head": "<hex>"}``; the
        head identifies the whole history (keep it to detect a truncated log). On a journal
        (:meth:`open`) this walks the stored chain and raises :class:`TamperedError` naming the
        first stored event that does not match. Stored exports are checked with
        :func:`verify_events`."""
        return json.loads(self._core.verify_json())  # type: ignore[no-any-return]

    def denials(self) -> list[dict[str, Any]]:
        """The security log: every refused action (permission denied), in order, as dicts with
        ``at`` (epoch ms), ``actor`` (JSON form), ``case`` (``None`` for a refused report),
        ``action`` and ``reason``."""
        return json.loads(self._core.denials_json())  # type: ignore[no-any-return]

    # -- protocol ---------------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        """Same cases and events (the security log is not compared). When either engine keeps
        its events on disk (:attr:`events_on_disk`), the events are compared by their count;
        compare :meth:`verify` heads for the events themselves."""
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
        # written as the export writes lines (sorted, no spaces), so the chain is hashed from
        # their bytes; any other form is verified too, through a slower path
        text = "".join(
            json.dumps(dict(e), ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
            for e in events
        )
    return json.loads(_gridgov.verify_events(text))  # type: ignore[no-any-return]


def verify_journal(path: Union[str, os.PathLike[str]]) -> dict[str, Any]:
    """Verifies the journal at ``path`` without opening an engine on it (read-only; another
    engine may be writing it) and returns ``{"events": n, "head": "<hex>"}``. Raises
    :class:`TamperedError` naming the first event whose hash, link or stored columns do not
    match (a changed field, a deleted, inserted or swapped row), :class:`JournalError` when the
    file is not a journal."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or a path, not {type(path).__name__}")
    return json.loads(_gridgov.verify_journal(os.fspath(path)))  # type: ignore[no-any-return]
