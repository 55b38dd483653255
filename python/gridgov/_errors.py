"""The exception tree of gridgov.

Every error raised by the core arrives as exactly one of these classes (the mapping lives in
one function, ``errors.rs`` of the compiled module). Each class also derives from the built-in
exception a Python user would catch for that kind of problem (``ValueError``, ``KeyError``,
``OSError``), so ``except ValueError`` keeps working.

The message is the core's text and names the offending value; the structured parts are
attributes. Every exception pickles with its attributes (useful across Dask/Spark workers).
"""

from __future__ import annotations

__all__ = [
    "CalendarRangeError",
    "CodeError",
    "DutyConflictError",
    "GridgovError",
    "GridgovFileNotFoundError",
    "GridgovIOError",
    "InvalidTransition",
    "JournalError",
    "MissingDependencyError",
    "ModelError",
    "NoResponsibleUnitError",
    "ParseError",
    "PermissionDenied",
    "RoutingError",
    "SinkBehindError",
    "SinkError",
    "TamperedError",
    "UnknownError",
    "ValidationError",
]


class GridgovError(Exception):
    """Base class of every error raised by gridgov."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class ValidationError(GridgovError, ValueError):
    """A value is outside its allowed domain (negative duration, NaT, overflow, wrong dtype...).

    ``what`` names the argument or array element (``starts[3]``), ``value`` is the offending
    value as text, ``reason`` says why it is rejected.
    """

    def __init__(self, message: str = "", *, what: str = "", value: str = "", reason: str = "") -> None:
        super().__init__(message)
        self.what = what
        self.value = value
        self.reason = reason


class CodeError(ValidationError):
    """A malformed code: grid, area, category key or duty pattern (``what`` says which)."""


class UnknownError(GridgovError, KeyError):
    """A well-formed identifier the model does not know (``what``: grid, unit, role, ...)."""

    def __init__(self, message: str = "", *, what: str = "", value: str = "") -> None:
        super().__init__(message)
        self.what = what
        self.value = value


class CalendarRangeError(GridgovError, ValueError):
    """A date outside the years whose holiday data the calendar carries (never a guess)."""

    def __init__(
        self, message: str = "", *, date: str = "", first_year: int = 0, last_year: int = 0
    ) -> None:
        super().__init__(message)
        self.date = date
        self.first_year = first_year
        self.last_year = last_year


class RoutingError(GridgovError):
    """Routing a (category, grid) pair found no single responsible unit."""

    def __init__(self, message: str = "", *, category: str = "", grid: str = "") -> None:
        super().__init__(message)
        self.category = category
        self.grid = grid


class NoResponsibleUnitError(RoutingError):
    """No duty rule and no territorial fallback covers the pair (a gap)."""


class DutyConflictError(RoutingError):
    """Equally specific duty rules name different units (a conflict, 多头管理).

    ``rules`` are indices into the model's ``duty`` list, ``units`` the units they name.
    """

    def __init__(
        self,
        message: str = "",
        *,
        category: str = "",
        grid: str = "",
        rules: list[int] | None = None,
        units: list[str] | None = None,
    ) -> None:
        super().__init__(message, category=category, grid=grid)
        self.rules: list[int] = list(rules or [])
        self.units: list[str] = list(units or [])


class ModelError(GridgovError, ValueError):
    """A model (or calendar) document is invalid. ``issues`` lists every problem as
    ``(path, message)`` pairs, e.g. ``("areas[0].code", '"11010" is not a 14- or 15-digit
    grid code')``."""

    def __init__(self, message: str = "", *, issues: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.issues: list[tuple[str, str]] = list(issues or [])


class ParseError(GridgovError, ValueError):
    """A document is not well-formed TOML/JSON or has the wrong shape.

    ``format`` is ``"TOML"`` or ``"JSON"``, ``message`` the parser's text (with the line).
    """

    def __init__(self, message: str = "", *, format: str = "", parser_message: str = "") -> None:
        super().__init__(message)
        self.format = format
        self.parser_message = parser_message


class GridgovIOError(GridgovError, OSError):
    """A file could not be read; ``path`` is the path that was asked for."""

    def __init__(self, message: str = "", *, path: str = "") -> None:
        super().__init__(message)
        self.path = path


class GridgovFileNotFoundError(GridgovIOError, FileNotFoundError):
    """The file does not exist (also a ``FileNotFoundError``); ``path`` is the path asked for."""


class InvalidTransition(GridgovError):
    """The case's state does not allow the action (see the lifecycle table): e.g. closing a
    case that is still being handled, rating a case twice, approving a postponement nobody asked
    for. The case is unchanged.

    ``case`` is the case id, ``state`` its state (``"dispatched"``), ``action`` the refused
    action (``"close"``), ``detail`` more about the refusal (``"no postponement request is
    pending"``) or ``""``.
    """

    def __init__(
        self, message: str = "", *, case: int = 0, state: str = "", action: str = "", detail: str = ""
    ) -> None:
        super().__init__(message)
        self.case = case
        self.state = state
        self.action = action
        self.detail = detail


class PermissionDenied(GridgovError, PermissionError):
    """The actor may not perform the action: wrong role, or out of scope (a supervisor outside
    their grids, a handler on a case of another unit, a centre role outside its jurisdiction, a
    citizen on a case they did not report). The refusal is written to the engine's security log
    (:meth:`Engine.denials`); the case is unchanged.

    ``actor`` names the actor (``'worker "SV001"'``), ``action`` the refused action,
    ``reason`` why.
    """

    def __init__(self, message: str = "", *, actor: str = "", action: str = "", reason: str = "") -> None:
        super().__init__(message)
        self.actor = actor
        self.action = action
        self.reason = reason


class JournalError(GridgovError, OSError):
    """The journal (the engine's SQLite file) cannot be used as asked: another engine writes it,
    it was written for another model (the message names both hashes) or with a newer schema
    (both versions), the disk is full, SQLite failed. Nothing committed before is lost; a
    refused call leaves the engine unchanged.

    ``path`` is the journal's path, ``reason`` what went wrong.
    """

    def __init__(self, message: str = "", *, path: str = "", reason: str = "") -> None:
        super().__init__(message)
        self.path = path
        self.reason = reason


class TamperedError(GridgovError, ValueError):
    """A stored event does not match its audit chain: it, or one before it, was altered,
    inserted, removed or reordered. ``seq`` is the first event that does not verify, ``reason``
    which column or link does not match."""

    def __init__(self, message: str = "", *, seq: int = 0, reason: str = "") -> None:
        super().__init__(message)
        self.seq = seq
        self.reason = reason


class SinkError(GridgovError):
    """The event sink refused the events of a call (the sink raised or returned failure): the
    call is refused and the engine is unchanged. ``reason`` is the sink's message."""

    def __init__(self, message: str = "", *, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason


class SinkBehindError(GridgovError):
    """The host's event sink is behind the journal: the journal committed events up to
    ``committed_seq``, the sink took them only up to ``sink_seq``. Raised by the call whose
    events the journal committed when the sink then failed (the call **took effect**: do not
    retry it), and by every changing call after it (refused, nothing changed) until
    :meth:`Engine.set_sink` with ``after_seq`` catches the sink up. Not a :class:`SinkError`,
    whose calls were refused. ``reason`` is why the sink fell behind."""

    def __init__(
        self, message: str = "", *, sink_seq: int = 0, committed_seq: int = 0, reason: str = ""
    ) -> None:
        super().__init__(message)
        self.sink_seq = sink_seq
        self.committed_seq = committed_seq
        self.reason = reason


class MissingDependencyError(GridgovError, ImportError):
    """An optional package a feature needs is not installed (also an ``ImportError``);
    ``package`` names it and the message says how to install it."""

    def __init__(self, message: str = "", *, package: str = "") -> None:
        super().__init__(message)
        self.package = package
