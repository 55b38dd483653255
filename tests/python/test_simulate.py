"""The seeded simulator from Python: determinism, the lifecycle paths and states of a simulated
stretch of the sample city, start as a date or a datetime (naive or aware), bad input."""

from __future__ import annotations

import pickle
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import numpy as np
import pytest

import gridgov
from gridgov._simulate import simulate

from conftest import CST

MAR_2 = date(2026, 3, 2)  # a Monday
MAR_2_MS = 1772380800000  # its local midnight as epoch ms


@pytest.fixture(scope="module")
def fortnight(sample: gridgov.Model) -> gridgov.Engine:
    return simulate(sample, MAR_2, days=14)


def states(eng: gridgov.Engine) -> Counter[str]:
    return Counter(eng.case(i).state for i in range(1, len(eng) + 1))


def actions(eng: gridgov.Engine) -> Counter[str]:
    return Counter(e["action"] for e in eng.events())


def test_same_seed_same_engine(sample: gridgov.Model) -> None:
    a = simulate(sample, MAR_2, days=3, seed=7)
    b = simulate(sample, MAR_2, days=3, seed=7)
    assert a == b
    assert a.events_jsonl() == b.events_jsonl()
    assert simulate(sample, MAR_2, days=3, seed=8) != a
    # a date is its local midnight, like the naive datetime and the aware one
    assert simulate(sample, datetime(2026, 3, 2), days=3, seed=7) == a
    assert simulate(sample, datetime(2026, 3, 1, 16, tzinfo=timezone.utc), days=3, seed=7) == a
    assert simulate(sample, datetime(2026, 3, 2, tzinfo=CST), days=3, seed=7) == a


def test_a_fortnight_goes_through_every_path(fortnight: gridgov.Engine) -> None:
    eng = fortnight
    assert eng.model is not None and eng.denials() == []
    by_state = states(eng)
    n = len(eng)
    assert 1300 < n < 1700  # 10 working days of ~120, 4 days off of ~48
    assert by_state["closed"] > 0.65 * n  # the last days' cases are still open
    for state in ("rejected", "invalid", "voided", "shelved", "handling", "dispatched"):
        assert by_state[state] > 0, (state, by_state)
    by_action = actions(eng)
    for action in (
        "report", "accept", "reject", "verify", "file", "void", "dispatch", "start",
        "request_return", "approve_return", "deny_return", "request_void", "approve_void", "supervise", "reply",
        "callback",
        "request_postpone", "approve_postpone", "deny_postpone", "request_shelve",
        "approve_shelve", "handle", "check", "close", "rate", "reopen", "self_handle",
        "escalate",
    ):
        assert by_action[action] > 0, (action, by_action)
    assert by_action["report"] == n
    # citizens report through the public channels and rate only their own cases
    events = eng.events()
    reporters = {e["case"]: e["actor"] for e in events if e["action"] == "report"}
    public = [e for e in events if e["action"] == "report" and e["source"] != "supervisor"]
    assert 0.3 < len(public) / n < 0.4
    assert all("citizen" in e["actor"] for e in public)
    assert all(e["actor"] == reporters[e["case"]] for e in events if e["action"] == "rate")
    # reworks and returns show in the case counters
    cases = [eng.case(i) for i in range(1, n + 1)]
    assert sum(c.rework_count > 0 for c in cases) > 50
    assert sum(c.return_count > 0 for c in cases) > 10
    assert sum(c.self_handled for c in cases) > 10


def test_history_is_an_ordinary_engine(sample: gridgov.Model, fortnight: gridgov.Engine) -> None:
    eng = fortnight
    assert gridgov.Engine.replay(sample, eng.events_jsonl(viewer="AC01")) == eng
    eng.verify()
    frame = eng.events_frame()
    assert len(frame) == eng.event_count
    # every event inside the window
    start = datetime(2026, 3, 2, tzinfo=CST)
    assert frame["at"].min() >= start
    assert frame["at"].max() <= start + timedelta(days=14)
    copy = pickle.loads(pickle.dumps(eng))
    assert copy == eng


def test_days_off_are_quieter(fortnight: gridgov.Engine) -> None:
    cal = fortnight.model.calendar
    per_day: Counter[date] = Counter()
    for i in range(1, len(fortnight) + 1):
        per_day[fortnight.case(i).reported_at.date()] += 1
    assert len(per_day) == 14
    for day, count in per_day.items():
        if cal.is_workday(day):
            assert 95 <= count <= 145, (day, count)
        else:
            assert 30 <= count <= 60, (day, count)


def test_volume_and_types(sample: gridgov.Model) -> None:
    assert len(simulate(sample, MAR_2, 1, reports_per_day=0)) == 0
    eng = simulate(sample, MAR_2, np.int64(1), seed=np.uint64(3), reports_per_day=np.int32(10))
    assert 5 <= len(eng) <= 15
    assert simulate(sample, MAR_2, 1, seed=2**64 - 1, reports_per_day=10).denials() == []


@pytest.mark.parametrize(
    ("kwargs", "what"),
    [
        ({"days": 0}, "days"),
        ({"days": -1}, "days"),
        ({"days": 3661}, "days"),
        ({"days": 2**70}, "days"),
        ({"reports_per_day": -5}, "reports_per_day"),
        ({"reports_per_day": 100_001}, "reports_per_day"),
        ({"seed": -1}, "seed"),
        ({"seed": 2**64}, "seed"),
    ],
)
def test_bad_numbers(sample: gridgov.Model, kwargs: dict[str, int], what: str) -> None:
    with pytest.raises(gridgov.ValidationError) as err:
        simulate(sample, MAR_2, **kwargs)  # type: ignore[arg-type]
    assert err.value.what == what
    assert what in str(err.value)


def test_outside_the_calendar(sample: gridgov.Model) -> None:
    # the sample calendar covers 2019-2026
    with pytest.raises(gridgov.CalendarRangeError) as err:
        simulate(sample, date(2031, 1, 1), days=3)
    assert err.value.date == "2031-01-01"
    with pytest.raises(gridgov.CalendarRangeError):
        simulate(sample, date(2018, 12, 31), days=3)
    # starts inside, runs past the last covered year
    with pytest.raises(gridgov.CalendarRangeError) as err:
        simulate(sample, date(2026, 12, 20), days=30)
    assert err.value.date.startswith("2027")


def test_bad_types(sample: gridgov.Model) -> None:
    with pytest.raises(TypeError, match="model"):
        simulate("sample", MAR_2)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="start"):
        simulate(sample, MAR_2_MS)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="start"):
        simulate(sample, "2026-03-02")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="days"):
        simulate(sample, MAR_2, 1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="days"):
        simulate(sample, MAR_2, True)
    with pytest.raises(TypeError, match="seed"):
        simulate(sample, MAR_2, 1, seed="x")  # type: ignore[arg-type]
    with pytest.raises(gridgov.ValidationError, match="NaT"):
        import pandas as pd

        simulate(sample, pd.NaT)  # type: ignore[arg-type]


def test_the_compiled_function(sample: gridgov.Model) -> None:
    core = gridgov._gridgov.simulate(sample._core, MAR_2_MS, 1, 1, 10)
    assert isinstance(core, gridgov._gridgov.Engine)
    with pytest.raises(gridgov.ValidationError, match="days"):
        gridgov._gridgov.simulate(sample._core, MAR_2_MS, -1, 1, 10)
    with pytest.raises(gridgov.ValidationError, match="reports_per_day"):
        gridgov._gridgov.simulate(sample._core, MAR_2_MS, 1, 1, 2**40)
