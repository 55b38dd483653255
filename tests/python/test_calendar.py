"""Scalar calendar operations: examples, 调休, ranges, naive vs aware datetimes, precision."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import chinese_calendar
import pytest

import gridgov

from conftest import CST

H = timedelta(hours=1)


def test_china_properties(cal: gridgov.Calendar) -> None:
    assert cal.name == "china"
    assert cal.years == (2019, 2026)
    assert cal.utc_offset == timedelta(hours=8)
    assert cal.tzinfo == CST
    assert cal.day_length == timedelta(hours=8)
    assert gridgov.Calendar() == cal
    assert gridgov.Calendar("china") == cal
    assert "china" in repr(cal) and "UTC+08:00" in repr(cal)


def test_tiaoxiu_sunday(cal: gridgov.Calendar) -> None:
    # Fri 2024-02-02 16:00 + 3 working hours: 2 h on Friday, Sunday 2024-02-04 is a make-up workday.
    assert cal.add_working(datetime(2024, 2, 2, 16, 0), 3 * H) == datetime(2024, 2, 4, 9, 0)


def test_evening_report_runs_into_next_morning(cal: gridgov.Calendar) -> None:
    assert cal.add_working(datetime(2025, 3, 3, 17, 30), 4 * H) == datetime(2025, 3, 4, 11, 30)


def test_window_end_and_zero(cal: gridgov.Calendar) -> None:
    assert cal.add_working(datetime(2025, 3, 4, 8, 0), 4 * H) == datetime(2025, 3, 4, 12, 0)
    saturday_night = datetime(2025, 3, 1, 23, 0)
    assert cal.add_working(saturday_night, timedelta(0)) == saturday_night


def test_working_between_and_next(cal: gridgov.Calendar) -> None:
    a, b = datetime(2025, 9, 30, 16, 0), datetime(2025, 10, 10, 16, 0)  # across 国庆 + 中秋
    assert cal.working_between(a, b) == 16 * H
    assert cal.working_between(b, a) == -16 * H
    assert cal.next_working(datetime(2024, 2, 9, 18, 30)) == datetime(2024, 2, 18, 8, 0)
    inside = datetime(2024, 2, 19, 9, 15)
    assert cal.next_working(inside) == inside


def test_add_limit(cal: gridgov.Calendar) -> None:
    start = datetime(2025, 9, 30, 16, 0)
    assert cal.add_limit(start, "2 working_days") == datetime(2025, 10, 10, 16, 0)
    assert cal.add_limit(start, "2 hours") == datetime(2025, 9, 30, 18, 0)
    with pytest.raises(gridgov.ValidationError, match="fortnight"):
        cal.add_limit(start, "1 fortnight")


def test_every_day_matches_chinese_calendar(cal: gridgov.Calendar) -> None:
    # Every day of the eight years, 2020's COVID-19 extension of 春节 included, against the
    # chinesecalendar package (which encodes the same State Council notices).
    day, last = date(2019, 1, 1), date(2026, 12, 31)
    disagreements = []
    count = 0
    while day <= last:
        if cal.is_workday(day) != chinese_calendar.is_workday(day):
            disagreements.append(day)
        count += 1
        day += timedelta(days=1)
    assert count == 2922
    assert disagreements == []


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        (date(2024, 2, 4), True),  # 调休 Sunday
        (date(2024, 2, 12), False),  # 春节 Monday
        (date(2025, 10, 8), False),  # 国庆 + 中秋
        (date(2025, 10, 11), True),  # 调休 Saturday
        (date(2026, 2, 14), True),  # 调休 Saturday before 春节
        (date(2026, 2, 23), False),  # 春节 Monday
        (date(2026, 2, 28), True),  # 调休 Saturday
    ],
)
def test_known_days(cal: gridgov.Calendar, day: date, workday: bool) -> None:
    assert cal.is_workday(day) is workday
    assert cal.working_minutes(day) == (480 if workday else 0)
    assert cal.windows(day) == ([(480, 720), (840, 1080)] if workday else [])


def test_datetime_counts_by_local_date(cal: gridgov.Calendar) -> None:
    # 2024-02-03 20:00 UTC is Sunday 2024-02-04 04:00 in Beijing (a 调休 workday).
    assert cal.is_workday(datetime(2024, 2, 3, 20, 0, tzinfo=timezone.utc)) is True
    # The same wall time, naive, is Saturday 2024-02-03 in the calendar's zone: a day off.
    assert cal.is_workday(datetime(2024, 2, 3, 20, 0)) is False


@pytest.mark.parametrize("day", [date(2018, 12, 31), date(2027, 1, 1), date(1999, 6, 1)])
def test_range_errors(cal: gridgov.Calendar, day: date) -> None:
    with pytest.raises(gridgov.CalendarRangeError) as info:
        cal.is_workday(day)
    err = info.value
    assert err.date == day.isoformat()
    assert (err.first_year, err.last_year) == (2019, 2026)
    assert day.isoformat() in str(err)
    assert isinstance(err, ValueError)


def test_range_error_when_result_runs_off_the_end(cal: gridgov.Calendar) -> None:
    with pytest.raises(gridgov.CalendarRangeError):
        cal.add_working(datetime(2026, 12, 31, 9, 0), 40 * H)
    with pytest.raises(gridgov.CalendarRangeError):
        cal.next_working(datetime(2027, 1, 4, 9, 0))


def test_naive_in_naive_out_aware_in_aware_out(cal: gridgov.Calendar) -> None:
    naive = datetime(2024, 2, 2, 16, 0)
    aware_cst = naive.replace(tzinfo=CST)
    aware_utc = aware_cst.astimezone(timezone.utc)  # 08:00Z
    r_naive = cal.add_working(naive, 3 * H)
    r_cst = cal.add_working(aware_cst, 3 * H)
    r_utc = cal.add_working(aware_utc, 3 * H)
    assert r_naive.tzinfo is None
    assert r_cst.tzinfo is CST
    assert r_utc.tzinfo is timezone.utc
    assert r_utc == datetime(2024, 2, 4, 1, 0, tzinfo=timezone.utc)
    assert r_cst == r_utc
    assert r_naive == r_utc.astimezone(CST).replace(tzinfo=None)


def test_zoneinfo_input_keeps_its_zone(cal: gridgov.Calendar) -> None:
    zoneinfo = pytest.importorskip("zoneinfo")
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    start = datetime(2024, 2, 2, 9, 0, tzinfo=berlin)  # 16:00 in Beijing
    result = cal.add_working(start, 3 * H)
    assert result.tzinfo is berlin
    assert result == datetime(2024, 2, 4, 9, 0, tzinfo=CST)
    assert result.hour == 2  # 09:00 CST = 02:00 CET


def test_naive_and_aware_mix_in_working_between(cal: gridgov.Calendar) -> None:
    a = datetime(2025, 3, 3, 8, 0)  # naive = CST
    b = datetime(2025, 3, 3, 2, 0, tzinfo=timezone.utc)  # 10:00 CST
    assert cal.working_between(a, b) == 2 * H


def test_sub_millisecond_parts_are_floored(cal: gridgov.Calendar) -> None:
    start = datetime(2025, 3, 3, 9, 0, 0, 700)  # 0.7 ms past 09:00
    # start floors to 09:00:00.000, 1.9 ms floors to 1 ms.
    assert cal.add_working(start, timedelta(microseconds=1900)) == datetime(2025, 3, 3, 9, 0, 0, 1000)
    assert cal.working_between(start, start + timedelta(microseconds=200)) == timedelta(0)
    assert cal.working_between(start, start + timedelta(microseconds=300)) == timedelta(milliseconds=1)


def test_bad_arguments(cal: gridgov.Calendar) -> None:
    with pytest.raises(gridgov.ValidationError, match="duration") as info:
        cal.add_working(datetime(2025, 3, 3, 9, 0), -H)
    assert info.value.what == "duration"
    with pytest.raises(TypeError):
        cal.add_working(date(2025, 3, 3), H)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        cal.add_working(datetime(2025, 3, 3, 9, 0), 60)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        cal.is_workday("2025-03-03")  # type: ignore[arg-type]


def test_pandas_timestamps_and_nat(cal: gridgov.Calendar) -> None:
    pd = pytest.importorskip("pandas")
    ts = pd.Timestamp("2024-02-02 16:00:00.000000999")
    assert cal.add_working(ts, 3 * H) == datetime(2024, 2, 4, 9, 0)
    with pytest.raises(gridgov.ValidationError, match="NaT"):
        cal.add_working(pd.NaT, H)


def test_custom_calendars() -> None:
    sz = gridgov.Calendar.from_toml(
        """
        base = "china"
        name = "shenzhen"
        dates = [{ date = "2025-03-03", rule = "off", name = "local closure" }]
        """
    )
    assert sz.name == "shenzhen"
    assert sz.years == (2019, 2026)
    assert sz.is_workday(date(2025, 3, 3)) is False
    assert gridgov.Calendar.china().is_workday(date(2025, 3, 3)) is True
    assert sz != gridgov.Calendar.china()

    spec = {"years": [2025, 2025], "workweek": ["mon", "tue"], "utc_offset": "+01:00"}
    small = gridgov.Calendar.from_dict(spec)
    assert small == gridgov.Calendar(spec) == gridgov.Calendar.from_json(small_json(spec))
    assert small.utc_offset == timedelta(hours=1)
    assert small.is_workday(date(2025, 3, 4)) is True  # Tuesday
    assert small.is_workday(date(2025, 3, 5)) is False  # Wednesday
    assert gridgov.Calendar(small.to_dict()) == small
    with pytest.raises(gridgov.CalendarRangeError):
        small.is_workday(date(2024, 12, 31))


def small_json(spec: dict[str, object]) -> str:
    import json

    return json.dumps(spec)


def test_years_beyond_the_holiday_data_need_their_holidays() -> None:
    # Extending the China calendar to 2027 without 2027's notice would make every 2027
    # holiday a workday: refused, naming the year. Listing the year's holidays is accepted.
    with pytest.raises(gridgov.ModelError) as info:
        gridgov.Calendar.from_dict({"base": "china", "years": [2019, 2027]})
    ((path, message),) = info.value.issues
    assert path == "calendar.years" and "2027" in message and "2019–2026" in message
    with pytest.raises(gridgov.ModelError):
        gridgov.Calendar.from_dict({"base": "china", "years": [2015, 2026]})
    ok = gridgov.Calendar.from_dict(
        {"base": "china", "years": [2024, 2027], "holidays": [{"name": "元旦", "off": ["2027-01-01"]}]}
    )
    assert ok.years == (2024, 2027) and ok.is_workday(date(2027, 1, 1)) is False
    # Narrowing the years needs nothing.
    assert gridgov.Calendar.from_dict({"base": "china", "years": [2024, 2025]}).years == (2024, 2025)


def test_invalid_calendars() -> None:
    with pytest.raises(gridgov.ModelError) as info:
        gridgov.Calendar.from_dict({"years": [2025, 2025], "workday": ["08:00-12:00", "11:00-13:00"]})
    assert [path for path, _ in info.value.issues] == ["calendar.workday[1]"]
    with pytest.raises(gridgov.ParseError) as perr:
        gridgov.Calendar.from_toml("years = [2025,")
    assert perr.value.format == "TOML"
    with pytest.raises(gridgov.ParseError):
        gridgov.Calendar.from_json("{")
    with pytest.raises(gridgov.GridgovError, match="mars"):
        gridgov.Calendar("mars")
