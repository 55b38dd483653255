"""One conversion of instants for every entry point (gridgov._convert): each kind of value —
date, naive and aware datetime, pandas Timestamp, numpy.datetime64, int epoch ms, arrays,
DatetimeIndex, Series, text — means the same instant at the calendar, the engine and scoring,
and the same values are refused everywhere. Naive means the calendar's zone, in every form."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import numpy as np
import pandas as pd
import pytest

import gridgov
from gridgov import _convert

from conftest import CST

UTC = timezone.utc
MON_9 = datetime(2025, 11, 3, 9, 0)  # a Monday, 09:00 in Beijing
MON_9_MS = 1762131600000  # ... as epoch ms: 01:00 UTC
MON_0_MS = MON_9_MS - 9 * 3_600_000  # local midnight of that Monday: 16:00 UTC on Sunday
GRID = "37990100100101"

#: The same instant, 2025-11-03 09:00 in Beijing, in every form an instant may take.
SAME_INSTANT: dict[str, object] = {
    "naive datetime": MON_9,
    "aware datetime (UTC+8)": MON_9.replace(tzinfo=CST),
    "aware datetime (UTC)": datetime(2025, 11, 3, 1, 0, tzinfo=UTC),
    "naive pandas.Timestamp": pd.Timestamp("2025-11-03 09:00"),
    "aware pandas.Timestamp": pd.Timestamp("2025-11-03 09:00", tz="Asia/Shanghai"),
    # NumPy has no zone: a datetime64 is naive, so wall-clock time in the calendar's zone.
    "datetime64[ms]": np.datetime64("2025-11-03T09:00", "ms"),
    "datetime64[ns]": np.datetime64("2025-11-03T09:00:00.000000999", "ns"),  # floored
    "datetime64[s]": np.datetime64("2025-11-03T09:00:00", "s"),
    "datetime64[h]": np.datetime64("2025-11-03T09", "h"),
    "int epoch ms": MON_9_MS,
    "numpy.int64 epoch ms": np.int64(MON_9_MS),
}

#: The same date, 2025-11-03: its local midnight.
SAME_DAY: dict[str, object] = {
    "date": date(2025, 11, 3),
    "datetime64[D]": np.datetime64("2025-11-03"),
    "naive midnight": datetime(2025, 11, 3),
}

#: Values refused everywhere: (value, exception).
REFUSED: dict[str, tuple[object, type[Exception]]] = {
    "numpy NaT": (np.datetime64("NaT"), gridgov.ValidationError),
    "pandas NaT": (pd.NaT, gridgov.ValidationError),
    "int above int64": (2**63, gridgov.ValidationError),
    "i64::MIN (NaT)": (-(2**63), gridgov.ValidationError),
    "bool": (True, TypeError),
    "text": ("2025-11-03 09:00", TypeError),
    "float": (float(MON_9_MS), TypeError),
}

BERLIN = pytest.importorskip("zoneinfo").ZoneInfo("Europe/Berlin")


@pytest.fixture(scope="module")
def zone(sample: gridgov.Model) -> timezone:
    return sample.calendar.tzinfo


# -- the conversion itself ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(SAME_INSTANT))
def test_every_kind_is_the_same_instant(zone: timezone, kind: str) -> None:
    assert _convert.instant_ms(SAME_INSTANT[kind], "at", zone) == MON_9_MS


def test_zoneinfo(zone: timezone) -> None:
    assert _convert.instant_ms(datetime(2025, 11, 3, 2, 0, tzinfo=BERLIN), "at", zone) == MON_9_MS


@pytest.mark.parametrize("kind", list(SAME_DAY))
def test_a_date_is_its_local_midnight(zone: timezone, kind: str) -> None:
    assert _convert.instant_ms(SAME_DAY[kind], "start", zone) == MON_0_MS
    assert _convert.local_date(SAME_DAY[kind], "day", zone) == date(2025, 11, 3)


def test_coarse_datetime64_units_are_dates(zone: timezone) -> None:
    assert _convert.instant_ms(np.datetime64("2025-11"), "start", zone) == _convert.instant_ms(
        date(2025, 11, 1), "start", zone
    )
    assert _convert.instant_ms(np.datetime64("2025"), "start", zone) == _convert.instant_ms(
        date(2025, 1, 1), "start", zone
    )


def test_sub_millisecond_parts_are_floored(zone: timezone) -> None:
    before_epoch = np.datetime64(-1, "us")  # 1969-12-31T23:59:59.999999, wall-clock at UTC+8
    assert _convert.instant_ms(before_epoch, "t", zone) == -1 - 8 * 3_600_000
    assert _convert.instant_ms(datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC), "t", zone) == -1


@pytest.mark.parametrize("kind", list(REFUSED))
def test_refusals_name_the_argument(zone: timezone, kind: str) -> None:
    value, exc = REFUSED[kind]
    with pytest.raises(exc, match="at") as info:
        _convert.instant_ms(value, "at", zone)
    if isinstance(info.value, gridgov.ValidationError):
        assert info.value.what == "at"
        assert info.value.value in ("NaT", str(value))


def test_out_of_range_datetime64(zone: timezone) -> None:
    with pytest.raises(gridgov.ValidationError) as info:
        _convert.instant_ms(np.datetime64(2**62, "s"), "now", zone)
    assert info.value.what == "now" and "out of range" in info.value.reason


def test_entry_points_can_refuse_dates_or_integers(zone: timezone) -> None:
    for day in SAME_DAY.values():
        if not isinstance(day, datetime):
            with pytest.raises(TypeError, match="start"):
                _convert.instant_ms(day, "start", zone, dates=False)
    with pytest.raises(TypeError, match="start"):
        _convert.instant_ms(MON_9_MS, "start", zone, integers=False)


def test_results_follow_the_style_of_the_input(zone: timezone) -> None:
    assert _convert.to_datetime(MON_9_MS, MON_9, zone) == MON_9
    aware = _convert.to_datetime(MON_9_MS, datetime(2025, 1, 1, tzinfo=BERLIN), zone)
    assert aware.tzinfo is BERLIN and aware == MON_9.replace(tzinfo=CST)
    for like in (None, MON_9_MS, np.datetime64(MON_9_MS, "ms"), date(2025, 11, 3)):
        assert _convert.to_datetime(MON_9_MS, like, zone) == MON_9  # naive local


# -- the calendar -------------------------------------------------------------------------------


def is_local(result: datetime, wall: datetime, like: object) -> bool:
    """Whether ``result`` is the local wall-clock time ``wall``, in the style of the input
    ``like``: aware in its zone when it is an aware datetime, naive (local) otherwise."""
    zone = getattr(like, "tzinfo", None) if isinstance(like, datetime) else None
    if zone is None:
        return result.tzinfo is None and result == wall
    return result.tzinfo is zone and result == wall.replace(tzinfo=CST)


@pytest.mark.parametrize("kind", list(SAME_INSTANT))
def test_calendar_scalar_operations(cal: gridgov.Calendar, kind: str) -> None:
    t: Any = SAME_INSTANT[kind]
    assert cal.working_between(t, datetime(2025, 11, 3, 10, 0)) == timedelta(hours=1)
    assert is_local(cal.add_working(t, timedelta(hours=4)), datetime(2025, 11, 3, 15, 0), t)
    assert is_local(cal.next_working(t), MON_9, t)
    assert is_local(cal.add_limit(t, "2 hours"), datetime(2025, 11, 3, 11, 0), t)
    assert cal.is_workday(t) is True


@pytest.mark.parametrize("kind", list(SAME_DAY))
def test_calendar_days(cal: gridgov.Calendar, kind: str) -> None:
    day = SAME_DAY[kind]
    assert cal.is_workday(day) is True  # type: ignore[arg-type]
    assert cal.working_minutes(day) == 480  # type: ignore[arg-type]
    assert cal.windows(day) == [(480, 720), (840, 1080)]  # type: ignore[arg-type]


def test_calendar_arithmetic_takes_instants_not_dates(cal: gridgov.Calendar) -> None:
    # tests/python/test_calendar.py pins the TypeError for a date at add_working.
    for day in (date(2025, 11, 3), np.datetime64("2025-11-03")):
        with pytest.raises(TypeError, match="start"):
            cal.add_working(day, timedelta(hours=1))  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="t"):
            cal.next_working(day)  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", list(REFUSED))
def test_calendar_refusals(cal: gridgov.Calendar, kind: str) -> None:
    value, exc = REFUSED[kind]
    with pytest.raises(exc, match="start"):
        cal.add_working(value, timedelta(hours=1))  # type: ignore[arg-type]
    with pytest.raises(exc, match="day"):
        cal.is_workday(value)  # type: ignore[arg-type]


def test_calendar_bulk_every_array_kind(cal: gridgov.Calendar) -> None:
    local = np.array(["2025-11-03T09:00", "2025-11-03T18:00"], dtype="datetime64[ms]")
    want = cal.add_working_many(local, 240)
    # Naive in, local wall-clock times out: 09:00 + 4 h = 15:00; 18:00 + 4 h = Tuesday 12:00.
    assert want.tolist() == [datetime(2025, 11, 3, 15, 0), datetime(2025, 11, 4, 12, 0)]
    utc = local - np.timedelta64(8, "h")
    idx = pd.DatetimeIndex(["2025-11-03 09:00", "2025-11-03 18:00"]).tz_localize("Asia/Shanghai")
    for values in (
        local.astype("datetime64[ns]"),
        local.astype("datetime64[s]"),
        utc.view(np.int64),  # integers are epoch ms, UTC
        list(utc.view(np.int64)),
        pd.DatetimeIndex(local),  # naive: local, as everywhere
        pd.Series(local),
        idx,
        pd.Series(idx),
        idx.tz_convert("UTC"),
        ["2025-11-03 09:00:00", "2025-11-03 18:00"],  # text, as the CSV reader takes it
        np.array(["2025/11/3 9:00", "2025-11-03T10:00:00Z"]),  # one column, two zones
        pd.Series(["2025-11-03", "2025-11-03 18:00"]).where([False, True], datetime(2025, 11, 3, 9)),
        [datetime(2025, 11, 3, 1, tzinfo=UTC), pd.Timestamp("2025-11-03 18:00")],  # mixed objects
    ):
        np.testing.assert_array_equal(cal.add_working_many(values, 240), want)
    # UTC arrays, asked for as UTC: UTC results.
    np.testing.assert_array_equal(cal.add_working_many(utc, 240, local=False), want - np.timedelta64(8, "h"))
    days = np.array(["2025-11-03", "2025-11-08"], dtype="datetime64[D]")  # Monday, Saturday
    assert cal.is_workday_many(days).tolist() == [True, False]
    assert cal.is_workday_many(days, local=False).tolist() == [True, False]  # dates stay dates


def test_calendar_bulk_refusals(cal: gridgov.Calendar) -> None:
    nat = np.array(["2025-11-03T01:00", "NaT"], dtype="datetime64[ms]")
    for local in (False, True):
        with pytest.raises(gridgov.ValidationError) as info:
            cal.add_working_many(nat, 5, local=local)
        assert info.value.what == "starts[1]"
    with pytest.raises(gridgov.ValidationError, match="dtype"):
        cal.add_working_many(np.array([True, False]), 5)
    with pytest.raises(gridgov.ValidationError) as info:
        cal.add_working_many(["2025-11-03 09:00", "next Monday"], 5)
    assert info.value.what == "starts[1]" and info.value.value == "next Monday"
    with pytest.raises(gridgov.ValidationError) as info:
        cal.add_working_many(["2025-11-03 09:00", None], 5)
    assert info.value.what == "starts[1]" and "NaT" in str(info.value)
    with pytest.raises(gridgov.ValidationError) as info:
        cal.add_working_many([datetime(2025, 11, 3), b"x", 3.5], 5)
    assert info.value.what == "starts[1]"


def test_model_deadline(sample: gridgov.Model) -> None:
    for t in SAME_INSTANT.values():
        assert is_local(sample.deadline("E0102", t), datetime(2025, 11, 3, 15, 0), t)  # type: ignore[arg-type]
    for day in SAME_DAY.values():
        assert sample.deadline("E0102", day) == datetime(2025, 11, 3, 12, 0)  # type: ignore[arg-type]


# -- the engine ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(SAME_INSTANT))
def test_engine_times(sample: gridgov.Model, kind: str) -> None:
    t: Any = SAME_INSTANT[kind]
    eng = gridgov.Engine(sample)
    case = eng.report("SV001", category="E0102", grid=GRID, at=t)
    eng.act(case, "accept", actor="AC01", at=t)
    assert eng.case(case).reported_at == MON_9
    assert is_local(eng.case(case, now=t).last_at, MON_9, t)
    assert eng.light(case, t) == eng.light(case, MON_9)
    assert [e["at"] for e in eng.events()] == [MON_9_MS, MON_9_MS]


@pytest.mark.parametrize("kind", list(SAME_DAY))
def test_engine_dates(sample: gridgov.Model, kind: str) -> None:
    eng = gridgov.Engine(sample)
    case = eng.report("SV001", category="E0102", grid=GRID, at=SAME_DAY[kind])  # type: ignore[arg-type]
    assert eng.case(case).reported_at == datetime(2025, 11, 3)
    assert eng.events()[0]["at"] == MON_0_MS


@pytest.mark.parametrize("kind", list(REFUSED))
def test_engine_refusals(sample: gridgov.Model, kind: str) -> None:
    value, exc = REFUSED[kind]
    eng = gridgov.Engine(sample)
    with pytest.raises(exc, match="at"):
        eng.report("SV001", category="E0102", grid=GRID, at=value)  # type: ignore[arg-type]
    with pytest.raises(exc, match="now"):
        eng.sweep(value)  # type: ignore[arg-type]
    assert len(eng) == 0


# -- scoring ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine(sample: gridgov.Model) -> gridgov.Engine:
    eng = gridgov.Engine(sample)
    for hour in (9, 10, 15):
        t = datetime(2025, 11, 3, hour, 0)
        case = eng.report("SV001", category="E0102", grid=GRID, at=t)
        eng.act(case, "accept", actor="AC01", at=t)
        eng.act(case, "file", actor="SL01", at=t)
        eng.act(case, "dispatch", actor="DP01", at=t)
    return eng


def test_score_bounds_in_every_form(sample: gridgov.Model, engine: gridgov.Engine) -> None:
    as_of = datetime(2025, 11, 4, 9, 0)
    want = gridgov.score(sample, engine, datetime(2025, 11, 3), datetime(2025, 11, 3, 12, 0), as_of=as_of)
    assert want.departments()["due"].sum() == 2  # the cases of 09:00 and 10:00
    ends = [
        datetime(2025, 11, 3, 12, 0),
        datetime(2025, 11, 3, 4, 0, tzinfo=UTC),
        pd.Timestamp("2025-11-03 12:00"),
        np.datetime64("2025-11-03T12:00", "ms"),
        MON_9_MS + 3 * 3_600_000,
    ]
    for start in SAME_DAY.values():
        for end in ends:
            card = gridgov.score(sample, engine, start, end, as_of=as_of)  # type: ignore[arg-type]
            assert card == want, (start, end)
    assert want.period == (datetime(2025, 11, 3), datetime(2025, 11, 3, 12, 0))  # naive local
    hour = 3_600_000
    assert gridgov.score(sample, engine, date(2025, 11, 3), MON_9_MS + 3 * hour, as_of=MON_9_MS + 24 * hour) == want


@pytest.mark.parametrize("kind", list(REFUSED))
def test_score_refusals(sample: gridgov.Model, engine: gridgov.Engine, kind: str) -> None:
    value, exc = REFUSED[kind]
    with pytest.raises(exc, match="start"):
        gridgov.score(sample, engine, value, date(2025, 12, 1))  # type: ignore[arg-type]
    with pytest.raises(exc, match="as_of"):
        gridgov.Records(sample, engine.records().to_frame(), as_of=value)  # type: ignore[arg-type]


def test_record_columns_in_every_form(sample: gridgov.Model, engine: gridgov.Engine) -> None:
    frame = engine.records().to_frame()  # instants as datetime64[ms, UTC+08:00]
    want = gridgov.Records(sample, frame).to_frame()
    times = [c for c in frame.columns if str(frame[c].dtype).startswith("datetime64")]
    assert "reported_at" in times

    def rewritten(convert: Any) -> pd.DataFrame:
        out = frame.copy()
        for c in times:
            out[c] = convert(frame[c])
        return out

    assert str(frame["reported_at"].dtype) == "datetime64[ms, UTC+08:00]"
    utc = lambda s: s.dt.tz_convert("UTC")  # noqa: E731
    forms = {
        "aware, another zone": lambda s: s.dt.tz_convert("Asia/Shanghai"),
        "aware, UTC": utc,
        "aware, ns": lambda s: s.dt.as_unit("ns"),
        "naive local": lambda s: s.dt.tz_localize(None),
        "naive local, s": lambda s: s.dt.tz_localize(None).dt.as_unit("s"),
        "int epoch ms": lambda s: utc(s).dt.tz_localize(None).astype("int64").where(s.notna(), _convert.NAT),
        "naive local text": lambda s: s.dt.strftime("%Y-%m-%d %H:%M:%S.%f").where(s.notna(), None),
        "text with Z": lambda s: utc(s).dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ").where(s.notna(), None),
        "text with offsets": lambda s: s.dt.strftime("%Y-%m-%dT%H:%M:%S.%f+08:00").where(s.notna(), None),
        "naive datetime objects": lambda s: s.dt.tz_localize(None).astype(object).where(s.notna(), None),
    }
    for name, convert in forms.items():
        got = gridgov.Records(sample, rewritten(convert)).to_frame()
        pd.testing.assert_frame_equal(got, want, obj=name)
    as_utc = rewritten(lambda s: utc(s).dt.tz_localize(None))
    pd.testing.assert_frame_equal(gridgov.Records(sample, as_utc, local=False).to_frame(), want)


# -- the other entry points ---------------------------------------------------------------------


def test_simulate_and_division_report(sample: gridgov.Model) -> None:
    a = gridgov.simulate(sample, date(2026, 3, 2), days=1, seed=3, reports_per_day=20)
    for start in (np.datetime64("2026-03-02"), datetime(2026, 3, 2), np.datetime64("2026-03-02T00:00", "ms")):
        assert gridgov.simulate(sample, start, days=1, seed=3, reports_per_day=20) == a  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="start"):
        gridgov.simulate(sample, 1772380800000, days=1)  # type: ignore[arg-type]
    want = sample.division_report(a, date(2026, 3, 2), date(2026, 3, 3))
    assert sample.division_report(a, np.datetime64("2026-03-02"), 1772467200000) == want
    with pytest.raises(gridgov.ValidationError, match="end"):
        sample.division_report(a, date(2026, 3, 2), np.datetime64("NaT"))


def test_one_instant_from_text(sample: gridgov.Model) -> None:
    """A command-line date or date-time (_convert.text_instant_ms): read as a CSV field is."""
    parse, zone = sample.calendar._core, sample.calendar.tzinfo
    assert _convert.text_instant_ms("2025-11-03", "--from", parse) == MON_0_MS
    assert _convert.text_instant_ms("2025-11-03T09:00", "--from", parse) == MON_9_MS
    assert _convert.text_instant_ms("2025/11/3 9:00", "--from", parse) == MON_9_MS
    assert _convert.text_instant_ms("2025-11-03T01:00Z", "--from", parse) == MON_9_MS
    assert _convert.text_instant_ms("2025-11-03T09:00", "--from", parse) == _convert.instant_ms(MON_9, "t", zone)
    for text in ("2025-02-29", "2025-13-01", "soon", "", "  "):
        with pytest.raises(gridgov.ValidationError) as caught:
            _convert.text_instant_ms(text, "--to", parse)
        assert caught.value.what == "--to" and caught.value.value == text
    with pytest.raises(TypeError, match="--to"):
        _convert.text_instant_ms(20251103, "--to", parse)  # type: ignore[arg-type]
