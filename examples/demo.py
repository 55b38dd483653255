"""The Python half of `make demo`: the built-in sample city, seen by an analyst.

Loads 清河市 (fictional), prints its sizes, checks its responsibility matrix (and a broken copy
of it), routes a few cases and computes a few deadlines on the China working calendar.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

import gridgov

WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def when(t: datetime) -> str:
    return f"{WEEKDAYS[t.weekday()]} {t:%Y-%m-%d %H:%M}"


def show_check(title: str, report: gridgov.CheckReport) -> None:
    verdict = "clean" if report.is_clean else "NOT clean"
    print(f"{title}: {verdict}")
    print(
        f"  {report.categories} categories x {report.grids} grids = {report.cells:,} cells; "
        f"{report.gap_cells:,} gap cells in {len(report.gaps)} gaps, "
        f"{report.conflict_cells:,} conflict cells in {len(report.conflicts)} conflicts, "
        f"{report.fallback_cells:,} cells left to the street office (属地兜底)"
    )
    for gap in report.gaps[:3]:
        print(f"  gap      {gap.category}: no unit in {', '.join(gap.areas)} ({gap.grids} grids)")
    for c in report.conflicts[:3]:
        print(f"  conflict {c.category}: rules {list(c.rules)} name {' and '.join(c.units)} ({c.grids} grids)")


def main() -> None:
    model = gridgov.Model.sample()
    s = model.summary()
    print(f"gridgov {gridgov.__version__} — {s['name']}, model version {s['version']}")
    print("  areas:   " + ", ".join(f"{n} {level}" for level, n in s["areas_per_level"].items()))
    print(f"  people:  {s['population']:,} residents in {s['households']:,} households")
    print(f"  units:   {s['units']}; workers: " + ", ".join(f"{n} {r}" for r, n in s["workers_per_role"].items()))
    print(f"  catalog: {s['categories']} leaf categories; duty rules: {s['duty_rules']}; "
          f"calendar: {s['calendar']} {s['calendar_years'][0]}-{s['calendar_years'][1]}")
    print()

    show_check("Responsibility matrix", model.check())
    # An analyst's what-if: drop the city-wide rule for C01 (公用设施) and the 属地兜底 fallback,
    # and give the West district's sanitation rule a rival.
    broken = model.to_dict()
    broken["duty_fallback"] = "none"
    broken["duty"] = [r for r in broken["duty"] if r["category"] != "C01"]
    broken["duty"].append({"category": "E01", "area": "379902", "unit": "ENFORCE"})
    show_check("Same city without the C01 rule, no fallback, a second E01 rule in 西山区", gridgov.Model.from_dict(broken).check())
    print()

    print("Routing (who is responsible):")
    names = {u.id: u.name for u in model.units()}
    for category, grid in [("C0101", "37990100100101"), ("C0103", "37990100100101"), ("E0102", "37990100100101"),
                           ("E0102", "37990200100101"), ("E0101", "37990200100101")]:
        unit, rule = model.route_detail(category, grid)
        cat = model.category(category)
        why = f"duty rule {rule}" if rule is not None else "属地兜底 fallback"
        print(f"  {category} {cat.name:<6} in grid {grid} -> {unit:<8} {names[unit]} ({why}); "
              f"escalates via {' -> '.join(model.escalation_chain(unit)[1:])}")
    try:
        model.route("C0101", "37990100100199")
    except gridgov.UnknownError as e:
        print(f"  C0101 in grid 37990100100199 -> {type(e).__name__}: {e}")
    print()

    print("Deadlines on the China working calendar (08:00-12:00, 14:00-18:00, 调休 included):")
    cases = [
        ("C0101", datetime(2025, 9, 30, 16, 0), "eve of the 2025 National Day break"),
        ("E0102", datetime(2026, 2, 14, 17, 30), "调休 Saturday before the Spring Festival break"),
        ("E0102", datetime(2026, 2, 16, 17, 30), "除夕, inside the break"),
        ("E0101", datetime(2024, 2, 2, 16, 0), "Friday before a 调休 Sunday"),
    ]
    for category, start, note in cases:
        for urgency in model.urgencies:
            due = model.deadline(category, start, urgency)
            limit = model.limit(category, urgency)
            print(f"  {category} {urgency:<6} reported {when(start)} ({note}): limit {limit:<16} due {when(due)}")
    print()

    cal = model.calendar
    reports = np.array(["2024-02-02T16:00", "2025-09-30T16:00", "2026-02-14T17:30"], dtype="datetime64[m]")
    dues = cal.add_working_many(reports, np.array([180, 960, 240]), local=True)
    print("Bulk, NumPy in and out (local wall times):")
    for r, d in zip(reports, dues):
        print(f"  {r} + working time -> {d.astype('datetime64[m]')}")
    worked = cal.working_between(datetime(2025, 9, 30, 16, 0), datetime(2025, 10, 10, 16, 0))
    print(f"  working time between Tue 2025-09-30 16:00 and Fri 2025-10-10 16:00: {worked / timedelta(hours=1):g} h")
    try:
        cal.is_workday(datetime(2027, 1, 4))
    except gridgov.CalendarRangeError as e:
        print(f"  2027-01-04 -> {type(e).__name__}: {e}")


if __name__ == "__main__":
    main()
