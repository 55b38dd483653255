"""Bulk calendar operations over NumPy arrays: agreement with the scalar API, dtypes, units,
local wall times, shapes, and errors naming the element."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar
import numpy as np
import pytest

import gridgov

from conftest import CST, random_instants, to_utc_datetime

N = 3000


@pytest.fixture(scope="module")
def starts() -> np.ndarray:
    return random_instants(N, seed=7)


@pytest.fixture(scope="module")
def minutes() -> np.ndarray:
    return np.random.default_rng(8).integers(0, 2401, size=N, dtype=np.int64)


def test_add_working_many_equals_scalar(cal: gridgov.Calendar, starts: np.ndarray, minutes: np.ndarray) -> None:
    out = cal.add_working_many(starts, minutes, local=False)
    assert out.dtype == np.dtype("datetime64[ms]")
    assert out.shape == (N,)
    for i in range(N):
        expected = cal.add_working(to_utc_datetime(starts[i]), timedelta(minutes=int(minutes[i])))
        assert to_utc_datetime(out[i]) == expected, i


def test_working_between_many_equals_scalar(cal: gridgov.Calendar, starts: np.ndarray) -> None:
    ends = random_instants(N, seed=9)
    out = cal.working_between_many(starts, ends, local=False)
    assert out.dtype == np.dtype("timedelta64[ms]")
    for i in range(0, N, 7):
        expected = cal.working_between(to_utc_datetime(starts[i]), to_utc_datetime(ends[i]))
        assert out[i].astype(np.int64) == expected // timedelta(milliseconds=1), i
    assert (out < np.timedelta64(0, "ms")).any()  # some pairs run backwards


def test_next_working_and_is_workday_many_equal_scalar(cal: gridgov.Calendar, starts: np.ndarray) -> None:
    nxt = cal.next_working_many(starts, local=False)
    work = cal.is_workday_many(starts, local=False)
    assert work.dtype == np.bool_
    assert work.any() and not work.all()
    for i in range(0, N, 5):
        t = to_utc_datetime(starts[i])
        assert to_utc_datetime(nxt[i]) == cal.next_working(t), i
        assert bool(work[i]) == cal.is_workday(t), i
        assert bool(work[i]) == chinese_calendar.is_workday(t.astimezone(CST).date()), i


def test_results_are_working_instants(cal: gridgov.Calendar, starts: np.ndarray, minutes: np.ndarray) -> None:
    # Independent check: a positive duration ends on a chinese_calendar workday, inside 08-12/14-18.
    out = cal.add_working_many(starts, minutes, local=False)
    for i in np.flatnonzero(minutes > 0)[:500]:
        local = to_utc_datetime(out[i]).astimezone(CST)
        assert chinese_calendar.is_workday(local.date()), i
        minute = local.hour * 60 + local.minute + (local.second > 0 or local.microsecond > 0) * 0.5
        assert 480 < minute <= 720 or 840 < minute <= 1080, (i, local)


def test_every_day_as_datetime64_days(cal: gridgov.Calendar) -> None:
    days = np.arange(np.datetime64("2024-01-01"), np.datetime64("2027-01-01"))
    work = cal.is_workday_many(days)
    expected = np.array([chinese_calendar.is_workday(d) for d in days.astype(date)])
    assert len(days) == 1096
    np.testing.assert_array_equal(work, expected)


@pytest.mark.parametrize("unit", ["s", "us", "ns"])
def test_any_datetime64_unit_and_int_ms(
    cal: gridgov.Calendar, starts: np.ndarray, minutes: np.ndarray, unit: str
) -> None:
    ref = cal.add_working_many(starts, minutes, local=False)
    whole_seconds = starts.astype("datetime64[s]")
    ref_s = cal.add_working_many(whole_seconds, minutes, local=False)
    np.testing.assert_array_equal(
        cal.add_working_many(whole_seconds.astype(f"datetime64[{unit}]"), minutes, local=False), ref_s
    )
    np.testing.assert_array_equal(cal.add_working_many(starts.view(np.int64), minutes, local=False), ref)
    np.testing.assert_array_equal(
        cal.add_working_many(starts.astype(f"datetime64[{unit}]"), minutes, local=False), ref if unit != "s" else ref_s
    )
    # Naive values are local by default: the same arrays shifted by the zone give the same
    # instants, returned as local wall-clock times.
    np.testing.assert_array_equal(
        cal.add_working_many(starts.astype(f"datetime64[{unit}]") + np.timedelta64(8, "h"), minutes),
        (ref if unit != "s" else ref_s) + np.timedelta64(8, "h"),
    )


def test_sub_millisecond_values_are_floored(cal: gridgov.Calendar) -> None:
    t = np.array(["2025-03-03T01:00:00.000999", "2025-03-03T00:59:59.999001"], dtype="datetime64[us]")
    out = cal.add_working_many(t, np.array([0, 0]))
    np.testing.assert_array_equal(
        out, np.array(["2025-03-03T01:00:00.000", "2025-03-03T00:59:59.999"], dtype="datetime64[ms]")
    )
    d = np.array([1999, 1000], dtype="timedelta64[us]")
    out = cal.add_working_many(np.array(["2025-03-03T01:00"] * 2, dtype="datetime64[ms]"), d)
    np.testing.assert_array_equal(out.astype(np.int64) - out[0].astype(np.int64), [0, 0])


def test_timedelta_durations_and_scalar_broadcast(cal: gridgov.Calendar, starts: np.ndarray) -> None:
    by_minutes = cal.add_working_many(starts, np.full(N, 90))
    np.testing.assert_array_equal(cal.add_working_many(starts, 90), by_minutes)
    np.testing.assert_array_equal(cal.add_working_many(starts, np.timedelta64(90, "m")), by_minutes)
    np.testing.assert_array_equal(cal.add_working_many(starts, np.full(N, 5400, dtype="timedelta64[s]")), by_minutes)


def test_local_wall_times(cal: gridgov.Calendar) -> None:
    # Naive datetime64 values are wall-clock times of the calendar, like a naive datetime.
    local = np.array(["2024-02-02T16:00", "2025-03-03T17:30"], dtype="datetime64[m]")
    out = cal.add_working_many(local, np.array([180, 240]))
    np.testing.assert_array_equal(out, np.array(["2024-02-04T09:00", "2025-03-04T11:30"], dtype="datetime64[ms]"))
    np.testing.assert_array_equal(cal.add_working_many(local, np.array([180, 240]), local=True), out)
    utc = cal.add_working_many(local - np.timedelta64(8, "h"), np.array([180, 240]), local=False)
    np.testing.assert_array_equal(utc + np.timedelta64(8, "h"), out)
    nxt = cal.next_working_many(np.array(["2024-02-09T18:30"], dtype="datetime64[m]"))
    assert nxt[0] == np.datetime64("2024-02-18T08:00")
    # 2024-02-03 20:00 is Saturday locally but Sunday 04:00 when read as UTC.
    t = np.array(["2024-02-03T20:00"], dtype="datetime64[m]")
    assert cal.is_workday_many(t).tolist() == [False]
    assert cal.is_workday_many(t, local=False).tolist() == [True]
    between = cal.working_between_many(
        np.array(["2025-09-30T16:00"], dtype="M8[m]"), np.array(["2025-10-10T16:00"], dtype="M8[m]")
    )
    assert between[0] == np.timedelta64(16, "h")


def test_shapes_are_kept(cal: gridgov.Calendar, starts: np.ndarray, minutes: np.ndarray) -> None:
    grid = starts[:12].reshape(3, 4)
    out = cal.add_working_many(grid, minutes[:12].reshape(3, 4))
    assert out.shape == (3, 4)
    np.testing.assert_array_equal(out.ravel(), cal.add_working_many(starts[:12], minutes[:12]))
    assert cal.is_workday_many(grid).shape == (3, 4)
    assert cal.next_working_many(grid).shape == (3, 4)
    assert cal.add_working_many(np.array([], dtype="datetime64[ms]"), np.array([], dtype=np.int64)).shape == (0,)


def test_pandas_tz_aware_index_is_converted(cal: gridgov.Calendar) -> None:
    pd = pytest.importorskip("pandas")
    idx = pd.DatetimeIndex(["2024-02-02 16:00", "2025-03-03 17:30"]).tz_localize("Asia/Shanghai")
    out = cal.add_working_many(idx, np.array([180, 240]))
    expected = np.array(["2024-02-04T09:00", "2025-03-04T11:30"], dtype="datetime64[ms]")  # local
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(cal.add_working_many(pd.Series(idx), np.array([180, 240])), expected)
    np.testing.assert_array_equal(cal.add_working_many(idx.tz_convert("UTC"), np.array([180, 240])), expected)
    utc = cal.add_working_many(idx, np.array([180, 240]), local=False)  # results in UTC
    np.testing.assert_array_equal(utc, expected - np.timedelta64(8, "h"))


def test_text_and_objects_are_read_like_csv(cal: gridgov.Calendar) -> None:
    want = cal.add_working_many(T3, 5)
    for values in (
        np.array(["2025-03-03 01:00", "2025-03-03T02:00:00", "2025/3/3 3:00"]),
        T3.astype(object),  # datetime objects, naive: local
        ["2025-03-03 01:00", datetime(2025, 3, 3, 2), "2025-03-02T19:00Z"],
    ):
        np.testing.assert_array_equal(cal.add_working_many(values, 5), want)
    assert cal.is_workday_many(np.array(["2025-03-03"] * 3)).tolist() == [True] * 3


# -- errors ---------------------------------------------------------------------------------

T3 = np.array(["2025-03-03T01:00", "2025-03-03T02:00", "2025-03-03T03:00"], dtype="datetime64[ms]")


def test_nat_is_rejected_naming_the_index(cal: gridgov.Calendar) -> None:
    t = T3.copy()
    t[2] = np.datetime64("NaT")
    with pytest.raises(gridgov.ValidationError) as info:
        cal.add_working_many(t, 5)
    assert info.value.what == "starts[2]"
    assert info.value.value == "NaT"
    with pytest.raises(gridgov.ValidationError, match=r"starts\[2\]"):
        cal.add_working_many(t, 5, local=True)
    with pytest.raises(gridgov.ValidationError, match=r"t\[2\]"):
        cal.next_working_many(t)
    with pytest.raises(gridgov.ValidationError, match=r"t\[2\]"):
        cal.is_workday_many(t)
    with pytest.raises(gridgov.ValidationError, match=r"b\[2\]"):
        cal.working_between_many(T3, t)


def test_bad_durations_name_the_index(cal: gridgov.Calendar) -> None:
    with pytest.raises(gridgov.ValidationError) as info:
        cal.add_working_many(T3, np.array([5, 0, -1]))
    assert (info.value.what, info.value.value) == ("minutes[2]", "-1")
    with pytest.raises(gridgov.ValidationError, match=r"minutes\[1\].*NaT"):
        cal.add_working_many(T3, np.array([5, "NaT", 1], dtype="timedelta64[m]"))
    with pytest.raises(gridgov.ValidationError, match=r"minutes\[0\].*overflow"):
        cal.add_working_many(T3, np.array([2**62, 0, 0]))


def test_mismatched_lengths(cal: gridgov.Calendar) -> None:
    with pytest.raises(gridgov.ValidationError, match=r"starts \(3,\), minutes \(2,\)"):
        cal.add_working_many(T3, np.array([1, 2]))
    with pytest.raises(gridgov.ValidationError, match="same length"):
        cal.working_between_many(T3, T3[:2])


@pytest.mark.parametrize(
    ("starts", "minutes", "what"),
    [
        (T3, np.array([1.0, 2.0, 3.0]), "minutes"),
        (T3, np.array(["1", "2", "3"]), "minutes"),
        (T3.astype(np.float64), 5, "starts"),
        (T3.astype(np.uint64), 5, "starts"),
    ],
)
def test_wrong_dtypes(cal: gridgov.Calendar, starts: object, minutes: object, what: str) -> None:
    with pytest.raises(gridgov.ValidationError, match="dtype") as info:
        cal.add_working_many(starts, minutes)  # type: ignore[arg-type]
    assert info.value.what == what


def test_range_errors_name_the_index(cal: gridgov.Calendar) -> None:
    t = np.array(["2025-03-03T01:00", "2027-03-03T01:00"], dtype="datetime64[ms]")
    with pytest.raises(gridgov.CalendarRangeError, match=r"starts\[1\]"):
        cal.add_working_many(t, 5)
    with pytest.raises(gridgov.CalendarRangeError, match=r"t\[1\]"):
        cal.is_workday_many(t)
    near_end = np.array(["2026-12-31T02:00"], dtype="datetime64[ms]")
    with pytest.raises(gridgov.CalendarRangeError):
        cal.add_working_many(near_end, 2400)


def test_datetime64_days_are_local_dates_west_of_utc() -> None:
    # In UTC-05:00, UTC midnight of a date is 19:00 of the day before: dates must not be read so.
    tue_only = gridgov.Calendar.from_dict({"years": [2025, 2025], "workweek": ["tue"], "utc_offset": "-05:00"})
    days = np.arange(np.datetime64("2025-03-03"), np.datetime64("2025-03-10"))  # Mon..Sun
    expected = [False, True, False, False, False, False, False]
    assert tue_only.is_workday_many(days).tolist() == expected
    assert [tue_only.is_workday(d) for d in days.astype(date)] == expected
    as_instants = days.astype("datetime64[ms]") + np.timedelta64(5, "h")  # local midnights, as UTC
    assert tue_only.is_workday_many(as_instants, local=False).tolist() == expected
    as_instants = days.astype("datetime64[ms]")  # UTC midnights: 19:00 local of the day before
    shifted = [False, False, True, False, False, False, False]
    assert tue_only.is_workday_many(as_instants, local=False).tolist() == shifted
