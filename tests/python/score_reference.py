"""Independent pandas reference for performance scoring (绩效评价), written only from the module
documentation of ``core/src/score/mod.rs`` (the definitions), not from the Rust code.

Not a test file: tests and ``bench/score.py`` import it.

* :func:`random_records` — n random, consistent case records (vectorised NumPy; 10^7 rows in
  about 20 s) on a model, following the record schema;
* :func:`reference_scorecard` — the spec's tables with pandas ``groupby``: areas of every level,
  departments, and the four scored posts;
* :func:`reference_compare` — the period comparison, long form;
* :func:`self_check` — sanity checks of the two above on the sample city.

Conventions of this module (its arrays are UTC by construction, so it calls the calendar's bulk
methods with ``local=False``): a NumPy ``datetime64`` or a tz-aware value is a UTC instant; a
naive ``datetime``, ``pandas.Timestamp`` or string is local time on the model's calendar (Beijing
time for the sample city).

Readings taken where the definitions leave room (each is also listed in :data:`READINGS`):

1. ``as_of`` masks *event* instants only (``reported_at`` … ``rated_at``): deadlines are not
   events and are never masked.
2. A missing deadline in a present deadline column ("no deadline") never satisfies
   ``x ≤ deadline``: such an action is not on time (``no_deadline_on_time=True`` flips that).
3. ``mean_handle_hours`` of an area is taken over the filed-cohort cases that have both
   ``dispatched_at`` and ``handled_at`` (self-handled cases have no dispatch).
4. ``median_handle_hours``: the usual median of the whole working minutes (the mean of the two
   middle values for an even count), then divided by 60.
5. Shrinkage leaves a rate with denominator 0 undefined (it is not pulled to the pooled rate);
   the pooled rate ``Σx / Σn`` is over every row of the peers' table (``shrink_empty=True``
   gives such rows the pooled rate instead).
6. Step table "0 → 100, ≤ 2 → 90, …": exactly 0 scores 100, (0, 2] scores 90, and so on.
7. ``rated`` counts rows with ``rated_at`` in the period *and* a satisfaction value.
8. ``cases_per_10k`` uses each area's own ``population`` from the model (undefined when missing
   or 0); ``grids`` in ``filed_per_grid_month`` is the number of unit grids in the area; period
   days are ``(end − start) / 86 400 s`` (continuous).
9. Rows: departments are every unit in the records' ``unit`` column plus every model unit of a
   kind in :data:`DEPARTMENT_KINDS` (``department`` and ``street_office``: the units the duty
   matrix routes cases to) and every other unit with cases dispatched to it in the period
   that are due (应处置) or on the shelf;
   posts are every model worker of the role plus every other id that acted in the role in the
   period (supervisors: ``verifier``, ``checker``, and ``reporter`` of rows with source
   ``supervisor``).
10. ``valid_reports`` counts self-handled reports by the flag (it has no instant of its own).
11. ``state`` is used as given (voided for the filed cohort, invalid for accept accuracy); the
    reference needs the column.
12. Missing ``source`` means ``supervisor``; public sources are hotline, app and media (leader
    and sensor are neither supervisor nor public).
13. A dispatched case without ``unit`` counts for no department (the dispatcher still counts it).
14. ``as_of=None`` is the records' latest *event* instant, which therefore itself counts as not
    happened (the spec's rule applied literally).
15. Ranks compare scores exactly (``rank(method="min")``): two floats that differ in the last
    bit do not tie.
16. Comparison: ``change_pct = (after − before) / before × 100`` for every indicator (for rates
    too, relative, not in points); NaN when ``before`` is 0 or undefined. "Overall" is the top
    level's single area.
17. ``shelved_at`` and ``resumed_at`` are events (masked by ``as_of`` like the others); "a row
    without ``shelved_at``" (the version-1 rule: the ``shelved`` flag, neither handled nor
    closed) means the raw column is empty, whatever ``as_of``.
18. A case on the shelf is left out of 应结案数 and of every department count but ``shelved``;
    ``rework`` (the repeat count) sums over the handled cases, like ``reworked``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Optional, Union

import numpy as np
import pandas as pd

import gridgov

# ---------------------------------------------------------------------------------------------
# Names from the schema
# ---------------------------------------------------------------------------------------------

SOURCES = ("supervisor", "hotline", "app", "media", "leader", "sensor")
PUBLIC_SOURCES = ("hotline", "app", "media")
STATES = (
    "reported", "accepted", "verified", "filed", "dispatched", "returned", "handling",
    "handled", "checked", "closed", "shelved", "rejected", "invalid", "voided",
)
#: Event instants, in lifecycle order (the ``as_of`` rule applies to these).
EVENTS = (
    "reported_at", "accepted_at", "verified_at", "filed_at", "dispatched_at",
    "handled_at", "checked_at", "closed_at", "rated_at",
)
#: The shelf events of schema version 2 (outside the lifecycle order; masked by ``as_of`` too).
SHELF = ("shelved_at", "resumed_at")
DEADLINES = ("verify_deadline", "dispatch_deadline", "handle_deadline", "check_deadline")
ACTORS = ("acceptor", "verifier", "filer", "dispatcher", "checker", "closer")
SCORED_ROLES = ("supervisor", "acceptor", "shift_leader", "dispatcher")
#: Unit kinds listed in the departments table even without cases (reading 9).
DEPARTMENT_KINDS = ("department", "street_office")

READINGS = __doc__.split("Readings taken", 1)[1] if __doc__ else ""

MINUTE = 60_000
HOUR = 3_600_000
DAY = 86_400_000
NAT = np.datetime64("NaT", "ms")

Instant = Union[str, datetime, pd.Timestamp, np.datetime64]


def _instant(model: gridgov.Model, value: Instant) -> np.datetime64:
    """A UTC ``datetime64[ms]`` from an instant argument (naive values are calendar-local)."""
    if isinstance(value, np.datetime64):
        return value.astype("datetime64[ms]")
    ts = pd.Timestamp(value)
    if ts.tzinfo is None:
        ts = (ts - pd.Timedelta(model.calendar.utc_offset)).tz_localize(timezone.utc)
    return np.datetime64(ts.tz_convert(timezone.utc).tz_localize(None).as_unit("ms").to_datetime64(), "ms")


# ---------------------------------------------------------------------------------------------
# Random records
# ---------------------------------------------------------------------------------------------


def random_records(
    model: gridgov.Model,
    n: int,
    seed: int,
    start: Instant = "2026-01-01",
    end: Instant = "2026-04-01",
    *,
    text: str = "str",
) -> pd.DataFrame:
    """``n`` random but consistent case records on ``model`` (one row per case, the schema of
    ``core/src/score/mod.rs``), seeded.

    Reports fall in ``[start − 10 days, end + 5 days)`` (so about 15 % lie outside the period);
    each later stage happens with some probability, so every state occurs. Instants are
    ``datetime64[ms, UTC]``; text columns have dtype ``text`` (``"str"``, ``"object"`` or
    ``"category"``); ``satisfaction`` is nullable ``Int64``. Stages after acceptance take
    working time on the model's calendar, so the period must leave room before the end of the
    calendar's years.

    The lifecycle follows the engine's state machine (``core/src/case.rs``): every
    non-supervisor report (leader and sensor too) is verified before filing; a self-handled
    supervisor report goes from reported to checked (``checked_at`` and ``checker`` = the
    reporter, no ``check_deadline``: no check stage ran) and may be closed, never dispatched;
    a shelved case still shelved has no ``handle_deadline`` (the clock is stopped) and may be
    closed from the shelf without feedback; ratings only on closed public cases. About 1 % of
    every actor column is a former worker (``former-1`` … ``former-9``); the unit is the duty
    matrix's, 5 % of the time another dispatch target.
    """
    t0 = int(_instant(model, start).astype(np.int64)) - 10 * DAY
    t1 = int(_instant(model, end).astype(np.int64)) + 5 * DAY
    raw = _raw_records(model, n, np.random.default_rng(seed), t0, t1)
    columns: dict[str, Any] = {}
    for name in list(raw):  # one column at a time, freeing its raw arrays as we go
        kind, values, extra = raw.pop(name)
        if kind == "instant":  # int64 ms, `extra` the mask of present values
            if extra is not None:
                values[~extra] = NAT.astype(np.int64)
            dt = pd.DatetimeIndex(values.view("datetime64[ms]")).tz_localize(timezone.utc)
            columns[name] = pd.Series(dt, copy=False)
        elif kind == "text":  # codes into `extra` (-1: missing)
            if text == "category":
                cat = pd.Categorical.from_codes(values, categories=extra)
                columns[name] = pd.Series(cat.remove_unused_categories())
            else:
                vocabulary = np.array([*extra, None], dtype=object)  # code -1: missing
                columns[name] = pd.Series(vocabulary[values], dtype="str" if text == "str" else object)
        else:
            columns[name] = values
        del values, extra
    return pd.DataFrame(columns, copy=False)


def _raw_records(
    model: gridgov.Model, n: int, rng: np.random.Generator, t0: int, t1: int
) -> dict[str, tuple[str, Any, Any]]:
    """The columns of :func:`random_records` in schema order, as ``(kind, values, extra)``:
    instants as int64 ms with their presence mask, text as codes into a vocabulary."""
    cal = model.calendar
    grids = np.array(model.grids(), dtype=object)
    categories = np.array([c.key for c in model.categories()], dtype=object)
    urgencies = np.array(model.urgencies, dtype=object)
    # One vocabulary for every person column: workers of the scored roles, former workers, citizens.
    by_role = {r: [w.id for w in model.workers(role=r)] for r in SCORED_ROLES}
    former = [f"former-{i}" for i in range(1, 10)]
    citizens = [f"c{i}" for i in range(1, 50_001)]
    people = np.array(sum(by_role.values(), []) + former + citizens, dtype=object)
    pos = {p: i for i, p in enumerate(people)}
    role_codes = {r: np.array([pos[i] for i in ids], dtype=np.int64) for r, ids in by_role.items()}
    former_codes = np.array([pos[i] for i in former], dtype=np.int64)
    citizen0 = pos[citizens[0]]
    patrol = {g: w.id for w in model.workers(role="supervisor") for g in w.grids}
    grid_supervisor = np.array([pos[patrol.get(g, by_role["supervisor"][0])] for g in grids], dtype=np.int64)
    targets = np.array(sorted({model.route(c, g) for c in categories for g in grids}), dtype=object)
    target_pos = {u: i for i, u in enumerate(targets)}
    route = np.array([[target_pos[model.route(c, g)] for g in grids] for c in categories], dtype=np.int64)

    def u() -> np.ndarray:
        return rng.random(n)

    def delay(mean_minutes: float) -> np.ndarray:
        """Exponential delays (ms)."""
        return (rng.exponential(mean_minutes, n) * MINUTE).astype(np.int64)

    def spread(max_minutes: float) -> np.ndarray:
        """Uniform delays in [0, max_minutes) (ms)."""
        return (rng.random(n) * max_minutes * MINUTE).astype(np.int64)

    def work(base: np.ndarray, ms: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """``base + ms`` of working time on the model's calendar where ``mask`` (0 elsewhere)."""
        out = np.zeros(n, dtype=np.int64)
        out[mask] = cal.add_working_many(
            base[mask].view("datetime64[ms]"), ms[mask].view("timedelta64[ms]"), local=False
        ).view(
            np.int64
        )
        return out

    def actor(role: str, present: np.ndarray, preferred: Optional[np.ndarray] = None) -> np.ndarray:
        """Codes of a worker of ``role`` where ``present`` (-1 elsewhere): the preferred one 85 %
        of the time when given, a former worker 1 % of the time."""
        known = role_codes[role]
        out = known[rng.integers(0, len(known), n)]
        if preferred is not None:
            keep = u() < 0.85
            out[keep] = preferred[keep]
        gone = u() < 0.01
        out[gone] = former_codes[rng.integers(0, len(former_codes), int(gone.sum()))]
        out[~present] = -1
        return out

    gi = rng.integers(0, len(grids), n)
    ci = rng.integers(0, len(categories), n)
    urgency_p = np.where(urgencies == "urgent", 0.15, 1.0)
    source_i = rng.choice(len(SOURCES), n, p=[0.60, 0.20, 0.10, 0.04, 0.03, 0.03])
    sup = source_i == SOURCES.index("supervisor")
    public = np.isin(source_i, [SOURCES.index(s) for s in PUBLIC_SOURCES])
    reporter = citizen0 + rng.integers(0, len(citizens), n)
    reporter[sup] = actor("supervisor", sup, grid_supervisor[gi])[sup]

    # -- the lifecycle, stage by stage (masks of the cases that reach each step) --------------
    reported = rng.integers(t0, t1, n, dtype=np.int64)
    self_h = sup & (u() < 0.08)  # reported -> checked by the reporter (自行处置)
    acc = ~self_h & (u() < 0.95)  # the acceptor decided
    rejected = acc & (u() < 0.04)
    need_verify = acc & ~rejected & ~sup  # every non-supervisor report is verified first
    ver = need_verify & (u() < 0.93)
    invalid = ver & (u() < 0.06)
    fileable = acc & ~rejected & (sup | (ver & ~invalid))
    fil = fileable & (u() < 0.92)  # the shift leader decided
    voided = fil & (u() < 0.05)
    filed = fil & ~voided
    disp = filed & (u() < 0.93)
    shelved = disp & (u() < 0.04)
    stuck = shelved & (u() < 0.6)  # still shelved, or closed from the shelf
    shelf_closed = stuck & (u() < 0.4)
    hand = disp & ~stuck & (u() < 0.88)
    chk = hand & (u() < 0.9)
    checked = chk | self_h
    closed = (chk & (u() < 0.93)) | (self_h & (u() < 0.9)) | shelf_closed
    rated = closed & public & (u() < 0.5)

    # Stage instants: the acceptance centre and the citizens act around the clock, every other
    # stage takes working time on the model's calendar.
    accepted_at = reported + delay(8)
    verified_at = work(accepted_at, delay(45), ver)
    filed_at = work(np.where(ver, verified_at, accepted_at), delay(10), fil)
    dispatched_at = work(filed_at, delay(25), disp)
    handled_at = work(dispatched_at, delay(8 * 60), hand)
    checked_at = work(np.where(self_h, reported, handled_at), np.where(self_h, delay(30), delay(60)), checked)
    closed_at = work(
        np.where(shelf_closed, dispatched_at, checked_at), np.where(shelf_closed, delay(3 * 8 * 60), delay(15)), closed
    )
    rated_at = closed_at + delay(2 * 24 * 60)

    # The last time on the shelf: between the dispatch and the feedback (resumed), the closing
    # (closed from the shelf), or two days after the dispatch (still shelved); about a fifth
    # of the shelved cases carry only the flag, as version-1 tables do.
    frac = rng.random(n)
    until = np.where(hand, handled_at, np.where(shelf_closed, closed_at, dispatched_at + 2 * DAY))
    dated = shelved & (u() < 0.8)
    shelved_at = dispatched_at + ((until - dispatched_at) * frac * 0.5).astype(np.int64)
    resumed = dated & ~stuck
    resumed_at = shelved_at + ((until - shelved_at) * rng.random(n)).astype(np.int64)

    # -- counts --------------------------------------------------------------------------------
    returns = np.where(disp & (u() < 0.08), 1 + (u() < 0.25), 0).astype(np.int64)
    postponements = np.where(disp & (u() < 0.10), 1 + (u() < 0.2), 0).astype(np.int64)
    extension = postponements * rng.choice(np.array([60, 120, 240, 480], dtype=np.int64), n)
    rework = np.where(hand & (u() < 0.10), 1 + rng.poisson(0.5, n), 0).astype(np.int64)
    satisfaction = pd.array(rng.choice(np.arange(1, 6), n, p=[0.05, 0.05, 0.15, 0.35, 0.40]), dtype="Int64")
    satisfaction[~rated] = pd.NA

    # -- state as of the export ----------------------------------------------------------------
    open_dispatched = disp & ~hand & ~shelf_closed
    pick = u()
    state = np.select(
        [
            closed, checked, hand,
            open_dispatched & stuck,
            open_dispatched & (returns > 0) & (pick < 0.5),
            open_dispatched & (pick < 0.5), open_dispatched,
            filed, voided, invalid, ver, rejected, acc,
        ],
        [STATES.index(s) for s in (
            "closed", "checked", "handled", "shelved", "returned", "handling", "dispatched",
            "filed", "voided", "invalid", "verified", "rejected", "accepted",
        )],
        default=STATES.index("reported"),
    )

    # -- unit: the duty matrix's unit, sometimes another target (then often returned) ---------
    unit = route[ci, gi]
    wrong = disp & (u() < 0.05)
    unit[wrong] = rng.integers(0, len(targets), int(wrong.sum()))
    unit[~disp] = -1

    # -- deadlines: a few working hours after the stage start, NaT where it never started ----
    verify_deadline = work(accepted_at, spread(2 * 60), need_verify)
    dispatch_deadline = work(filed_at, spread(60), filed)
    handle_deadline = work(dispatched_at, spread(16 * 60) + extension * MINUTE, disp & ~stuck)
    check_deadline = work(handled_at, spread(2 * 60), hand)

    # the self-handling supervisor is the one who put the case in `checked`
    checker = np.where(self_h, reporter, actor("supervisor", checked, grid_supervisor[gi]))
    # -- approvals (schema 3): the returns for a wrong unit, the causes of voids after filing --
    wrong_unit_returns = np.where(u() < 0.6, returns, np.minimum(returns, 1) * (u() < 0.5)).astype(np.int64)
    void_causes = np.array(["duplicate", "outside_scope", "problem_gone"], dtype=object)
    void_cause = np.where((state == STATES.index("voided")) & (u() < 0.6), rng.integers(0, 3, n), -1)
    orders = np.where(disp & (u() < 0.05), 1 + (u() < 0.2), 0).astype(np.int64)
    orders_on_time = np.minimum(orders, (u() < 0.7) + (u() < 0.3)).astype(np.int64)
    return {
        "schema_version": ("plain", np.full(n, 3, dtype=np.int64), None),
        "id": ("plain", np.arange(1, n + 1, dtype=np.int64), None),
        "grid": ("text", gi, grids),
        "category": ("text", ci, categories),
        "urgency": ("text", rng.choice(len(urgencies), n, p=urgency_p / urgency_p.sum()), urgencies),
        "source": ("text", source_i, np.array(SOURCES, dtype=object)),
        "reporter": ("text", reporter, people),
        "state": ("text", state, np.array(STATES, dtype=object)),
        "reported_at": ("instant", reported, None),
        "accepted_at": ("instant", accepted_at, acc),
        "acceptor": ("text", actor("acceptor", acc), people),
        "verified_at": ("instant", verified_at, ver),
        "verifier": ("text", actor("supervisor", ver, grid_supervisor[gi]), people),
        "filed_at": ("instant", filed_at, fil),
        "filer": ("text", actor("shift_leader", fil), people),
        "dispatched_at": ("instant", dispatched_at, disp),
        "dispatcher": ("text", actor("dispatcher", disp), people),
        "unit": ("text", unit, targets),
        "handled_at": ("instant", handled_at, hand),
        "checked_at": ("instant", checked_at, checked),
        "checker": ("text", checker, people),
        "closed_at": ("instant", closed_at, closed),
        "closer": ("text", actor("shift_leader", closed), people),
        "rated_at": ("instant", rated_at, rated),
        "satisfaction": ("plain", satisfaction, None),
        "rework": ("plain", rework, None),
        "returns": ("plain", returns, None),
        "wrong_unit_returns": ("plain", wrong_unit_returns, None),
        "void_cause": ("text", void_cause, void_causes),
        "orders": ("plain", orders, None),
        "orders_replied_on_time": ("plain", orders_on_time, None),
        "postponements": ("plain", postponements, None),
        "extension_minutes": ("plain", extension, None),
        "shelved": ("plain", shelved, None),
        "self_handled": ("plain", self_h, None),
        "shelved_at": ("instant", shelved_at, dated),
        "resumed_at": ("instant", resumed_at, resumed),
        "verify_deadline": ("instant", verify_deadline, need_verify),
        "dispatch_deadline": ("instant", dispatch_deadline, filed),
        "handle_deadline": ("instant", handle_deadline, disp & ~stuck),  # shelved: the clock stopped
        "check_deadline": ("instant", check_deadline, hand),
    }


# ---------------------------------------------------------------------------------------------
# Scores: rates, step tables, composites, grades, ranks
# ---------------------------------------------------------------------------------------------


def step_filed(v: np.ndarray) -> np.ndarray:
    """立案数 per unit grid per 30 days: 0 → 100, ≤ 2 → 90, ≤ 4 → 75, ≤ 6 → 60, ≤ 8 → 40, else 0."""
    return np.select([v == 0, v <= 2, v <= 4, v <= 6, v <= 8], [100.0, 90.0, 75.0, 60.0, 40.0], 0.0)


def step_accepted(v: np.ndarray) -> np.ndarray:
    """受理数: > 2000 → 100, 1201–2000 → 90, 501–1200 → 75, 301–500 → 60, else 0."""
    return np.select([v > 2000, v > 1200, v > 500, v > 300], [100.0, 90.0, 75.0, 60.0], 0.0)


@dataclass(frozen=True)
class Rate:
    """The rate ``indicator = x / n`` entering a composite with ``weight`` (``inverse``: lower
    is better)."""

    indicator: str
    weight: float
    x: Callable[[pd.DataFrame], pd.Series]
    n: str
    inverse: bool = False

    def score(self, table: pd.DataFrame, shrinkage: float, shrink_empty: bool) -> np.ndarray:
        x = self.x(table).to_numpy(dtype=np.float64)
        n = table[self.n].to_numpy(dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            if shrinkage > 0:
                pooled = x.sum() / n.sum() if n.sum() > 0 else np.nan
                r = (x + shrinkage * pooled) / (n + shrinkage)
                if not shrink_empty:
                    r = np.where(n > 0, r, np.nan)
            else:
                r = np.where(n > 0, x / n, np.nan)
        s = 100.0 * (1.0 - r) if self.inverse else 100.0 * r
        return np.clip(s, 0.0, 100.0)  # NaN stays NaN


@dataclass(frozen=True)
class Step:
    """A count (or per-grid figure) through a step table."""

    indicator: str
    weight: float
    table: Callable[[np.ndarray], np.ndarray]

    def score(self, table: pd.DataFrame, shrinkage: float, shrink_empty: bool) -> np.ndarray:
        v = table[self.indicator].to_numpy(dtype=np.float64)
        return np.where(np.isnan(v), np.nan, self.table(v))


def col(name: str) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda t: t[name]


AREA_SCORE = [
    Rate("public_share", 10, col("public_filed"), "filed", inverse=True),
    Step("filed_per_grid_month", 20, step_filed),
    Rate("closure_rate", 30, col("closed"), "due_to_close"),
    Rate("on_time_closure_rate", 40, col("closed_on_time"), "due_to_close"),
]
DEPARTMENT_SCORE = [
    Rate("handle_rate", 40, col("handled"), "due"),
    Rate("on_time_rate", 40, col("handled_on_time"), "due"),
    Rate("overdue_unhandled_rate", 10, col("overdue_unhandled"), "due", inverse=True),
    Rate("rework_rate", 10, col("reworked"), "handled", inverse=True),
]
POST_SCORE: dict[str, list[Any]] = {
    "supervisor": [
        Rate("valid_report_rate", 40, col("valid_reports"), "reports"),
        Rate("missed_rate", 20, col("missed"), "filed_in_grids", inverse=True),
        Rate("verify_on_time_rate", 20, col("verified_on_time"), "verify_due"),
        Rate("check_on_time_rate", 20, col("checked_on_time"), "check_due"),
    ],
    "acceptor": [
        Step("accepted", 25, step_accepted),
        Rate("accept_on_time_rate", 40, col("accepted_on_time"), "accepted"),
        Rate("accept_accuracy_rate", 35, col("accepted_accurate"), "accepted"),
    ],
    "shift_leader": [
        Rate("filing_on_time_rate", 25, col("filed_on_time"), "filing_decisions"),
        Rate("filing_accuracy_rate", 40, lambda t: t["filing_decisions"] - t["voided"], "filing_decisions"),
        Rate("closing_on_time_rate", 35, col("closed_on_time"), "closings"),
    ],
    "dispatcher": [
        Step("dispatched", 20, step_accepted),
        Rate("dispatch_on_time_rate", 40, col("dispatched_on_time"), "dispatched"),
        Rate("dispatch_accuracy_rate", 40, lambda t: t["dispatched"] - t["returned"], "dispatched"),
    ],
}
SAMPLE = {
    "supervisor": "reports",
    "acceptor": "accepted",
    "shift_leader": "filing_decisions",
    "dispatcher": "dispatched",
}


def grade(score: float) -> Optional[str]:
    if np.isnan(score):
        return None
    for letter, floor in (("A", 90.0), ("B", 75.0), ("C", 60.0), ("D", 40.0)):
        if score >= floor:
            return letter
    return "E"


def _finish(
    table: pd.DataFrame,
    parts: list[Any],
    sample: str,
    *,
    min_sample: int,
    shrinkage: float,
    shrink_empty: bool,
) -> pd.DataFrame:
    """Adds ``score``, ``grade``, ``rank`` and ``sample`` to an indicator table (its rows are
    the peers)."""
    num = np.zeros(len(table))
    den = np.zeros(len(table))
    for part in parts:  # in the spec's order
        s = part.score(table, shrinkage, shrink_empty)
        defined = ~np.isnan(s)
        num = num + np.where(defined, part.weight * s, 0.0)
        den = den + np.where(defined, part.weight, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(den > 0, num / den, np.nan)
    table["score"] = score
    table["grade"] = pd.Series([grade(s) for s in score], index=table.index, dtype=object)
    size = table[sample].astype(np.int64)
    ranked = table["score"].notna() & (size >= min_sample)
    rank = table.loc[ranked, "score"].rank(method="min", ascending=False)  # ties share the best
    table["rank"] = rank.reindex(table.index).astype("Int64")
    table["sample"] = size
    return table


def _ratio(x: pd.Series, n: pd.Series, scale: float = 1.0) -> pd.Series:
    """``x / n × scale``, NaN where ``n`` is 0."""
    x = x.astype(np.float64)
    n = n.astype(np.float64)
    return (x / n * scale).where(n > 0)


# ---------------------------------------------------------------------------------------------
# The records, read once
# ---------------------------------------------------------------------------------------------


class _Records:
    """The columns the reference needs: event instants masked by ``as_of``, deadlines as
    given, text columns as categoricals (factorised once), counts and flags with defaults."""

    def __init__(self, model: gridgov.Model, df: pd.DataFrame, as_of: np.datetime64) -> None:
        self.n = len(df)
        self.model = model
        self.cal = model.calendar
        self.df = df
        self.as_of = as_of
        self.t: dict[str, np.ndarray] = {}
        for c in EVENTS + SHELF:
            a = self._instants(c)
            self.t[c] = np.where(a < as_of, a, NAT)  # at or after as_of: not happened
        for c in DEADLINES:
            if c not in df:
                raise ValueError(f"the reference needs the deadline column {c!r} (computing deadlines is not covered)")
            self.t[c] = self._instants(c)
        if "state" not in df:
            raise ValueError("the reference needs the `state` column")
        self.state = self._key("state")
        self.source = self._key("source", default="supervisor")
        self.grid = self._key("grid")
        self.public = np.isin(self.source.to_numpy(dtype=object), PUBLIC_SOURCES)
        self.supervisor_source = (self.source == "supervisor").to_numpy()

    def _instants(self, name: str) -> np.ndarray:
        return _instant_column(self.df, name)

    def _key(self, name: str, default: Optional[str] = None) -> pd.Series:
        """A text column as a categorical Series (missing values filled with ``default``)."""
        if name not in self.df:
            return pd.Series(pd.Categorical([default] * self.n))
        s = self.df[name]
        if default is not None and s.isna().any():
            s = s.astype(object).fillna(default)
        return s if isinstance(s.dtype, pd.CategoricalDtype) else s.astype("category")

    def count(self, name: str) -> np.ndarray:
        if name not in self.df:
            return np.zeros(self.n, dtype=np.int64)
        return self.df[name].fillna(0).to_numpy(dtype=np.int64)

    def flag(self, name: str) -> np.ndarray:
        if name not in self.df:
            return np.zeros(self.n, dtype=bool)
        return self.df[name].fillna(False).to_numpy(dtype=bool)

    def on_shelf(self) -> np.ndarray:
        """On the shelf (挂账) as of ``as_of``: not closed, and put there before ``as_of`` without
        being taken off before it; a row without ``shelved_at`` (version 1): flagged ``shelved``,
        neither handled nor closed."""
        dated = ~np.isnat(self._instants("shelved_at"))
        v2 = self.has("shelved_at") & ~self.has("resumed_at")
        v1 = self.flag("shelved") & ~self.has("handled_at")
        return ~self.has("closed_at") & np.where(dated, v2, v1)

    def has(self, event: str) -> np.ndarray:
        return ~np.isnat(self.t[event])

    def within(self, event: str, start: np.datetime64, end: np.datetime64) -> np.ndarray:
        a = self.t[event]
        return (a >= start) & (a < end)  # NaT compares False

    def on_time(self, event: str, deadline: str, no_deadline_on_time: bool) -> np.ndarray:
        """``event ≤ deadline`` (the event happened)."""
        done, due = self.t[event], self.t[deadline]
        ok = done <= due
        if no_deadline_on_time:
            ok |= ~np.isnat(done) & np.isnat(due)
        return ok

    def working_ms(self, a: str, b: str, mask: np.ndarray, stage: str) -> np.ndarray:
        """Working milliseconds from ``a`` to ``b`` where ``mask``, else 0, on the calendar of
        whoever acts in ``stage`` (``Model.calendar_for``): handling on each row's unit's."""
        out = np.zeros(self.n, dtype=np.int64)
        for cal, rows in self._calendars(stage, mask):
            out[rows] = cal.working_between_many(self.t[a][rows], self.t[b][rows], local=False).astype(np.int64)
        return out

    def within_limit(self, event: str, base: np.ndarray, minutes: int, mask: np.ndarray, stage: str) -> np.ndarray:
        """``event ≤ base + minutes`` working minutes on ``stage``'s calendar, where ``mask``
        (False elsewhere)."""
        out = np.zeros(self.n, dtype=bool)
        due = self.model.calendar_for(stage).add_working_many(base[mask], np.int64(minutes), local=False)
        out[mask] = self.t[event][mask] <= due
        return out

    def _calendars(self, stage: str, mask: np.ndarray) -> list[tuple[gridgov.Calendar, np.ndarray]]:
        """The rows of ``mask`` grouped by the calendar they are counted on."""
        if stage != "handle" or "unit" not in self.df:
            return [(self.model.calendar_for(stage), mask)]
        units = self.df["unit"].to_numpy(dtype=object)
        groups: dict[str, np.ndarray] = {}
        for u in pd.unique(units[mask]):
            name = self.model.calendar_name_for("handle", None if pd.isna(u) or u == "" else str(u))
            rows = mask & (pd.isna(units) if pd.isna(u) else units == u)
            groups[name] = groups[name] | rows if name in groups else rows
        return [(self.model.calendars[name], rows) for name, rows in groups.items()]


def _instant_column(df: pd.DataFrame, name: str) -> np.ndarray:
    """A column of instants as UTC ``datetime64[ms]`` (all NaT when the column is absent)."""
    if name not in df:
        return np.full(len(df), NAT)
    s = df[name]
    if isinstance(s.dtype, pd.DatetimeTZDtype):  # stored as UTC: view them, no copy
        return s.array.asi8.view(f"datetime64[{s.dtype.unit}]").astype("datetime64[ms]", copy=False)
    return s.to_numpy(dtype="datetime64[ms]")


def latest_event(df: pd.DataFrame) -> np.datetime64:
    """The records' own ``as_of``: their latest event instant (deadlines are not events)."""
    latest = NAT
    for c in EVENTS:
        a = _instant_column(df, c)
        a = a[~np.isnat(a)]
        if len(a) and (np.isnat(latest) or a.max() > latest):
            latest = a.max()
    return latest


def _tally(key: pd.Series, columns: dict[str, np.ndarray], mask: Optional[np.ndarray] = None) -> pd.DataFrame:
    """Sums of ``columns`` grouped by ``key`` over the rows in ``mask``."""
    frame = pd.DataFrame(columns, copy=False)
    if mask is not None:
        frame, key = frame[mask], key[mask]
    out = frame.groupby(key, observed=True).sum()
    out.index = out.index.astype(object)
    return out


# ---------------------------------------------------------------------------------------------
# The scorecard
# ---------------------------------------------------------------------------------------------


def sample_missed_settings() -> dict[str, Any]:
    """The sample city's 漏报 settings (``missed_scope``, ``patrol_hours``), read from its model
    file with tomllib, as keyword arguments of :func:`reference_scorecard`."""
    from pathlib import Path

    import tomllib

    path = Path(__file__).parents[2] / "core" / "data" / "sample_city.toml"
    scoring = tomllib.loads(path.read_text(encoding="utf-8")).get("scoring", {})
    out: dict[str, Any] = {}
    if "missed_scope" in scoring:
        out["missed_scope"] = list(scoring["missed_scope"])
    if "patrol_hours" in scoring:
        out["patrol_hours"] = scoring["patrol_hours"]
    return out


def reference_scorecard(
    model: gridgov.Model,
    df: pd.DataFrame,
    start: Instant,
    end: Instant,
    as_of: Optional[Instant],
    *,
    min_sample: int = 5,
    shrinkage: float = 0.0,
    accept_limit_minutes: int = 10,
    file_limit_minutes: int = 10,
    close_limit_minutes: int = 10,
    no_deadline_on_time: bool = False,
    shrink_empty: bool = False,
    missed_scope: Optional[list[str]] = None,
    patrol_hours: str = "00:00-24:00",
) -> dict[str, pd.DataFrame]:
    """The spec's tables for the period ``[start, end)`` judged as of ``as_of`` (``None``: the
    records' latest event instant).

    Keys: ``"areas:<level>"`` for every level of the model, ``"departments"``, and
    ``"posts:<role>"`` for supervisor, acceptor, shift_leader and dispatcher. Each table has the
    spec's indicator columns, then ``score``, ``grade``, ``rank`` and ``sample``.

    ``missed_scope`` and ``patrol_hours`` are the model's ``[scoring]`` settings of 漏报 (the
    caller reads them from the model file: the reference does not ask gridgov for them).
    """
    t_start, t_end = _instant(model, start), _instant(model, end)
    t_as_of = latest_event(df) if as_of is None else _instant(model, as_of)
    rec = _Records(model, df, t_as_of)
    opts: dict[str, Any] = dict(min_sample=min_sample, shrinkage=shrinkage, shrink_empty=shrink_empty)

    cards: dict[str, pd.DataFrame] = {}
    per_grid = _grid_tallies(rec, t_start, t_end, no_deadline_on_time, _patrol_mask(rec, missed_scope, patrol_hours))
    period_days = float((t_end - t_start).astype(np.int64)) / DAY
    for level in model.levels:
        cards[f"areas:{level}"] = _finish(_area_table(model, per_grid, level, period_days), AREA_SCORE, "filed", **opts)
    cards["departments"] = _finish(
        _department_table(model, rec, t_start, t_end, no_deadline_on_time), DEPARTMENT_SCORE, "due", **opts
    )
    posts = _post_tables(
        model, rec, per_grid, t_start, t_end, no_deadline_on_time,
        accept_limit_minutes, file_limit_minutes, close_limit_minutes,
    )
    for role in SCORED_ROLES:
        cards[f"posts:{role}"] = _finish(posts[role], POST_SCORE[role], SAMPLE[role], **opts)
    return cards


# -- areas ------------------------------------------------------------------------------------


def _patrol_mask(rec: _Records, scope: Optional[list[str]], hours: str) -> np.ndarray:
    """Rows a supervisor should have found (漏报 scope): the category starts with one of
    ``scope`` (``None``: every category; a row without a category is then in, else out), and
    the local time of day of ``reported_at`` is within ``hours`` ("HH:MM-HH:MM", end excluded)."""
    if scope is None:
        in_scope = np.ones(rec.n, dtype=bool)
    elif "category" in rec.df:
        cat = rec.df["category"].astype(object)
        in_scope = np.array([isinstance(c, str) and any(c.startswith(p) for p in scope) for c in cat], dtype=bool)
    else:
        in_scope = np.zeros(rec.n, dtype=bool)
    a, b = ((int(t[:2]) * 60 + int(t[3:])) for t in hours.split("-"))
    local = pd.to_datetime(rec._instants("reported_at"), utc=True).tz_convert(rec.cal.tzinfo)
    minute = np.asarray(local.hour * 60 + local.minute)
    return in_scope & (minute >= a) & (minute < b)


def _grid_tallies(
    rec: _Records, start: np.datetime64, end: np.datetime64, no_deadline_on_time: bool, patrol: np.ndarray
) -> pd.DataFrame:
    """Additive tallies per unit grid (every grid of the model, zeros when no case)."""
    R = rec.within("reported_at", start, end)
    F = rec.within("filed_at", start, end) & (rec.state != "voided").to_numpy()
    F_closed = F & rec.has("closed_at")
    shelf = rec.on_shelf()
    deadline = rec.t["handle_deadline"]
    overdue_open = ~rec.has("closed_at") & ~shelf & ~np.isnat(deadline) & (deadline < rec.as_of)
    handled_on_time = rec.has("handled_at") & rec.on_time("handled_at", "handle_deadline", no_deadline_on_time)
    satisfaction = rec.df["satisfaction"] if "satisfaction" in rec.df else pd.Series(np.nan, index=rec.df.index)
    rated = rec.within("rated_at", start, end) & satisfaction.notna().to_numpy()
    satisfied = rated & (satisfaction.fillna(0).to_numpy(dtype=np.float64) >= 4)
    responded = F & rec.has("dispatched_at")
    worked = F & rec.has("dispatched_at") & rec.has("handled_at")
    tallies = _tally(
        rec.grid,
        {
            "reported": R,
            "public_reported": R & rec.public,
            "filed": F,
            "public_filed": F & rec.public,
            "due_to_close": F_closed | (F & overdue_open),
            "closed": F_closed,
            "closed_on_time": F_closed & handled_on_time,
            "shelved": F & shelf,
            "rated": rated,
            "satisfied": satisfied,
            "missed": F & rec.public & patrol,
            "responded": responded,
            "response_ms": rec.working_ms("reported_at", "dispatched_at", responded, "dispatch"),
            "worked": worked,
            "handle_ms": rec.working_ms("dispatched_at", "handled_at", worked, "handle"),
        },
    )
    return tallies.reindex(rec.model.grids(), fill_value=0).astype(np.int64)


def _area_table(model: gridgov.Model, per_grid: pd.DataFrame, level: str, period_days: float) -> pd.DataFrame:
    """Grid tallies summed up the tree to ``level``, and the area indicators."""
    areas = {a.code: a for a in model.areas(level=level)}
    up = pd.Series({g: next(a for a in model.ancestors(g) if a in areas) for g in per_grid.index})
    t = per_grid.groupby(up).sum().reindex(sorted(areas), fill_value=0)
    grids = up.value_counts().reindex(t.index, fill_value=0).astype(np.float64)
    population = pd.Series({c: areas[c].population for c in t.index}, dtype=np.float64)

    out = pd.DataFrame(index=pd.Index(t.index, name="area"))
    counts = (
        "reported", "public_reported", "filed", "public_filed", "due_to_close", "closed", "closed_on_time", "shelved",
        "missed",
    )
    for c in counts:
        out[c] = t[c]
    out["public_share"] = _ratio(t["public_filed"], t["filed"])
    out["closure_rate"] = _ratio(t["closed"], t["due_to_close"])
    out["on_time_closure_rate"] = _ratio(t["closed_on_time"], t["due_to_close"])
    out["rated"] = t["rated"]
    out["satisfied"] = t["satisfied"]
    out["satisfaction_rate"] = _ratio(t["satisfied"], t["rated"])
    out["cases_per_10k"] = _ratio(t["reported"], population.where(population > 0, 0.0), 10_000.0)
    out["filed_per_grid_month"] = t["filed"] / grids / (period_days / 30.0)
    out["mean_response_hours"] = _ratio(t["response_ms"], t["responded"]) / HOUR
    out["mean_handle_hours"] = _ratio(t["handle_ms"], t["worked"]) / HOUR
    return out


# -- departments ------------------------------------------------------------------------------


def _department_table(
    model: gridgov.Model, rec: _Records, start: np.datetime64, end: np.datetime64, no_deadline_on_time: bool
) -> pd.DataFrame:
    unit = rec._key("unit")
    D = rec.within("dispatched_at", start, end) & unit.notna().to_numpy()
    shelf = D & rec.on_shelf()
    handled = D & ~shelf & rec.has("handled_at")
    on_time = handled & rec.on_time("handled_at", "handle_deadline", no_deadline_on_time)
    deadline = rec.t["handle_deadline"]
    overdue_unhandled = D & ~shelf & ~rec.has("handled_at") & ~np.isnat(deadline) & (deadline < rec.as_of)
    due = handled | overdue_unhandled  # 应处置数 = 处置数 + 超期未处置数
    handle_ms = rec.working_ms("dispatched_at", "handled_at", handled, "handle")
    t = _tally(
        unit,
        {
            "due": due,
            "handled": handled,
            "handled_on_time": on_time,
            "overdue_unhandled": overdue_unhandled,
            "reworked": handled & (rec.count("rework") > 0),
            "rework": np.where(handled, rec.count("rework"), 0),
            "postponed": due & (rec.count("postponements") > 0),
            "shelved": shelf,
            "handle_ms": handle_ms,
        },
    )
    minutes = pd.Series(handle_ms[handled] // MINUTE)
    median_minutes = minutes.groupby(unit[handled].to_numpy()).median()
    # Two-level and joint dispatch: the second-level unit's own handled cases (the first unit
    # keeps its counts above); each co-handler named in a row's `;`-joined lists.
    second = rec._key("second_unit")
    passed = second.notna().to_numpy()
    t2 = _tally(second, {"second_handled": handled, "second_handled_on_time": on_time}, mask=passed)
    counted = D & ~shelf

    def per_co_unit(name: str) -> pd.Series:
        if name not in rec.df:
            return pd.Series(dtype=np.int64)
        ids = rec.df[name].astype(object).where(counted).dropna().astype(str).str.split(";").explode()
        return ids[ids != ""].value_counts()

    co, co_on_time = per_co_unit("co_units"), per_co_unit("co_on_time")

    seen = unit[due | shelf].dropna().unique().tolist()  # units with cases due or shelved in the period
    seen += [u for u in t2.index if t2.loc[u].sum() > 0] + list(co.index) + list(co_on_time.index)
    rows = sorted(set(seen) | {u.id for u in model.units() if u.kind in DEPARTMENT_KINDS})
    t = t.reindex(rows, fill_value=0).astype(np.int64)
    out = pd.DataFrame(index=pd.Index(rows, name="unit"))
    out["due"] = t["due"]
    out["handled"] = t["handled"]
    out["handled_on_time"] = t["handled_on_time"]
    out["overdue_handled"] = t["handled"] - t["handled_on_time"]
    out["overdue_unhandled"] = t["overdue_unhandled"]
    out["handle_rate"] = _ratio(t["handled"], t["due"])
    out["on_time_rate"] = _ratio(t["handled_on_time"], t["due"])
    out["overdue_unhandled_rate"] = _ratio(t["overdue_unhandled"], t["due"])
    out["reworked"] = t["reworked"]
    out["rework"] = t["rework"]
    out["rework_rate"] = _ratio(t["reworked"], t["handled"])
    out["postponed"] = t["postponed"]
    out["shelved"] = t["shelved"]
    out["postponement_rate"] = _ratio(t["postponed"], t["due"])
    out["mean_handle_hours"] = _ratio(t["handle_ms"], t["handled"]) / HOUR
    out["median_handle_hours"] = median_minutes.reindex(rows).astype(np.float64) / 60.0
    t2 = t2.reindex(rows, fill_value=0).astype(np.int64)
    out["second_handled"] = t2["second_handled"]
    out["second_handled_on_time"] = t2["second_handled_on_time"]
    out["second_on_time_rate"] = _ratio(t2["second_handled_on_time"], t2["second_handled"])
    out["co_assigned"] = co.reindex(rows, fill_value=0).astype(np.int64)
    out["co_on_time"] = co_on_time.reindex(rows, fill_value=0).astype(np.int64)
    out["co_on_time_rate"] = _ratio(out["co_on_time"], out["co_assigned"])
    return out


# -- posts ------------------------------------------------------------------------------------


def _post_tables(
    model: gridgov.Model,
    rec: _Records,
    per_grid: pd.DataFrame,
    start: np.datetime64,
    end: np.datetime64,
    no_deadline_on_time: bool,
    accept_limit: int,
    file_limit: int,
    close_limit: int,
) -> dict[str, pd.DataFrame]:
    t = rec.t
    state = rec.state
    tables: dict[str, pd.DataFrame] = {}

    def rows(role: str, *tallies: pd.DataFrame) -> list[str]:
        """The role's model workers, and every other id that acted in the role in the period."""
        ids = {w.id for w in model.workers(role=role)}
        for k in tallies:
            ids |= set(k.index[(k != 0).any(axis=1).to_numpy()].tolist())
        return sorted(ids)

    def frame(index: list[str], parts: list[pd.DataFrame]) -> pd.DataFrame:
        """Tallies side by side, one row per worker id in ``index`` (0 when no action)."""
        return pd.concat([p.reindex(index, fill_value=0) for p in parts], axis=1).astype(np.int64).rename_axis("worker")

    # Supervisor: own reports, verifications, checks, and the filed cohort of the grids patrolled.
    reporter, verifier, checker = rec._key("reporter"), rec._key("verifier"), rec._key("checker")
    own = rec.within("reported_at", start, end) & rec.supervisor_source
    valid = (rec.has("filed_at") & (state != "voided").to_numpy()) | rec.flag("self_handled")
    by_report = _tally(reporter, {"reports": own, "valid_reports": own & valid}, own)
    # 应核实数: the tasks assigned (schema 4: `verify_assignee`; before: the verifications done,
    # by their verifier), done or not, in the period they were issued (accepted; else verified)
    assignee = rec._key("verify_assignee") if "verify_assignee" in rec.df else verifier
    issued = np.where(rec.has("accepted_at"), rec.t["accepted_at"], rec.t["verified_at"])
    verify = (issued >= start) & (issued < end) & assignee.notna().to_numpy()
    by_verify = _tally(
        assignee,
        {
            "verify_due": verify,
            "verified": verify & rec.has("verified_at"),
            "verified_on_time": verify & rec.on_time("verified_at", "verify_deadline", no_deadline_on_time),
        },
        verify,
    )
    # 核查: every check, failed ones included (schema 4: `checks`, `checks_on_time`, credited to
    # `last_checker` at `last_checked_at`); a table without them: the failed checks (`rework`)
    # and the passed one, credited to `checker` at `checked_at`, only the passed one on time.
    rework = rec.count("rework")
    if "checks" in rec.df:
        last = rec._instants("last_checked_at")
        last = np.where(last < rec.as_of, last, NAT)
        last_checker = rec._key("last_checker")
        checks, checks_on_time = rec.count("checks"), rec.count("checks_on_time")
    else:
        last = rec.t["checked_at"]
        last_checker = checker
        checks = rework + ~np.isnat(rec._instants("checked_at"))
        checks_on_time = rec.on_time("checked_at", "check_deadline", no_deadline_on_time).astype(np.int64)
    check = (last >= start) & (last < end) & last_checker.notna().to_numpy()
    by_check = _tally(
        last_checker,
        {
            "check_due": np.where(check, checks, 0),
            "failed_checks": np.where(check, np.minimum(rework, checks), 0),
            "checked_on_time": np.where(check, checks_on_time, 0),
        },
        check,
    )
    patrol = pd.DataFrame(
        [(w.id, g) for w in model.workers(role="supervisor") for g in w.grids], columns=["worker", "grid"]
    )
    by_grids = (
        per_grid.loc[patrol["grid"], ["filed", "missed"]]
        .set_axis(patrol["worker"].to_numpy())
        .groupby(level=0)
        .sum()
        .rename(columns={"filed": "filed_in_grids"})
    )
    index = rows("supervisor", by_report, by_verify, by_check)
    s = frame(index, [by_report, by_verify, by_check, by_grids])
    out = pd.DataFrame(index=s.index)
    out["reports"] = s["reports"]
    out["valid_reports"] = s["valid_reports"]
    out["valid_report_rate"] = _ratio(s["valid_reports"], s["reports"])
    out["verify_due"] = s["verify_due"]
    out["verified"] = s["verified"]
    out["verified_on_time"] = s["verified_on_time"]
    out["verify_on_time_rate"] = _ratio(s["verified_on_time"], s["verify_due"])
    out["check_due"] = s["check_due"]
    out["failed_checks"] = s["failed_checks"]
    out["checked_on_time"] = s["checked_on_time"]
    out["check_on_time_rate"] = _ratio(s["checked_on_time"], s["check_due"])
    out["filed_in_grids"] = s["filed_in_grids"]
    out["missed"] = s["missed"]
    out["missed_rate"] = _ratio(s["missed"], s["filed_in_grids"])
    tables["supervisor"] = out

    # Acceptor: decisions (rejections included), on time against reported_at + accept_limit.
    acceptor = rec._key("acceptor")
    acts = rec.within("accepted_at", start, end) & acceptor.notna().to_numpy()
    a = _tally(
        acceptor,
        {
            "accepted": acts,
            "accepted_on_time": rec.within_limit("accepted_at", t["reported_at"], accept_limit, acts, "accept"),
            "accepted_accurate": acts & (state != "invalid").to_numpy(),
        },
        acts,
    )
    a = frame(rows("acceptor", a), [a])
    out = pd.DataFrame(index=a.index)
    out["accepted"] = a["accepted"]
    out["accepted_on_time"] = a["accepted_on_time"]
    out["accepted_accurate"] = a["accepted_accurate"]
    out["accept_on_time_rate"] = _ratio(a["accepted_on_time"], a["accepted"])
    out["accept_accuracy_rate"] = _ratio(a["accepted_accurate"], a["accepted"])
    tables["acceptor"] = out

    # Shift leader: filing decisions (voids included) and closings.
    filer, closer = rec._key("filer"), rec._key("closer")
    decisions = rec.within("filed_at", start, end) & filer.notna().to_numpy()
    file_base = np.fmax(np.fmax(t["verified_at"], t["accepted_at"]), t["reported_at"])  # latest present
    f = _tally(
        filer,
        {
            "filing_decisions": decisions,
            # a justified void (a problem gone after filing) is not a filing error
            "voided": decisions
            & (state == "voided").to_numpy()
            & (rec._key("void_cause", "") != "problem_gone").to_numpy(),
            "filed_on_time": rec.within_limit("filed_at", file_base, file_limit, decisions, "file"),
        },
        decisions,
    )
    closings = rec.within("closed_at", start, end) & closer.notna().to_numpy()
    close_base = np.where(
        rec.has("checked_at"), t["checked_at"], np.where(rec.has("handled_at"), t["handled_at"], t["reported_at"])
    )
    c = _tally(
        closer,
        {
            "closings": closings,
            "closed_on_time": rec.within_limit("closed_at", close_base, close_limit, closings, "close"),
        },
        closings,
    )
    sl = frame(rows("shift_leader", f, c), [f, c])
    out = pd.DataFrame(index=sl.index)
    for name in ("filing_decisions", "voided", "filed_on_time", "closings", "closed_on_time"):
        out[name] = sl[name]
    out["filing_on_time_rate"] = _ratio(sl["filed_on_time"], sl["filing_decisions"])
    out["filing_accuracy_rate"] = _ratio(sl["filing_decisions"] - sl["voided"], sl["filing_decisions"])
    out["closing_on_time_rate"] = _ratio(sl["closed_on_time"], sl["closings"])
    tables["shift_leader"] = out

    # Dispatcher: first dispatches, on time against dispatch_deadline, returned at least once.
    dispatcher = rec._key("dispatcher")
    dispatches = rec.within("dispatched_at", start, end) & dispatcher.notna().to_numpy()
    d = _tally(
        dispatcher,
        {
            "dispatched": dispatches,
            "dispatched_on_time": dispatches & rec.on_time("dispatched_at", "dispatch_deadline", no_deadline_on_time),
            # only a return approved for a wrong unit is the dispatcher's error (a table without
            # the column: every return)
            "returned": dispatches
            & (rec.count("wrong_unit_returns" if "wrong_unit_returns" in rec.df else "returns") > 0),
            # 督办 orders on the cases dispatched, and those answered by their reply deadline
            "orders": np.where(dispatches, rec.count("orders"), 0),
            "orders_replied_on_time": np.where(dispatches, rec.count("orders_replied_on_time"), 0),
        },
        dispatches,
    )
    d = frame(rows("dispatcher", d), [d])
    out = pd.DataFrame(index=d.index)
    out["dispatched"] = d["dispatched"]
    out["dispatched_on_time"] = d["dispatched_on_time"]
    out["returned"] = d["returned"]
    out["orders"] = d["orders"]
    out["orders_replied_on_time"] = d["orders_replied_on_time"]
    out["dispatch_on_time_rate"] = _ratio(d["dispatched_on_time"], d["dispatched"])
    out["dispatch_accuracy_rate"] = _ratio(d["dispatched"] - d["returned"], d["dispatched"])
    out["order_reply_on_time_rate"] = _ratio(d["orders_replied_on_time"], d["orders"])
    tables["dispatcher"] = out
    return tables


# ---------------------------------------------------------------------------------------------
# Comparing two cards
# ---------------------------------------------------------------------------------------------

COMPARED_HOURS = ("mean_response_hours", "mean_handle_hours")
COMPARED_RATES = ("on_time_closure_rate", "satisfaction_rate")


def reference_compare(before: dict[str, pd.DataFrame], after: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Change per area (every level) of mean response and handling hours (``change`` in hours)
    and of on-time closure and satisfaction rates (``change`` in percentage points); ``change_pct``
    is relative to ``before`` (NaN when ``before`` is 0 or undefined)."""
    frames = []
    for key in before:
        if not key.startswith("areas:"):
            continue
        level = key.split(":", 1)[1]
        b, a = before[key], after[key].reindex(before[key].index)
        for indicator in COMPARED_HOURS + COMPARED_RATES:
            x, y = b[indicator].astype(np.float64), a[indicator].astype(np.float64)
            scale = 100.0 if indicator in COMPARED_RATES else 1.0
            frames.append(
                pd.DataFrame(
                    {
                        "area": b.index.to_numpy(dtype=object),
                        "level": level,
                        "indicator": indicator,
                        "before": x.to_numpy(),
                        "after": y.to_numpy(),
                        "change": ((y - x) * scale).to_numpy(),
                        "change_pct": ((y - x) / x * 100.0).where(x != 0).to_numpy(),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------------------------
# Sanity
# ---------------------------------------------------------------------------------------------


def self_check(n: int = 5000, seed: int = 1) -> dict[str, pd.DataFrame]:
    """Sanity checks of :func:`random_records` and :func:`reference_scorecard` on the sample
    city; raises ``AssertionError`` on the first failure, returns the card."""
    model = gridgov.Model.sample()
    df = random_records(model, n, seed)
    start, end = "2026-01-01", "2026-04-01"
    t_start, t_end = _instant(model, start), _instant(model, end)
    as_of = end
    card = reference_scorecard(model, df, start, end, as_of)

    # -- the records follow the schema --------------------------------------------------------
    assert list(df["id"]) == list(range(1, n + 1))
    assert set(df["grid"]) <= set(model.grids())
    assert set(df["state"]) == set(STATES), set(STATES) - set(df["state"])
    assert set(df["source"]) == set(SOURCES)
    last = df["reported_at"]
    for c in EVENTS[1:]:
        present = df[c].notna()
        assert (df.loc[present, c] >= last[present]).all(), c
        last = last.where(~present, df[c])
    assert df["satisfaction"].notna().eq(df["rated_at"].notna()).all()
    assert df["satisfaction"].dropna().between(1, 5).all()
    units = {u.id: u.kind for u in model.units()}
    assert {units[u] for u in df["unit"].dropna()} <= {"department", "street_office"}
    assert df["unit"].notna().eq(df["dispatched_at"].notna()).all()
    for c in ACTORS:
        assert df[c].str.startswith("former-").any(), f"{c}: no free worker id"
    v = df["state"] == "voided"
    assert df.loc[v, "filed_at"].notna().all() and df.loc[v, "filer"].notna().all()
    assert df.loc[v, "dispatched_at"].isna().all()
    sh = df["self_handled"]
    assert (df.loc[sh, "source"] == "supervisor").all() and df.loc[sh, "dispatched_at"].isna().all()
    assert (sh & (df["state"] == "closed")).any()
    assert (df["reported_at"] < pd.Timestamp(t_start, tz="UTC")).any()
    assert (df["reported_at"] >= pd.Timestamp(t_end, tz="UTC")).any()

    # -- the card -----------------------------------------------------------------------------
    expected_keys = [f"areas:{lv}" for lv in model.levels] + ["departments"] + [f"posts:{r}" for r in SCORED_ROLES]
    assert list(card) == expected_keys, list(card)
    tail = ["score", "grade", "rank", "sample"]
    for key, table in card.items():
        assert list(table.columns[-4:]) == tail, key
        assert table.index.is_monotonic_increasing and table.index.is_unique, key
        assert str(table["rank"].dtype) == "Int64", key
        assert table["sample"].dtype == np.int64, key
        graded = table["grade"].notna()
        assert graded.eq(table["score"].notna()).all(), key
        assert table["score"].dropna().between(0, 100).all(), key
        ranked = table["rank"].notna()
        assert (table.loc[ranked, "sample"] >= 5).all(), key
        assert (~table["score"].notna() <= ~ranked).all(), key
        if ranked.any():  # rank 1 is the best ranked score
            best = table.loc[ranked, "score"].max()
            assert (table.loc[ranked & (table["score"] == best), "rank"] == 1).all(), key

    # areas: every area of every level, tallies add up across levels
    filed_cohort = (
        df["filed_at"].notna()
        & (df["filed_at"] >= pd.Timestamp(t_start, tz="UTC"))
        & (df["filed_at"] < pd.Timestamp(t_end, tz="UTC"))
        & (df["state"] != "voided")
    )
    reported_cohort = (df["reported_at"] >= pd.Timestamp(t_start, tz="UTC")) & (
        df["reported_at"] < pd.Timestamp(t_end, tz="UTC")
    )
    for level in model.levels:
        a = card[f"areas:{level}"]
        assert list(a.index) == sorted(x.code for x in model.areas(level=level)), level
        assert a["filed"].sum() == filed_cohort.sum(), level
        assert a["reported"].sum() == reported_cohort.sum(), level
        for c in (
            "reported", "public_reported", "filed", "public_filed", "due_to_close", "closed", "closed_on_time",
            "shelved", "rated", "satisfied",
        ):
            assert a[c].sum() == card["areas:grid"][c].sum(), (level, c)
            assert a[c].dtype == np.int64, (level, c)
        assert a["filed_per_grid_month"].notna().all() and a["score"].notna().all(), level
        rates = (("public_share", "filed"), ("closure_rate", "due_to_close"), ("on_time_closure_rate", "due_to_close"))
        for c, den in rates:
            has = a[den] > 0
            assert a.loc[has, c].notna().all() and a.loc[~has, c].isna().all(), (level, c)
            assert a[c].dropna().between(0, 1).all(), (level, c)
        assert (a["due_to_close"] + a["shelved"] <= a["filed"]).all(), level
        assert a["cases_per_10k"].notna().all(), level
        assert (a["closed_on_time"] <= a["closed"]).all() and (a["closed"] <= a["due_to_close"]).all(), level
        assert (a["satisfied"] <= a["rated"]).all(), level
    city = card[f"areas:{model.levels[0]}"].iloc[0]
    assert city["filed"] > 0 and np.isfinite(city["mean_response_hours"]) and np.isfinite(city["mean_handle_hours"])
    assert np.isfinite(city["satisfaction_rate"]), "no rating in the period"
    assert city["cases_per_10k"] == city["reported"] / 441_533 * 10_000

    # departments
    d = card["departments"]
    assert {u.id for u in model.units() if u.kind in DEPARTMENT_KINDS} <= set(d.index)
    D = df["dispatched_at"].notna() & (df["dispatched_at"] >= pd.Timestamp(t_start, tz="UTC")) & (
        df["dispatched_at"] < pd.Timestamp(t_end, tz="UTC")
    )
    assert (d["due"] + d["shelved"]).sum() <= D.sum() and d["shelved"].sum() > 0
    assert (d["overdue_handled"] >= 0).all() and (d["handled"] <= d["due"]).all()
    assert (d["handled"] + d["overdue_unhandled"] == d["due"]).all()
    assert (d["reworked"] <= d["handled"]).all() and (d["reworked"] <= d["rework"]).all()
    assert d["rework_rate"].dropna().between(0, 1).all() and (d["rework"] > d["reworked"]).any()
    busy = d["due"] > 0
    for c in ("handle_rate", "on_time_rate", "overdue_unhandled_rate", "postponement_rate"):
        assert d.loc[busy, c].notna().all() and d.loc[~busy, c].isna().all(), c
    worked = d["handled"] > 0
    for c in ("rework_rate", "mean_handle_hours", "median_handle_hours"):
        assert d.loc[worked, c].notna().all() and d.loc[~worked, c].isna().all(), c
    assert (d.loc[busy, "score"].notna()).all()

    # posts: every worker of the role, plus free ids; samples add up to the acting counts
    for role in SCORED_ROLES:
        p = card[f"posts:{role}"]
        assert {w.id for w in model.workers(role=role)} <= set(p.index), role
        assert any(i.startswith("former-") for i in p.index), role
    s = card["posts:supervisor"]
    own = reported_cohort & (df["source"] == "supervisor")
    assert s["reports"].sum() == own.sum()
    assert s["filed_in_grids"].sum() == filed_cohort.sum()  # every grid has exactly one supervisor
    assert s["missed"].sum() == (filed_cohort & df["source"].isin(PUBLIC_SOURCES)).sum()
    assert (s["valid_reports"] <= s["reports"]).all()
    assert s.loc[s["reports"] > 0, "valid_report_rate"].notna().all()

    def within(c: str) -> pd.Series:
        return df[c].notna() & (df[c] >= pd.Timestamp(t_start, tz="UTC")) & (df[c] < pd.Timestamp(t_end, tz="UTC"))

    assert card["posts:acceptor"]["accepted"].sum() == within("accepted_at").sum()
    assert card["posts:shift_leader"]["filing_decisions"].sum() == within("filed_at").sum()
    assert card["posts:shift_leader"]["closings"].sum() == within("closed_at").sum()
    assert card["posts:dispatcher"]["dispatched"].sum() == D.sum()
    issued = df["accepted_at"].where(df["accepted_at"].notna(), df["verified_at"])
    tasks = issued.notna() & (issued >= pd.Timestamp(t_start, tz="UTC")) & (issued < pd.Timestamp(t_end, tz="UTC"))
    assert s["verify_due"].sum() == (tasks & df["verifier"].notna()).sum()
    # every check counts: the failed ones (rework) and the passed one of each checked case
    checked = within("checked_at") & df["checker"].notna()
    assert s["check_due"].sum() == (df["rework"].fillna(0)[checked] + 1).sum()
    for role, rates in {
        "acceptor": ("accept_on_time_rate", "accept_accuracy_rate"),
        "shift_leader": ("filing_on_time_rate", "filing_accuracy_rate"),
        "dispatcher": ("dispatch_on_time_rate", "dispatch_accuracy_rate"),
    }.items():
        p = card[f"posts:{role}"]
        k = p[SAMPLE[role]] > 0
        for c in rates:
            assert p.loc[k, c].notna().all() and p.loc[~k, c].isna().all(), (role, c)
        assert p.loc[k, "score"].notna().all(), role
        model_ids = [w.id for w in model.workers(role=role)]
        assert p.loc[model_ids, "rank"].notna().all(), role  # enough actions at n = 5000

    # as_of: judging earlier only removes events; None means the latest event instant
    early = reference_scorecard(model, df, start, end, "2026-03-01")
    assert (early["areas:grid"]["closed"] <= card["areas:grid"]["closed"]).all()
    assert early["areas:city"]["reported"].iloc[0] < city["reported"]
    later = reference_scorecard(model, df, start, end, None)
    assert later["areas:city"]["rated"].iloc[0] >= city["rated"]

    # shrinkage moves scores, not the raw rates; min_sample 0 ranks every scored subject
    shrunk = reference_scorecard(model, df, start, end, as_of, shrinkage=20.0, min_sample=0)
    for key in card:
        pd.testing.assert_frame_equal(
            shrunk[key].drop(columns=["score", "grade", "rank"]), card[key].drop(columns=["score", "grade", "rank"])
        )
        assert shrunk[key]["rank"].notna().eq(shrunk[key]["score"].notna()).all(), key

    # merging periods: counts over two halves add up to the whole
    mid = "2026-02-15"
    first = reference_scorecard(model, df, start, mid, as_of)
    second = reference_scorecard(model, df, mid, end, as_of)
    for key in card:
        ints = [c for c in card[key].columns if card[key][c].dtype == np.int64 and c != "sample"]
        pd.testing.assert_frame_equal(first[key][ints] + second[key][ints], card[key][ints], obj=key)

    # comparison
    cmp = reference_compare(first, second)
    n_areas = sum(len(model.areas(level=lv)) for lv in model.levels)
    assert len(cmp) == 4 * n_areas
    row = cmp[(cmp["level"] == model.levels[0]) & (cmp["indicator"] == "on_time_closure_rate")].iloc[0]
    c1 = first[f"areas:{model.levels[0]}"]["on_time_closure_rate"].iloc[0]
    c2 = second[f"areas:{model.levels[0]}"]["on_time_closure_rate"].iloc[0]
    assert np.isclose(row["change"], (c2 - c1) * 100) and np.isclose(row["change_pct"], (c2 - c1) / c1 * 100)

    _row_by_row_check(model)
    return card


def _row_by_row_check(model: gridgov.Model, n: int = 1500, seed: int = 7) -> None:
    """The groupby pipeline against a plain loop over the rows with the scalar calendar API,
    for one subject of each table, as of a day inside the period."""
    cal = model.calendar
    df = random_records(model, n, seed)
    start, end, as_of = (
        datetime.fromisoformat(d).replace(tzinfo=cal.tzinfo) for d in ("2026-01-01", "2026-04-01", "2026-03-20")
    )
    card = reference_scorecard(model, df, start, end, as_of)
    rows = df.to_dict("records")

    def ev(r: dict[str, Any], c: str) -> Any:  # an event (datetime), None unless before as_of
        v = r[c]
        return None if pd.isna(v) or v.to_pydatetime() >= as_of else v.to_pydatetime()

    def due(r: dict[str, Any], c: str) -> Optional[datetime]:
        return None if pd.isna(r[c]) else r[c].to_pydatetime()

    def within(v: Optional[datetime]) -> bool:
        return v is not None and start <= v < end

    def on_time(done: Optional[datetime], deadline: Optional[datetime]) -> bool:
        return done is not None and deadline is not None and done <= deadline

    def hours(spans: list[Any]) -> float:
        return sum(spans, timedelta()) / len(spans) / timedelta(hours=1)

    def close(a: float, b: float) -> bool:
        return abs(a - b) <= 1e-9 * max(abs(a), abs(b))

    ten = timedelta(minutes=10)
    # a district
    district = model.areas(level="district")[0].code
    k = dict(
        reported=0, filed=0, public_filed=0, due_to_close=0, closed=0, closed_on_time=0, shelved=0, rated=0, satisfied=0
    )

    def shelf(r: dict[str, Any]) -> bool:  # on the shelf as of as_of
        if ev(r, "closed_at"):
            return False
        if not pd.isna(r["shelved_at"]):
            return bool(ev(r, "shelved_at")) and not ev(r, "resumed_at")
        return bool(r["shelved"]) and not ev(r, "handled_at")

    def overdue(r: dict[str, Any]) -> bool:
        deadline = due(r, "handle_deadline")
        return deadline is not None and deadline < as_of

    response: list[Any] = []
    handling: list[Any] = []
    for r in rows:
        if district not in model.ancestors(r["grid"]):
            continue
        k["reported"] += within(ev(r, "reported_at"))
        if within(ev(r, "filed_at")) and r["state"] != "voided":
            k["filed"] += 1
            k["public_filed"] += r["source"] in PUBLIC_SOURCES
            if ev(r, "closed_at"):
                k["due_to_close"] += 1
                k["closed"] += 1
                k["closed_on_time"] += on_time(ev(r, "handled_at"), due(r, "handle_deadline"))
            elif shelf(r):
                k["shelved"] += 1
            elif overdue(r):
                k["due_to_close"] += 1
            if ev(r, "dispatched_at"):
                response.append(cal.working_between(ev(r, "reported_at"), ev(r, "dispatched_at")))
                if ev(r, "handled_at"):
                    handling.append(cal.working_between(ev(r, "dispatched_at"), ev(r, "handled_at")))
        if within(ev(r, "rated_at")) and not pd.isna(r["satisfaction"]):
            k["rated"] += 1
            k["satisfied"] += r["satisfaction"] >= 4
    a = card["areas:district"].loc[district]
    assert min(k.values()) > 0 and len(handling) > 0, k
    assert all(a[c] == v for c, v in k.items()), (a, k)
    assert close(a["mean_response_hours"], hours(response)) and close(a["mean_handle_hours"], hours(handling))
    grids = sum(district in model.ancestors(g) for g in model.grids())
    per_month = k["filed"] / grids / (90 / 30)
    step = (
        100 if per_month == 0
        else 90 if per_month <= 2
        else 75 if per_month <= 4
        else 60 if per_month <= 6
        else 40 if per_month <= 8
        else 0
    )
    f, c = k["filed"], k["due_to_close"]
    expected = (
        10 * 100 * (1 - k["public_filed"] / f)
        + 20 * step
        + 30 * 100 * k["closed"] / c
        + 40 * 100 * k["closed_on_time"] / c
    ) / 100
    assert close(a["filed_per_grid_month"], per_month) and close(a["score"], expected), (a["score"], expected)

    # a department
    unit = card["departments"]["due"].idxmax()
    d = dict(due=0, handled=0, handled_on_time=0, overdue_unhandled=0, reworked=0, rework=0, postponed=0, shelved=0)
    minutes = []
    for r in rows:
        if r["unit"] != unit or not within(ev(r, "dispatched_at")):
            continue
        if shelf(r):
            d["shelved"] += 1
            continue
        h, deadline = ev(r, "handled_at"), due(r, "handle_deadline")
        if h:
            d["due"] += 1
            d["handled"] += 1
            d["handled_on_time"] += on_time(h, deadline)
            d["reworked"] += r["rework"] > 0
            d["rework"] += r["rework"]
            d["postponed"] += r["postponements"] > 0
            minutes.append(cal.working_between(ev(r, "dispatched_at"), h) // timedelta(minutes=1))
        elif overdue(r):
            d["due"] += 1
            d["overdue_unhandled"] += 1
            d["postponed"] += r["postponements"] > 0
    t = card["departments"].loc[unit]
    assert min(v for c, v in d.items() if c != "shelved") > 0, d
    assert all(t[c] == v for c, v in d.items()), (t, d)
    assert close(t["median_handle_hours"], float(np.median(minutes)) / 60)
    expected = (
        40 * 100 * d["handled"] / d["due"]
        + 40 * 100 * d["handled_on_time"] / d["due"]
        + 10 * max(0.0, 100 * (1 - d["overdue_unhandled"] / d["due"]))
        + 10 * max(0.0, 100 * (1 - d["reworked"] / d["handled"]))
    ) / 100
    assert close(t["score"], expected)

    # one worker of each scored role
    acc = dict(accepted=0, accepted_on_time=0, accepted_accurate=0)
    sl = dict(filing_decisions=0, voided=0, filed_on_time=0, closings=0, closed_on_time=0)
    dp = dict(dispatched=0, dispatched_on_time=0, returned=0, orders=0, orders_replied_on_time=0)
    sv = dict(
        reports=0, valid_reports=0, verify_due=0, verified=0, verified_on_time=0,
        check_due=0, failed_checks=0, checked_on_time=0, filed_in_grids=0, missed=0,
    )
    w_sv = model.workers(role="supervisor")[9]
    w_acc, w_sl, w_dp = (model.workers(role=role)[0].id for role in ("acceptor", "shift_leader", "dispatcher"))
    for r in rows:
        if r["acceptor"] == w_acc and within(ev(r, "accepted_at")):
            acc["accepted"] += 1
            acc["accepted_accurate"] += r["state"] != "invalid"
            acc["accepted_on_time"] += ev(r, "accepted_at") <= cal.add_working(ev(r, "reported_at"), ten)
        if r["filer"] == w_sl and within(ev(r, "filed_at")):
            sl["filing_decisions"] += 1
            sl["voided"] += r["state"] == "voided" and r.get("void_cause") != "problem_gone"
            base = max(x for x in (ev(r, "verified_at"), ev(r, "accepted_at"), ev(r, "reported_at")) if x)
            sl["filed_on_time"] += ev(r, "filed_at") <= cal.add_working(base, ten)
        if r["closer"] == w_sl and within(ev(r, "closed_at")):
            sl["closings"] += 1
            base = ev(r, "checked_at") or ev(r, "handled_at") or ev(r, "reported_at")
            sl["closed_on_time"] += ev(r, "closed_at") <= cal.add_working(base, ten)
        if r["dispatcher"] == w_dp and within(ev(r, "dispatched_at")):
            dp["dispatched"] += 1
            dp["dispatched_on_time"] += on_time(ev(r, "dispatched_at"), due(r, "dispatch_deadline"))
            dp["returned"] += r.get("wrong_unit_returns", r["returns"]) > 0
            dp["orders"] += r.get("orders", 0)
            dp["orders_replied_on_time"] += r.get("orders_replied_on_time", 0)
        if r["source"] == "supervisor" and r["reporter"] == w_sv.id and within(ev(r, "reported_at")):
            sv["reports"] += 1
            sv["valid_reports"] += bool((ev(r, "filed_at") and r["state"] != "voided") or r["self_handled"])
        assignee = r["verify_assignee"] if "verify_assignee" in r else r["verifier"]
        if assignee == w_sv.id and within(ev(r, "accepted_at") or ev(r, "verified_at")):
            sv["verify_due"] += 1
            sv["verified"] += ev(r, "verified_at") is not None
            sv["verified_on_time"] += on_time(ev(r, "verified_at"), due(r, "verify_deadline"))
        if "checks" in r:
            who, at = r["last_checker"], ev(r, "last_checked_at")
            n, failed, n_on_time = r["checks"], min(r["rework"], r["checks"]), r["checks_on_time"]
        else:
            who, at = r["checker"], ev(r, "checked_at")
            n = r["rework"] + (not pd.isna(r["checked_at"]))
            failed, n_on_time = r["rework"], on_time(at, due(r, "check_deadline"))
        if who == w_sv.id and within(at):
            sv["check_due"] += n
            sv["failed_checks"] += failed
            sv["checked_on_time"] += n_on_time
        if r["grid"] in w_sv.grids and within(ev(r, "filed_at")) and r["state"] != "voided":
            sv["filed_in_grids"] += 1
            sv["missed"] += r["source"] in PUBLIC_SOURCES
    for key, who, expected_counts in (
        ("acceptor", w_acc, acc), ("shift_leader", w_sl, sl), ("dispatcher", w_dp, dp), ("supervisor", w_sv.id, sv)
    ):
        got = card[f"posts:{key}"].loc[who]
        assert min(expected_counts.values()) > 0 or key == "supervisor", (key, expected_counts)
        assert all(got[c] == v for c, v in expected_counts.items()), (key, got, expected_counts)


if __name__ == "__main__":
    card = self_check()
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        for key, table in card.items():
            print(f"\n## {key} ({len(table)} rows)\n{table.head(8)}")
    print("\nself_check passed")
