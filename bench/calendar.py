"""Working-time arithmetic, side by side: gridgov vs NumPy busday, pandas CustomBusinessHour and
chinese_calendar, on the same seeded random instants (the bar: at least NumPy ``busday_offset``'s rate).

    .venv/bin/python bench/calendar.py [--n 1000000]

Prints a markdown table (elements/s, ratio vs NumPy ``busday_offset``) and an agreement check of
gridgov's results against an independent minute-level reference built on ``chinese_calendar``.
What each tool computes differs, and the table says how:

* gridgov ``add_working_many``: minute-precise working time (08:00-12:00, 14:00-18:00, UTC+8)
  with 调休 make-up days, on ``datetime64[ms]`` UTC instants, GIL released.
* NumPy ``busday_offset``: whole days only. China's 调休 needs a trick: weekmask
  ``"1111111"`` and every non-working date of 2024-2026 given as a holiday.
* pandas ``CustomBusinessHour`` (two windows a day): whole hours only, and it cannot make a
  weekend day a workday (no 调休). Per-element Python; timed on a subsample and extrapolated.
* ``chinese_calendar.find_workday``: whole days only; per-element Python; timed on a subsample.
"""

from __future__ import annotations

import os
import sys

# This file is named like the standard library's `calendar` module, which pandas and datetime
# parsing import: run as a script, its own folder must not shadow the standard library.
if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]

import argparse  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import date, datetime, timedelta, timezone  # noqa: E402
from typing import Any  # noqa: E402

import chinese_calendar  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import gridgov  # noqa: E402

CST = timezone(timedelta(hours=8))
SEED = 20240202
WINDOWS = ((8 * 60, 12 * 60), (14 * 60, 18 * 60))


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Fastest wall time of `repeat` runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def data(n: int) -> tuple[np.ndarray, np.ndarray]:
    """n seeded instants (datetime64[ms], UTC) from 2024-01-01 to 2026-11-30 local, so that a
    40-working-hour offset stays inside the covered years, and working minutes 0-2400."""
    rng = np.random.default_rng(SEED)
    lo = np.datetime64("2023-12-31T16:00", "ms").astype(np.int64)
    hi = np.datetime64("2026-11-30T16:00", "ms").astype(np.int64)
    starts = rng.integers(lo, hi, size=n, dtype=np.int64).view("datetime64[ms]")
    minutes = rng.integers(0, 2401, size=n, dtype=np.int64)
    return starts, minutes


def non_working_dates() -> np.ndarray:
    days = np.arange(np.datetime64("2024-01-01"), np.datetime64("2027-01-01"))
    off = [d for d in days.astype(date) if not chinese_calendar.is_workday(d)]
    return np.array(off, dtype="datetime64[D]")


def reference_add(start: datetime, minutes: int) -> datetime:
    """Minute-level reference on chinese_calendar: walk the windows day by day (naive CST)."""
    if minutes == 0:
        return start
    remaining = timedelta(minutes=minutes)
    day = start.date()
    while True:
        if chinese_calendar.is_workday(day):
            midnight = datetime.combine(day, datetime.min.time())
            for a, b in WINDOWS:
                lo = max(midnight + timedelta(minutes=a), start)
                hi = midnight + timedelta(minutes=b)
                if lo >= hi:
                    continue
                if remaining <= hi - lo:
                    return lo + remaining
                remaining -= hi - lo
        day += timedelta(days=1)


def local_naive(t: np.datetime64) -> datetime:
    ms = int(t.astype(np.int64))
    return (datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=ms)).astimezone(CST).replace(tzinfo=None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="instants (default 10^6)")
    parser.add_argument("--pandas-n", type=int, default=10_000, help="pandas subsample (default 10^4)")
    parser.add_argument("--cc-n", type=int, default=5_000, help="chinese_calendar subsample (default 5000)")
    parser.add_argument("--check-n", type=int, default=20_000, help="agreement-check subsample")
    args = parser.parse_args()
    n = args.n

    cal = gridgov.Calendar.china()
    starts, minutes = data(n)
    holidays = non_working_dates()
    bdc = np.busdaycalendar(weekmask="1111111", holidays=holidays)
    local_days = (starts + np.timedelta64(8, "h")).astype("datetime64[D]")
    day_offsets = minutes // 480
    ends = starts[::-1].copy()

    rows: list[tuple[str, str, int, float, bool]] = []  # name, computes, timed n, seconds, extrapolated

    t, ours = best_of(lambda: cal.add_working_many(starts, minutes, local=False), 5)
    rows.append(("gridgov `add_working_many`", "minutes, 2 windows/day, 调休", n, t, False))
    t_np, busday = best_of(lambda: np.busday_offset(local_days, day_offsets, roll="forward", busdaycal=bdc), 5)
    rows.append(("NumPy `busday_offset` (7-day mask + holidays)", "whole days, 调休 by trick", n, t_np, False))

    # pandas CustomBusinessHour: whole hours, weekdays only, per-element.
    sub = min(args.pandas_n, n)
    cbh = {
        h: pd.offsets.CustomBusinessHour(
            n=h, start=["08:00", "14:00"], end=["12:00", "18:00"], holidays=list(holidays.astype(date))
        )
        for h in range(0, 41)
    }
    stamps = [pd.Timestamp(local_naive(s)) for s in starts[:sub]]
    hours = (minutes[:sub] // 60).tolist()

    def pandas_run() -> list[pd.Timestamp]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return [s + cbh[h] if h else s for s, h in zip(stamps, hours)]

    t_pd, _ = best_of(pandas_run, 1)
    rows.append(("pandas `CustomBusinessHour` (+ holidays)", "whole hours, no 调休", sub, t_pd, True))

    # chinese_calendar.find_workday: whole days, per-element.
    sub_cc = min(args.cc_n, n)
    cc_days = local_days[:sub_cc].astype(date).tolist()
    cc_off = day_offsets[:sub_cc].tolist()
    t_cc, _ = best_of(lambda: [chinese_calendar.find_workday(k, d) for k, d in zip(cc_off, cc_days)], 1)
    rows.append(("`chinese_calendar.find_workday`", "whole days, 调休", sub_cc, t_cc, True))

    # Other bulk operations against their NumPy day-level counterparts.
    t_wb, _ = best_of(lambda: cal.working_between_many(starts, ends, local=False), 5)
    t_cnt, _ = best_of(
        lambda: np.busday_count(local_days, (ends + np.timedelta64(8, "h")).astype("datetime64[D]"), busdaycal=bdc), 5
    )
    t_iw, _ = best_of(lambda: cal.is_workday_many(starts, local=False), 5)
    t_ib, _ = best_of(lambda: np.is_busday(local_days, busdaycal=bdc), 5)

    np_rate = n / t_np
    print(f"## Working-time arithmetic on {n:,} instants (2024-2026, 0-2400 working minutes)\n")
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, NumPy {np.__version__}, "
          f"pandas {pd.__version__}, chinese_calendar {chinese_calendar.__version__}, gridgov {gridgov.__version__}\n")
    print("| tool | computes | timed on | time | elements/s | vs NumPy |")
    print("|---|---|---:|---:|---:|---:|")
    for name, computes, timed, secs, extrapolated in rows:
        rate = timed / secs
        shown = f"{secs:.3f} s" + (f" (≈{secs * n / timed:.0f} s for {n:,}, extrapolated)" if extrapolated else "")
        print(f"| {name} | {computes} | {timed:,} | {shown} | {rate:,.0f} | {rate / np_rate:.3g}× |")
    print()
    print("| other bulk operation | gridgov elements/s | NumPy day-level counterpart | NumPy elements/s | ratio |")
    print("|---|---:|---|---:|---:|")
    print(f"| `working_between_many` | {n / t_wb:,.0f} | `busday_count` | {n / t_cnt:,.0f} | {t_cnt / t_wb:.2f}× |")
    print(f"| `is_workday_many` | {n / t_iw:,.0f} | `is_busday` | {n / t_ib:,.0f} | {t_ib / t_iw:.2f}× |")

    # Agreement: gridgov vs the minute-level chinese_calendar reference, and day-level sanity.
    k = min(args.check_n, n)
    idx = np.random.default_rng(SEED + 1).choice(n, size=k, replace=False)
    mismatches = 0
    for i in idx:
        expected = reference_add(local_naive(starts[i]), int(minutes[i]))
        if local_naive(ours[i]) != expected:
            mismatches += 1
    on_workdays = all(
        chinese_calendar.is_workday(local_naive(ours[i]).date()) for i in idx if minutes[i] > 0
    )
    # busday_offset's day must be a workday on the same calendar (the 调休 trick works).
    busday_ok = all(chinese_calendar.is_workday(d) for d in busday[idx].astype(date) if d.year <= 2026)
    print()
    print(f"Agreement on a {k:,}-element subsample: gridgov vs a minute-level reference walking "
          f"chinese_calendar workdays: {k - mismatches:,}/{k:,} identical; every positive-duration result on a "
          f"chinese_calendar workday: {on_workdays}; NumPy busday_offset days all workdays: {busday_ok}.")
    if mismatches or not on_workdays:
        raise SystemExit("gridgov disagrees with the reference")


if __name__ == "__main__":
    main()
