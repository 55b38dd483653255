"""The case engine from Python: every lifecycle path, deadlines on the calendar, lights, every
kind of bad input (typed, engine unchanged), sweeps, events, replay, pandas, pickling."""

from __future__ import annotations

import pickle
import threading
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import numpy as np
import pytest

import gridgov
from gridgov import Citizen, Engine

from conftest import CST, fixture_text

GRID = "37990100100101"  # patrolled by SV001, district 东湖区
GRID_W = "37990200100101"  # 西山区
MON = datetime(2025, 11, 3, 9, 0)  # a Monday
T0_MS = 1762131600000  # MON as epoch ms
UTC = timezone.utc


@pytest.fixture
def eng(sample: gridgov.Model) -> Engine:
    return Engine(sample)


@pytest.fixture(scope="module")
def rules_city() -> gridgov.Model:
    # a self-contained city with two escalation rules on the handling stage, so that the sweep
    # tests do not depend on the sample city's default rules
    return gridgov.Model.from_toml(fixture_text("cities/rules.toml"))


def dispatched(eng: Engine, category: str, t: Any, grid: str = GRID) -> int:
    """A supervisor's case driven to dispatched at `t`."""
    case = eng.report("SV001", category=category, grid=grid, at=t)
    eng.act(case, "accept", actor="AC01", at=t)
    eng.act(case, "file", actor="SL01", at=t)
    eng.act(case, "dispatch", actor="DP01", at=t)
    return case


def handler_of(eng: Engine, case: int) -> str:
    return f"H-{eng.case(case).unit}-1"


def actions(case: gridgov.Case) -> list[str]:
    """The actions of a case's history, escalations left out."""
    return [e["action"] for e in case.history if e["action"] != "escalate"]


def h(hours: float) -> timedelta:
    return timedelta(hours=hours)


# ---------------------------------------------------------------------------------------------
# Lifecycle paths
# ---------------------------------------------------------------------------------------------


def test_main_path_supervisor_report(eng: Engine) -> None:
    case = eng.report("SV001", category="C0101", grid=GRID, at=MON, description="cover missing")
    assert case == 1 and len(eng) == 1
    eng.act(case, "accept", actor="AC01", at=MON + h(0.1))
    eng.act(case, "file", actor="SL01", at=MON + h(0.2))
    event = eng.act(case, "dispatch", actor="DP01", at=MON + h(0.3), unit="WATER")
    assert event["action"] == "dispatch" and event["unit"] == "WATER" and event["seq"] == 4
    assert event["actor"] == {"worker": "DP01"} and event["limit"] == "36 hours"
    c = eng.case(case, now=MON + h(1))
    assert (c.state, c.unit, c.stage, c.limit, c.light) == ("dispatched", "WATER", "handle", "36 hours", "green")
    assert c.deadline == MON + h(0.3) + h(36)  # C0101 normal: 36 continuous hours
    assert (c.category, c.grid, c.urgency, c.source, c.reporter) == ("C0101", GRID, "normal", "supervisor", "SV001")
    assert c.history[0]["description"] == "cover missing" and c.is_open
    eng.act(case, "start", actor="H-WATER-1", at=MON + h(0.5))
    eng.act(case, "handle", actor="H-WATER-1", at=MON + h(1), result="replaced")
    assert eng.case(case).stage == "check"
    eng.act(case, "check", actor="SV001", at=MON + h(2), passed=True)
    eng.act(case, "close", actor="SL01", at=MON + h(3), reason="fixed")
    c = eng.case(case)
    assert (c.state, c.closing_reason, c.deadline, c.light, c.stage) == ("closed", "fixed", None, None, None)
    assert c.closed_at == MON + h(3) and not c.is_open
    assert actions(c) == ["report", "accept", "file", "dispatch", "start", "handle", "check", "close"]


def test_main_path_public_report(eng: Engine) -> None:
    citizen = Citizen("c-1")
    case = eng.report(citizen, category="E0102", grid=GRID, at=MON, contact="13800000000")
    assert eng.case(case).source == "app"  # a citizen's default channel
    eng.act(case, "accept", actor="AC01", at=MON)
    assert eng.case(case).stage == "verify"
    with pytest.raises(gridgov.InvalidTransition, match="verified first") as info:
        eng.act(case, "file", actor="SL01", at=MON)
    assert (info.value.case, info.value.state, info.value.action) == (case, "accepted", "file")
    eng.act(case, "verify", actor="SV001", at=MON, valid=True)
    eng.act(case, "file", actor="SL01", at=MON)
    eng.act(case, "dispatch", actor="DP01", at=MON)  # to the duty matrix's unit
    assert eng.case(case).unit == "SANIT"
    eng.act(case, "start", actor="H-SANIT-1", at=MON + h(0.1))
    eng.act(case, "handle", actor="H-SANIT-1", at=MON + h(0.2), result="cleaned")
    eng.act(case, "check", actor="SV001", at=MON + h(0.3), passed=True)
    eng.act(case, "close", actor="SL01", at=MON + h(0.4), reason="fixed")
    eng.act(case, "rate", actor=citizen, at=MON + h(0.5), satisfaction=5)
    with pytest.raises(gridgov.InvalidTransition, match="already rated"):
        eng.act(case, "rate", actor=citizen, at=MON + h(0.6), satisfaction=1)
    c = eng.case(case)
    assert (c.state, c.satisfaction, c.reporter) == ("closed", 5, citizen)
    assert len(actions(c)) == 10


def test_rework_twice_keeps_the_handling_clock(eng: Engine) -> None:
    case = dispatched(eng, "E0102", MON)  # 4 working hours
    handler = handler_of(eng, case)
    for rework in (1, 2):
        t = MON + h(rework)
        eng.act(case, "handle", actor=handler, at=t, result="done")
        eng.act(case, "check", actor="SV001", at=t, passed=False)
        c = eng.case(case)
        assert (c.state, c.rework_count, c.stage) == ("dispatched", rework, "handle")
        # rework keeps the original (bundle) deadline: 4 working hours from the dispatch
        assert c.deadline == eng.model.calendar.add_working(MON, h(4))
    eng.act(case, "handle", actor=handler, at=MON + h(3), result="done")
    eng.act(case, "check", actor="SV001", at=MON + h(3), passed=True)
    assert eng.case(case).state == "checked"


def test_return_and_redispatch(eng: Engine) -> None:
    case = dispatched(eng, "C0101", MON)
    eng.act(case, "request_return", actor="H-WATER-1", at=MON, cause="wrong_unit", reason="not ours")
    eng.act(case, "approve_return", actor="SL01", at=MON)
    c = eng.case(case)
    assert (c.state, c.unit, c.return_count, c.stage) == ("returned", None, 1, "dispatch")
    with pytest.raises(gridgov.PermissionDenied):  # the old handler lost scope
        eng.act(case, "start", actor="H-WATER-1", at=MON)
    with pytest.raises(gridgov.ValidationError, match="reason is required") as info:
        eng.act(case, "dispatch", actor="DP01", at=MON, unit="POWER")
    assert info.value.what == "dispatch.reason"
    with pytest.raises(gridgov.UnknownError) as unknown:
        eng.act(case, "dispatch", actor="DP01", at=MON, unit="NOPE", reason="x")
    assert (unknown.value.what, unknown.value.value) == ("unit", "NOPE")
    eng.act(case, "dispatch", actor="DP01", at=MON, unit="POWER", reason="a power cover")
    assert eng.case(case).unit == "POWER"
    eng.act(case, "start", actor="H-POWER-1", at=MON + h(0.1))
    assert eng.case(case).state == "handling"


def test_postponement_approved_moves_the_deadline_denied_does_not(eng: Engine) -> None:
    case = dispatched(eng, "E0102", MON)
    handler = handler_of(eng, case)
    assert eng.deadline(case) == datetime(2025, 11, 3, 15, 0)
    eng.act(case, "request_postpone", actor=handler, at=MON, minutes=120)
    c = eng.case(case)
    assert (c.pending_postpone, c.deadline) == (120, datetime(2025, 11, 3, 15, 0))
    with pytest.raises(gridgov.InvalidTransition, match="already pending"):
        eng.act(case, "request_postpone", actor=handler, at=MON, minutes=60)
    eng.act(case, "deny_postpone", actor="SL01", at=MON)
    c = eng.case(case)
    assert (c.pending_postpone, c.deadline, c.postponed_minutes) == (None, datetime(2025, 11, 3, 15, 0), 0)
    eng.act(case, "request_postpone", actor=handler, at=MON, minutes=120)
    eng.act(case, "approve_postpone", actor="DP01", at=MON)
    c = eng.case(case)
    assert (c.deadline, c.postponed_minutes, c.pending_postpone) == (datetime(2025, 11, 3, 17, 0), 120, None)
    with pytest.raises(gridgov.InvalidTransition, match="no postponement request is pending") as info:
        eng.act(case, "approve_postpone", actor="SL01", at=MON)
    assert info.value.detail == "no postponement request is pending"


def test_shelving_stops_the_clock(eng: Engine) -> None:
    case = dispatched(eng, "E0102", MON)
    handler = handler_of(eng, case)
    ten = datetime(2025, 11, 3, 10, 0)
    eng.act(case, "request_shelve", actor=handler, at=ten, reason="needs a budget")
    assert eng.case(case).pending_shelve == "needs a budget"
    eng.act(case, "approve_shelve", actor="MG01", at=ten)
    c = eng.case(case, now=datetime(2025, 11, 20, 9, 0))
    assert (c.state, c.paused, c.deadline, c.light) == ("shelved", True, None, None)
    # resumed the next day with 3 working hours left: 09:00-12:00
    eng.act(case, "start", actor=handler, at=datetime(2025, 11, 4, 9, 0))
    c = eng.case(case)
    assert (c.state, c.paused, c.deadline) == ("handling", False, datetime(2025, 11, 4, 12, 0))
    # a shelved case can also be closed from the problem bank
    other = dispatched(eng, "E0102", MON)
    eng.act(other, "request_shelve", actor=handler_of(eng, other), at=ten, reason="x")
    eng.act(other, "approve_shelve", actor="SL01", at=ten)
    eng.act(other, "close", actor="SL01", at=ten, reason="closed from the problem bank")
    assert eng.case(other).state == "closed"


def test_self_handled(eng: Engine) -> None:
    case = eng.report("SV001", category="E0102", grid=GRID, at=MON)
    with pytest.raises(gridgov.PermissionDenied):
        eng.act(case, "self_handle", actor="AC01", at=MON, result="x")
    eng.act(case, "self_handle", actor="SV001", at=MON, result="picked up")
    c = eng.case(case)
    assert (c.state, c.self_handled, c.stage) == ("checked", True, "close")  # closing is timed too
    eng.act(case, "close", actor="SL01", at=MON, reason="self-handled")
    assert eng.case(case).state == "closed"


def test_reopen(eng: Engine) -> None:
    case = dispatched(eng, "C0101", MON)
    eng.act(case, "handle", actor="H-WATER-1", at=MON, result="done")
    eng.act(case, "check", actor="SV001", at=MON, passed=True)
    eng.act(case, "close", actor="SL01", at=MON, reason="fixed")
    eng.act(case, "reopen", actor="MG01", at=MON + h(1), reason="citizen complaint")
    c = eng.case(case)
    assert (c.state, c.reopen_count, c.closing_reason, c.closed_at, c.stage) == ("filed", 1, None, None, "dispatch")
    eng.act(case, "dispatch", actor="DP01", at=MON + h(1))
    assert eng.case(case).unit == "WATER"


def test_supervised(eng: Engine) -> None:
    case = dispatched(eng, "C0101", MON)
    eng.act(case, "supervise", actor="MG01", at=MON, note="fix today")
    # one unanswered 督办 order at a time: the unit replies, then a second (a leader's) order
    with pytest.raises(gridgov.InvalidTransition, match="waiting for its reply"):
        eng.act(case, "supervise", actor="MG01", at=MON, note="again")
    eng.act(case, "reply", actor="H-WATER-1", at=MON, note="on it")
    eng.act(case, "supervise", actor="MG01", at=MON, note="again", level="leader")
    c = eng.case(case)
    assert (c.state, c.supervised_count, c.orders, c.orders_replied_on_time) == ("dispatched", 2, 2, 1)
    assert c.order is not None and c.order["level"] == "leader"


def test_terminal_paths(eng: Engine) -> None:
    a = eng.report("SV001", category="C0101", grid=GRID, at=MON)
    eng.act(a, "reject", actor="AC01", at=MON, reason="duplicate")
    b = eng.report("AC01", category="C0101", grid=GRID, at=MON, source="hotline")
    eng.act(b, "accept", actor="AC01", at=MON)
    eng.act(b, "verify", actor="SV001", at=MON, valid=False)
    c = eng.report("SV001", category="C0101", grid=GRID, at=MON)
    eng.act(c, "accept", actor="AC01", at=MON)
    eng.act(c, "void", actor="SL01", at=MON, reason="not a city matter")
    for case, state in ((a, "rejected"), (b, "invalid"), (c, "voided")):
        snap = eng.case(case)
        assert (snap.state, snap.is_open, snap.deadline) == (state, False, None)
        with pytest.raises(gridgov.InvalidTransition):
            eng.act(case, "supervise", actor="MG01", at=MON, note="x")


def test_report_by_point(eng: Engine) -> None:
    case = eng.report("SV001", category="C0101", point=(117.0489, 36.7391), at=MON)
    assert eng.case(case).grid == GRID
    with pytest.raises(gridgov.ValidationError, match="no unit grid"):
        eng.report("SV001", category="C0101", point=(0.0, 0.0), at=MON)
    with pytest.raises(gridgov.ValidationError):
        eng.report("SV001", category="C0101", point=(float("nan"), 36.7), at=MON)
    with pytest.raises(gridgov.ValidationError, match="grid code or a point"):
        eng.report("SV001", category="C0101", at=MON)
    assert len(eng) == 1


# ---------------------------------------------------------------------------------------------
# Deadlines and lights
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "due"),
    [  # E0102 暴露垃圾: 4 working hours; the hand-computed values of core/tests/engine.rs, for a unit
        # on the model's (China) calendar: the sample's sanitation units work 7 days, so the case
        # goes to the enforcement bureau
        (datetime(2025, 11, 3, 11, 0), datetime(2025, 11, 3, 17, 0)),  # lunch break
        (datetime(2025, 11, 7, 16, 30), datetime(2025, 11, 10, 10, 30)),  # weekend
        (datetime(2025, 10, 10, 17, 0), datetime(2025, 10, 11, 11, 0)),  # 调休 Saturday
        (datetime(2025, 9, 30, 16, 0), datetime(2025, 10, 9, 10, 0)),  # National Day week
        (datetime(2024, 2, 2, 16, 0), datetime(2024, 2, 4, 10, 0)),  # 调休 Sunday
        (datetime(2025, 11, 3, 20, 0), datetime(2025, 11, 4, 12, 0)),  # reported in the evening
    ],
)
def test_deadlines_on_the_calendar(eng: Engine, start: datetime, due: datetime) -> None:
    case = eng.report("SV001", category="E0102", grid=GRID, at=start)
    eng.act(case, "accept", actor="AC01", at=start)
    eng.act(case, "file", actor="SL01", at=start)
    eng.act(case, "dispatch", actor="DP01", at=start, unit="ENFORCE", reason="the test's unit")
    assert eng.case(case).deadline == due
    assert eng.deadline(case) == due


def test_continuous_limit_ignores_the_holiday(eng: Engine) -> None:
    start = datetime(2025, 9, 30, 16, 0)
    case = dispatched(eng, "C0101", start)  # 36 continuous hours
    assert eng.deadline(case) == start + h(36)


def test_times_in_every_form(eng: Engine) -> None:
    forms = [
        MON,
        MON.replace(tzinfo=CST),
        datetime(2025, 11, 3, 1, 0, tzinfo=UTC),
        T0_MS,
        np.datetime64("2025-11-03T09:00", "ms"),  # NumPy has no zone: naive, so local
    ]
    for t in forms:
        case = dispatched(eng, "E0102", t)
        assert eng.case(case).reported_at == MON
    # results follow the style of `now`
    aware = eng.case(1, now=datetime(2025, 11, 3, 2, 0, tzinfo=UTC))
    assert aware.deadline == datetime(2025, 11, 3, 7, 0, tzinfo=UTC)
    assert aware.deadline.tzinfo is not None and aware.reported_at.tzinfo is not None
    assert eng.case(1, now=T0_MS).deadline == datetime(2025, 11, 3, 15, 0)


def test_lights(eng: Engine) -> None:
    case = dispatched(eng, "E0102", MON)  # due 15:00, 4 h
    assert eng.light(case, datetime(2025, 11, 3, 14, 0)) == "green"  # 75 %
    assert eng.light(case, datetime(2025, 11, 3, 14, 30)) == "yellow"  # 87.5 %
    assert eng.light(case, datetime(2025, 11, 3, 15, 0)) == "red"
    assert eng.light(case, datetime(2025, 11, 3, 12, 30)) == "green"  # lunch counts nothing
    assert eng.case(case, now=datetime(2025, 11, 3, 14, 30)).light == "yellow"
    # without `now`: the time of the engine's last event (09:00)
    assert eng.case(case).light == "green"


# ---------------------------------------------------------------------------------------------
# Bad input: typed errors, engine unchanged
# ---------------------------------------------------------------------------------------------

T = MON + h(1)
Attempt = Callable[[Engine, int], object]

BAD_ACTIONS: list[tuple[str, Attempt, type[Exception], dict[str, Any]]] = [
    (
        "wrong state",
        lambda e, c: e.act(c, "close", actor="SL01", at=T, reason="x"),
        gridgov.InvalidTransition,
        {"state": "dispatched", "action": "close"},
    ),
    (
        "wrong role",
        lambda e, c: e.act(c, "close", actor="SV001", at=T, reason="x"),
        gridgov.PermissionDenied,
        {"actor": 'worker "SV001"', "action": "close"},
    ),
    (
        "out of scope (grid)",
        lambda e, c: e.act(c, "check", actor="SV002", at=T, passed=True),
        gridgov.PermissionDenied,
        {"action": "check"},
    ),
    (
        "out of scope (unit)",
        lambda e, c: e.act(c, "start", actor="H-POWER-1", at=T),
        gridgov.PermissionDenied,
        {"actor": 'worker "H-POWER-1"'},
    ),
    (
        "auditor",
        lambda e, c: e.act(c, "supervise", actor="AU01", at=T, note="x"),
        gridgov.PermissionDenied,
        {},
    ),
    (
        "another citizen",
        lambda e, c: e.act(c, "rate", actor=Citizen("c-2"), at=T, satisfaction=3),
        gridgov.PermissionDenied,
        {},
    ),
    (
        "earlier than the last event",
        lambda e, c: e.act(c, "start", actor="H-WATER-1", at=MON - timedelta(milliseconds=1)),
        gridgov.ValidationError,
        {"what": "at"},
    ),
    ("unknown case", lambda e, c: e.act(999, "start", actor="H-WATER-1", at=T), gridgov.UnknownError, {"what": "case"}),
    ("negative case", lambda e, c: e.act(-1, "start", actor="H-WATER-1", at=T), gridgov.UnknownError, {"what": "case"}),
    ("unknown worker", lambda e, c: e.act(c, "start", actor="nobody", at=T), gridgov.UnknownError, {"value": "nobody"}),
    ("missing field", lambda e, c: e.act(c, "close", actor="SL01", at=T), gridgov.ValidationError, {"what": "action"}),
    ("extra field", lambda e, c: e.act(c, "start", actor="H-WATER-1", at=T, why="x"), gridgov.ValidationError, {}),
    (
        "extra field on a field action",
        lambda e, c: e.act(c, "return", actor="H-WATER-1", at=T, reason="x", colour="red"),
        gridgov.ValidationError,
        {},
    ),
    (
        "unknown action",
        lambda e, c: e.act(c, "fly", actor="H-WATER-1", at=T),
        gridgov.ValidationError,
        {"value": "fly"},
    ),
    (
        "mistyped field",
        lambda e, c: e.act(c, "check", actor="SV001", at=T, passed="yes"),
        gridgov.ValidationError,
        {},
    ),
    (
        "empty reason",
        lambda e, c: e.act(c, "return", actor="H-WATER-1", at=T, reason="  "),
        gridgov.ValidationError,
        {"what": "return.reason"},
    ),
    (
        "no minutes",
        lambda e, c: e.act(c, "request_postpone", actor="H-WATER-1", at=T, minutes=0),
        gridgov.ValidationError,
        {"what": "request_postpone.minutes"},
    ),
    (
        "action dict without a name",
        lambda e, c: e.act(c, {"unit": "WATER"}, actor="DP01", at=T),
        gridgov.ValidationError,
        {},
    ),
    ("NaT", lambda e, c: e.act(c, "start", actor="H-WATER-1", at=np.datetime64("NaT")), gridgov.ValidationError, {}),
    ("actor of a wrong shape", lambda e, c: e.act(c, "start", actor={"boss": "x"}, at=T), gridgov.ValidationError, {}),
    ("the system actor", lambda e, c: e.act(c, "start", actor={"system": None}, at=T), gridgov.PermissionDenied, {}),
    ("a non-object action", lambda e, c: e.act(c, ["start"], actor="H-WATER-1", at=T), TypeError, {}),  # type: ignore[arg-type]
    ("actor of a wrong type", lambda e, c: e.act(c, "start", actor=42, at=T), TypeError, {}),  # type: ignore[arg-type]
    ("time of a wrong type", lambda e, c: e.act(c, "start", actor="H-WATER-1", at="09:00"), TypeError, {}),  # type: ignore[arg-type]
    ("time as a bool", lambda e, c: e.act(c, "start", actor="H-WATER-1", at=True), TypeError, {}),
]


@pytest.mark.parametrize(("name", "attempt", "exc", "attrs"), BAD_ACTIONS, ids=[b[0] for b in BAD_ACTIONS])
def test_bad_actions_leave_the_engine_unchanged(
    eng: Engine, name: str, attempt: Attempt, exc: type[Exception], attrs: dict[str, Any]
) -> None:
    case = dispatched(eng, "C0101", MON)  # dispatched to WATER
    before = eng.events(viewer="AC01")
    denials = len(eng.denials())
    with pytest.raises(exc) as info:
        attempt(eng, case)
    assert isinstance(info.value, (gridgov.GridgovError, TypeError))
    for key, value in attrs.items():
        assert getattr(info.value, key) == value, (key, info.value)
    assert eng.events(viewer="AC01") == before and len(eng) == 1
    assert len(eng.denials()) == denials + (exc is gridgov.PermissionDenied)
    eng.act(case, "start", actor="H-WATER-1", at=T)  # the case still moves on


def closed_citizen_case(eng: Engine) -> int:
    citizen = Citizen("c-1")
    case = eng.report(citizen, category="C0101", grid=GRID, at=MON, contact="13800000000")
    eng.act(case, "accept", actor="AC01", at=MON)
    eng.act(case, "verify", actor="SV001", at=MON, valid=True)
    eng.act(case, "file", actor="SL01", at=MON)
    eng.act(case, "dispatch", actor="DP01", at=MON)
    eng.act(case, "handle", actor="H-WATER-1", at=MON + h(0.5), result="done")
    eng.act(case, "check", actor="SV001", at=MON + h(0.6), passed=True)
    eng.act(case, "close", actor="SL01", at=MON + h(1), reason="fixed")
    return case


@pytest.mark.parametrize("satisfaction", [0, 6, -1, 300])
def test_rating_out_of_range(eng: Engine, satisfaction: int) -> None:
    case = closed_citizen_case(eng)
    before = eng.events()
    with pytest.raises(gridgov.ValidationError):
        eng.act(case, "rate", actor=Citizen("c-1"), at=T, satisfaction=satisfaction)
    assert eng.events() == before
    eng.act(case, "rate", actor={"citizen": "c-1"}, at=T, satisfaction=1)
    assert eng.case(case).satisfaction == 1


def test_deadline_outside_the_calendar(eng: Engine) -> None:
    case = eng.report("SV001", category="E0102", grid=GRID, at=MON)
    eng.act(case, "accept", actor="AC01", at=MON)
    eng.act(case, "file", actor="SL01", at=MON)
    later = datetime(2031, 1, 1, 9, 0)
    eng.sweep(later)  # acting fires what is due first, which a refusal would not undo
    before = eng.events()
    with pytest.raises(gridgov.CalendarRangeError):
        eng.act(case, "dispatch", actor="DP01", at=later)
    assert eng.events() == before
    assert eng.case(case, now=later).light == "red"


@pytest.mark.parametrize(
    ("kwargs", "exc"),
    [
        ({"category": "C9999", "grid": GRID}, gridgov.UnknownError),
        ({"category": "X1", "grid": GRID}, gridgov.CodeError),
        ({"category": "C0101", "grid": "379901"}, gridgov.UnknownError),
        ({"category": "C0101", "grid": GRID, "urgency": "whenever"}, gridgov.UnknownError),
        ({"category": "C0101", "grid": GRID, "source": "pigeon"}, gridgov.ValidationError),
        ({"category": "C0101", "grid": GRID, "actor": "SV002"}, gridgov.PermissionDenied),
        ({"category": "C0101", "grid": GRID, "actor": "DP01"}, gridgov.PermissionDenied),
        ({"category": "C0101", "grid": GRID, "at": np.datetime64("NaT")}, gridgov.ValidationError),
        ({"category": "C0101", "grid": GRID, "at": 2**63}, gridgov.ValidationError),
        ({"grid": GRID}, TypeError),
    ],
)
def test_bad_reports_create_nothing(eng: Engine, kwargs: dict[str, Any], exc: type[Exception]) -> None:
    actor = kwargs.pop("actor", "SV001")
    kwargs.setdefault("at", MON)
    with pytest.raises(exc):
        eng.report(actor, **kwargs)
    assert len(eng) == 0 and eng.events() == [] and eng.event_count == 0


def test_security_log(eng: Engine) -> None:
    case = dispatched(eng, "C0101", MON)
    with pytest.raises(gridgov.PermissionDenied):
        eng.act(case, "close", actor="SV001", at=T, reason="x")
    with pytest.raises(gridgov.PermissionDenied):
        eng.report("SV002", category="C0101", grid=GRID, at=T)
    log = eng.denials()
    assert [(d["actor"], d["case"], d["action"]) for d in log] == [
        ({"worker": "SV001"}, case, "close"),
        ({"worker": "SV002"}, None, "report"),
    ]
    assert log[0]["at"] == T0_MS + 3_600_000 and "supervisor" in log[0]["reason"]


def test_actors_in_every_form(eng: Engine, sample: gridgov.Model) -> None:
    sv001 = next(w for w in sample.workers("supervisor") if w.id == "SV001")
    for actor in ("SV001", sv001, {"worker": "SV001"}):
        case = eng.report(actor, category="C0101", grid=GRID, at=MON)
        assert eng.case(case).reporter == "SV001"
    case = eng.report({"citizen": "c-9"}, category="C0101", grid=GRID_W, at=MON)
    assert eng.case(case).reporter == Citizen("c-9")


# ---------------------------------------------------------------------------------------------
# Sweeps
# ---------------------------------------------------------------------------------------------


def rules_engine(model: gridgov.Model) -> Engine:
    eng = Engine(model)
    case = eng.report("SV1", category="E0102", grid=GRID, at=MON)
    eng.act(case, "accept", actor="AC1", at=MON)
    eng.act(case, "file", actor="SL1", at=MON)
    eng.act(case, "dispatch", actor="DP1", at=MON)  # due 15:00
    return eng


def test_sweep_fires_once_at_each_trigger_instant(rules_city: gridgov.Model) -> None:
    eng = rules_engine(rules_city)
    assert eng.sweep(datetime(2025, 11, 3, 14, 11)) == []
    (first,) = eng.sweep(datetime(2025, 11, 3, 14, 12))
    assert first == gridgov.Escalation(
        case_id=1,
        rule=0,
        name="80 %",
        action="warn",
        target="yellow",
        at=datetime(2025, 11, 3, 14, 12),
        firing=1,
        seq=5,
    )
    assert eng.sweep(datetime(2025, 11, 3, 14, 12)) == []  # idempotent
    late = eng.sweep(datetime(2025, 11, 4, 10, 0))  # each missed trigger once, at its own instant
    assert [(e.rule, e.action, e.target, e.at, e.firing) for e in late] == [
        (1, "notify", "A", datetime(2025, 11, 3, hour, 0), n) for n, hour in ((1, 15), (2, 16), (3, 17))
    ]
    assert eng.sweep(datetime(2025, 11, 20, 10, 0)) == []
    events = eng.events()
    assert [e["actor"] for e in events[4:]] == ["system"] * 4
    assert {e["action"] for e in events[4:]} == {"escalate"}
    assert Engine.replay(rules_city, events) == eng
    # an escalation event must be what the rules give: name, effect and members checked (the
    # reader's own checks, so on events without hashes, replayed unverified on purpose)
    plain = [{k: v for k, v in e.items() if k != "hash"} for e in events]
    for change, message in (
        ({"effect": "shout"}, "unknown effect"),
        ({"extra": 1}, "unknown field"),
        ({"name": "renamed"}, r"events\[4\].*differs"),
        ({"target": "red"}, r"events\[4\].*differs"),
    ):
        with pytest.raises(gridgov.ValidationError, match=message):
            Engine.replay(rules_city, plain[:4] + [{**plain[4], **change}], verify=False)


def test_a_replayed_engine_sweeps_what_the_original_sweeps(rules_city: gridgov.Model) -> None:
    # a replay queues the escalations once, at its end: nothing due may be missing
    eng = rules_engine(rules_city)
    again = Engine.replay(rules_city, eng.events_jsonl())
    later = datetime(2025, 11, 4, 10, 0)
    fired = eng.sweep(later)
    assert len(fired) == 4
    assert again.sweep(later) == fired
    assert again == eng


def test_sweep_times_follow_now(rules_city: gridgov.Model) -> None:
    eng = rules_engine(rules_city)
    (e,) = eng.sweep(datetime(2025, 11, 3, 6, 12, tzinfo=UTC))
    assert e.at == datetime(2025, 11, 3, 6, 12, tzinfo=UTC) and e.at.tzinfo is UTC
    eng = rules_engine(rules_city)
    (e,) = eng.sweep(T0_MS + 5 * 3_600_000 + 12 * 60_000)
    assert e.at == datetime(2025, 11, 3, 14, 12)
    with pytest.raises(gridgov.ValidationError):
        eng.sweep(np.datetime64("NaT"))


def test_an_action_after_a_due_trigger_records_the_escalation_first(rules_city: gridgov.Model) -> None:
    eng = rules_engine(rules_city)
    eng.act(1, "handle", actor="H1", at=datetime(2025, 11, 3, 16, 30), result="late")
    history = eng.case(1).history
    assert [e["action"] for e in history[4:]] == ["escalate", "escalate", "escalate", "handle"]
    assert eng.sweep(datetime(2025, 11, 4, 10, 0)) == []  # the handling stage is over


def test_the_sample_city_ships_rules(eng: Engine) -> None:
    case = dispatched(eng, "E0102", MON)
    fired = eng.sweep(datetime(2025, 11, 3, 15, 0))
    assert [e.case_id for e in fired] == [case, case, case]
    # at the deadline the sample city reminds the department and alerts the shift leaders'
    # unit (any overdue node does)
    assert [(e.action, e.target) for e in fired] == [("warn", "yellow"), ("notify", "SANIT"), ("notify", "SUP")]
    assert eng.case(case).light == "red"


# ---------------------------------------------------------------------------------------------
# Events, replay, pandas, pickling, threads
# ---------------------------------------------------------------------------------------------


def busy_engine(model: gridgov.Model) -> Engine:
    eng = Engine(model)
    a = dispatched(eng, "E0102", MON)
    eng.act(a, "request_postpone", actor=handler_of(eng, a), at=MON, minutes=60)
    eng.act(a, "approve_postpone", actor="SL01", at=MON)
    closed_citizen_case(eng)
    eng.act(2, "rate", actor=Citizen("c-1"), at=MON + h(2), satisfaction=2)
    eng.sweep(datetime(2025, 11, 4, 18, 0))
    return eng


def test_events_schema_and_contact(sample: gridgov.Model) -> None:
    eng = busy_engine(sample)
    events = eng.events()
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1)) and eng.event_count == len(events)
    assert all(e["v"] == 1 for e in events)
    # every exported event carries its link in the SHA-256 audit chain
    assert all(len(e.pop("hash")) == 64 for e in events)
    assert events[0] == {
        "v": 1,
        "seq": 1,
        "case": 1,
        "at": T0_MS,
        "actor": {"worker": "SV001"},
        "action": "report",
        "category": "E0102",
        "grid": GRID,
        "source": "supervisor",
        "limit": "10 working_minutes",  # acceptance is timed from the report
    }
    assert "13800000000" not in eng.events_jsonl()
    assert all("contact" not in e for e in events)
    for viewer in ("AC01", "SL01", "MG01", {"worker": "AC01"}):
        assert "13800000000" in eng.events_jsonl(viewer=viewer)
    for viewer in ("SV001", "DP01", "AU01", Citizen("c-1")):
        with pytest.raises(gridgov.PermissionDenied):
            eng.events(viewer=viewer)  # type: ignore[arg-type]
    with pytest.raises(gridgov.UnknownError):
        eng.events(viewer="nobody")
    assert all("13800000000" not in str(eng.case(i)) for i in (1, 2))
    assert eng.events_jsonl().count("\n") == len(events)


def test_replay_equals_the_engine(sample: gridgov.Model) -> None:
    eng = busy_engine(sample)
    full = eng.events(viewer="AC01")
    again = Engine.replay(sample, full)
    assert again == eng and again.events(viewer="AC01") == full
    assert Engine.replay(sample, eng.events_jsonl(viewer="AC01")) == eng
    # without contact data the cases are the same, the report events are not
    stripped = Engine.replay(sample, eng.events())
    assert stripped != eng and stripped.events() == eng.events()
    for i in range(1, len(eng) + 1):
        for now in (MON, MON + h(5), MON + h(30)):
            assert stripped.case(i, now=now) == eng.case(i, now=now)
    assert Engine.replay(sample, []) == Engine(sample)


def test_bad_streams(sample: gridgov.Model) -> None:
    hashed = busy_engine(sample).events()
    # with their hashes, a cut or edited stream fails the audit chain first
    with pytest.raises(gridgov.ValidationError, match="line 1 .seq 2."):
        Engine.replay(sample, hashed[1:])
    # without them, the verified replay refuses the first line; the unverified one names the
    # event that does not apply
    events = [{k: v for k, v in e.items() if k != "hash"} for e in hashed]
    with pytest.raises(gridgov.ValidationError, match=r"line 1 .*hash"):
        Engine.replay(sample, events)
    with pytest.raises(gridgov.ValidationError, match=r"events\[0\]"):
        Engine.replay(sample, events[1:], verify=False)
    broken = [dict(e) for e in events]
    broken[3]["actor"] = {"worker": "SV002"}
    with pytest.raises(gridgov.ValidationError, match=r"events\[3\]"):
        Engine.replay(sample, broken, verify=False)
    with pytest.raises(gridgov.ParseError, match="line 1"):
        Engine.replay(sample, "not json\n")
    with pytest.raises(gridgov.ValidationError, match="line 1"):
        Engine.replay(sample, '{"v": 2}\n')
    with pytest.raises(TypeError):
        Engine.replay(sample, b"{}")  # type: ignore[arg-type]


def test_events_frame(sample: gridgov.Model) -> None:
    import pandas as pd

    eng = busy_engine(sample)
    frame = eng.events_frame()
    assert list(frame.columns[:7]) == ["seq", "case", "at", "actor_kind", "actor_id", "action", "limit"]
    assert {"category", "grid", "reason", "rule", "effect", "target", "satisfaction"} <= set(frame.columns)
    assert "contact" not in frame.columns and "v" not in frame.columns
    assert len(frame) == eng.event_count
    assert frame["seq"].tolist() == list(range(1, len(frame) + 1))
    assert str(frame["seq"].dtype) == "int64" and str(frame["case"].dtype) == "int64"
    assert isinstance(frame["at"].dtype, pd.DatetimeTZDtype)
    assert frame["at"].iloc[0] == pd.Timestamp(MON, tz=CST)
    assert set(frame["actor_kind"]) == {"worker", "citizen", "system"}
    assert frame.loc[frame["actor_kind"] == "system", "actor_id"].isna().all()
    assert frame["action"].iloc[0] == "report"
    assert "contact" in eng.events_frame(viewer="AC01").columns
    empty = Engine(sample).events_frame()
    assert len(empty) == 0 and list(empty.columns) == ["seq", "case", "at", "actor_kind", "actor_id", "action", "limit"]


def test_events_frame_equals_one_dict_per_event(sample: gridgov.Model) -> None:
    """The frame built from the compiled module's columns equals the frame pandas builds from
    one dict per event (the events as :meth:`Engine.events` gives them), value for value and
    dtype for dtype, with and without contact data."""
    import pandas as pd

    from gridgov._convert import zoned_series

    eng = gridgov.simulate(sample, datetime(2026, 3, 2), days=5)
    for viewer in (None, "AC01"):
        rows, extra = [], {}
        for event in eng.events(viewer):
            actor = event.pop("actor")
            event.pop("v")
            if isinstance(actor, dict):
                ((event["actor_kind"], event["actor_id"]),) = actor.items()
            else:
                event["actor_kind"], event["actor_id"] = actor, None
            rows.append(event)
            for k in event:
                extra.setdefault(k)
        base = ["seq", "case", "at", "actor_kind", "actor_id", "action", "limit"]
        expected = pd.DataFrame.from_records(rows, columns=base + [k for k in extra if k not in base])
        expected["seq"] = expected["seq"].astype("int64")
        expected["case"] = expected["case"].astype("int64")
        expected["at"] = zoned_series(expected["at"], eng._zone)
        pd.testing.assert_frame_equal(eng.events_frame(viewer), expected)
    with pytest.raises(gridgov.PermissionDenied):
        eng.events_frame(viewer="SV001")


def test_pickling(sample: gridgov.Model) -> None:
    eng = busy_engine(sample)
    back = pickle.loads(pickle.dumps(eng, protocol=pickle.HIGHEST_PROTOCOL))
    assert isinstance(back, Engine) and back == eng
    assert back.events(viewer="AC01") == eng.events(viewer="AC01")  # contact data kept
    assert back.model.to_json() == sample.to_json()
    core = pickle.loads(pickle.dumps(eng._core))
    assert core == eng._core
    for value in (eng.case(2), eng.sweep(datetime(2025, 11, 4, 18, 0)), Citizen("c-1")):
        assert pickle.loads(pickle.dumps(value)) == value


def test_exceptions_pickle_and_hierarchy(eng: Engine) -> None:
    assert issubclass(gridgov.InvalidTransition, gridgov.GridgovError)
    assert not issubclass(gridgov.InvalidTransition, ValueError)
    assert issubclass(gridgov.PermissionDenied, gridgov.GridgovError)
    assert issubclass(gridgov.PermissionDenied, PermissionError)
    for name in ("InvalidTransition", "PermissionDenied", "Engine", "Case", "Escalation", "Citizen"):
        assert name in gridgov.__all__
    case = dispatched(eng, "C0101", MON)
    errors: list[gridgov.GridgovError] = []
    for attempt in (
        lambda: eng.act(case, "close", actor="SL01", at=T, reason="x"),
        lambda: eng.act(case, "close", actor="SV001", at=T, reason="x"),
    ):
        with pytest.raises(gridgov.GridgovError) as info:
            attempt()
        errors.append(info.value)
    for err in errors:
        back = pickle.loads(pickle.dumps(err))
        assert type(back) is type(err) and str(back) == str(err) and back.__dict__ == err.__dict__
    transition, denied = errors
    assert transition.__dict__ == {"case": case, "state": "dispatched", "action": "close", "detail": ""}
    assert denied.__dict__ == {
        "actor": 'worker "SV001"',
        "action": "close",
        "reason": "a supervisor is not allowed to close",
    }
    with pytest.raises(PermissionError):  # the built-in base catches it too
        eng.act(case, "close", actor="SV001", at=T, reason="x")


def test_threads_share_one_engine(sample: gridgov.Model) -> None:
    eng = Engine(sample)

    def work(k: int) -> None:
        # within the 10 working minutes of acceptance: a sweep by one thread never fires an
        # acceptance escalation on a case another thread is about to accept
        for i in range(50):
            t = MON + timedelta(seconds=10 * i)
            case = eng.report(Citizen(f"c-{k}"), category="C0101", grid=GRID, at=t)
            eng.act(case, "accept", actor="AC01", at=t)
            eng.sweep(t)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(eng) == 200 and eng.event_count >= 400
    assert Engine.replay(sample, eng.events()) == eng


def test_repr_len_and_model(sample: gridgov.Model) -> None:
    eng = busy_engine(sample)
    assert len(eng) == 2 and eng.model is sample
    assert "2 cases" in repr(eng) and "2 cases" in repr(eng._core)
    with pytest.raises(TypeError):
        Engine("sample")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        hash(eng)


def test_audit_chain(sample: gridgov.Model) -> None:
    eng = busy_engine(sample)
    head = eng.verify()
    assert head["events"] == eng.event_count and len(head["head"]) == 64
    text = eng.events_jsonl()
    assert gridgov.verify_events(text) == head
    assert gridgov.verify_events(eng.events()) == head
    assert gridgov.verify_events(eng.events_jsonl(viewer="AC01")) == head
    lines = text.splitlines()
    tampered = "\n".join(lines[:2] + [lines[2].replace('"seq":3', '"seq":3,"x":1')] + lines[3:])
    with pytest.raises(gridgov.ValidationError, match="line 3"):
        gridgov.verify_events(tampered)
    del lines[4]
    with pytest.raises(gridgov.ValidationError, match="line 5"):
        gridgov.verify_events("\n".join(lines))
    with pytest.raises(gridgov.ValidationError, match="line 5"):
        gridgov.Engine.replay(sample, "\n".join(lines))
    assert gridgov.Engine.replay(sample, text) == gridgov.Engine.replay(sample, eng.events())


def test_replay_verifies_the_chain_unless_asked_not_to(sample: gridgov.Model) -> None:
    eng = busy_engine(sample)
    assert Engine.replay(sample, eng.events_jsonl(viewer="AC01")) == eng
    # hashes stripped, then a reason edited: refused at the first line, naming the hash
    plain = [{k: v for k, v in e.items() if k != "hash"} for e in eng.events()]
    edited = [dict(e) for e in plain]
    (i,) = [n for n, e in enumerate(edited) if "reason" in e][:1]
    edited[i]["reason"] = "nobody saw this"
    with pytest.raises(gridgov.ValidationError, match=r"line 1 \(seq 1\).*no \"hash\" member"):
        Engine.replay(sample, edited)
    # one hashed line among hashed ones losing its hash is refused too, naming it
    hashed = eng.events()
    del hashed[2]["hash"]
    with pytest.raises(gridgov.ValidationError, match=r"line 3"):
        Engine.replay(sample, hashed)
    # asked for explicitly, the unverified replay takes the edited log: what it gives up
    forged = Engine.replay(sample, edited, verify=False)
    assert forged != eng and "nobody saw this" in forged.events_jsonl()
    assert Engine.replay(sample, plain, verify=False).events() == eng.events()
