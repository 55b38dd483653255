"""A seeded simulator: a model's city through the case engine for N days.

The simulation lives in the Rust core (``gridgov::simulate``, whose rustdoc documents the mix);
this module turns the start date or datetime into an instant and wraps the engine it returns.
"""

from __future__ import annotations

import operator
from datetime import date, datetime

import numpy as np

from . import _gridgov
from ._common import invalid as _invalid
from ._convert import instant_ms
from ._engine import Engine
from ._model import Model

__all__ = ["simulate"]

_I64 = (-(2**63), 2**63 - 1)
_U64_MAX = 2**64 - 1


def _int(value: object, what: str, lo: int, hi: int, reason: str) -> int:
    if isinstance(value, bool):
        raise TypeError(f"{what} must be an int, not bool")
    try:
        n = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"{what} must be an int, not {type(value).__name__}") from None
    if not lo <= n <= hi:
        raise _invalid(what, n, reason)
    return n


def simulate(
    model: Model,
    start: date | datetime | np.datetime64,
    days: int = 30,
    *,
    seed: int = 1,
    reports_per_day: int = 120,
) -> Engine:
    """Runs ``model``'s city through a new :class:`Engine` for ``days`` days from ``start`` and
    returns the engine with everything that happened: a realistic, seeded history for demos,
    scoring and tests ("a month of the sample city").

    ``start`` is a ``datetime`` (naive: wall-clock time in the model calendar's zone; aware:
    converted), a ``date`` (its local midnight) or a NumPy ``datetime64`` (naive: local;
    ``datetime64[D]`` is a date). The window is ``[start, start + days × 24
    h)``. About ``reports_per_day`` reports come in on a working day of the model's calendar
    (40 % of that on a weekend or holiday): supervisors' reports in their own grids (about 65 %)
    and citizens' through the hotline, the app and the media, which then go through the whole
    lifecycle — acceptance or rejection, verification (some invalid), filing or voiding,
    dispatch by the duty matrix, returns and re-dispatch, handling mostly on time and about
    15 % late relative to the deadline, postponements approved or denied, shelving, checks and
    rework, closing, citizen ratings and reopenings — every action by a worker allowed to do it
    within their scope (:meth:`Engine.denials` stays empty), and a sweep of the escalation rules
    every 30 minutes. Cases still open at the end of the window stay as they are.

    The same arguments give an equal engine (``==``), on any machine; a month of the sample
    city takes well under a second (the GIL is released).

    >>> from datetime import date
    >>> from gridgov import Model
    >>> eng = simulate(Model.sample(), date(2026, 3, 2), days=2)
    >>> len(eng) > 150, eng.denials()
    (True, [])

    Raises :class:`ValidationError` for ``days`` outside 1-3660, ``reports_per_day`` outside
    0-100000 or a ``seed`` outside 0 to 2**64 - 1, :class:`CalendarRangeError` when the window
    (or a deadline in it) falls outside the calendar's covered years, and ``TypeError`` for
    arguments of the wrong type.
    """
    if not isinstance(model, Model):
        raise TypeError(f"model must be a gridgov.Model, not {type(model).__name__}")
    # Not epoch milliseconds: an int here is refused (tests/python/test_simulate.py pins it).
    start_ms = instant_ms(start, "start", model.calendar.tzinfo, integers=False)
    n_days = _int(days, "days", *_I64, "must be from 1 to 3660")
    n_seed = _int(seed, "seed", 0, _U64_MAX, "must be from 0 to 2**64 - 1")
    per_day = _int(reports_per_day, "reports_per_day", *_I64, "must be from 0 to 100000")
    core = _gridgov.simulate(model._core, start_ms, n_days, n_seed, per_day)
    return Engine._wrap(core, model)
