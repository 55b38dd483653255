"""A tour of the API on the built-in sample city, seen by an analyst (`make tour`; `make demo` runs examples/demo.py).

Loads 清河市 (fictional), prints its sizes, checks its responsibility matrix (and a broken copy
of it), routes a few cases and computes a few deadlines on the China working calendar. Then it
simulates February and March 2026 of the city through the case engine, scores both months
(streets, departments, posts), compares March with February and analyses the grid division
under March's load.
"""

from __future__ import annotations

import json
import textwrap
import time
import unicodedata
from collections import Counter
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

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
    broken_check = gridgov.Model.from_dict(broken).check()
    show_check("Same city without the C01 rule, no fallback, a second E01 rule in 西山区", broken_check)
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
    print()

    pd.set_option("display.unicode.east_asian_width", True)  # align 湖滨街道 with ASCII
    month_scored(model)


# -- A month of the city, scored ----------------------------------------------------------------

SEED = 2026
#: Two or three key indicators per table (every indicator is defined in the rustdoc of
#: gridgov::score). Supervisors' valid_report_rate is 100 % throughout in the simulation (the
#: centre voids no supervisor report), so their check punctuality is shown instead.
KEYS = {
    "street": ("filed", "on_time_closure_rate", "satisfaction_rate"),
    "department": ("due", "on_time_rate", "median_handle_hours"),
    "supervisor": ("reports", "missed_rate", "check_on_time_rate"),
    "acceptor": ("accepted", "accept_on_time_rate", "accept_accuracy_rate"),
    "shift_leader": ("filing_decisions", "filing_on_time_rate", "closing_on_time_rate"),
    "dispatcher": ("dispatched", "dispatch_on_time_rate", "dispatch_accuracy_rate"),
}
#: What each table's ranking sample counts.
SAMPLE = {"street": "filed", "department": "due", "supervisor": "reports", "acceptor": "accepted",
          "shift_leader": "filing decisions", "dispatcher": "dispatched"}
WORDS = {"mean_response_hours": "response", "mean_handle_hours": "handling",
         "on_time_closure_rate": "on-time closure", "satisfaction_rate": "satisfaction"}


def fmt(column: str, v: object) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return "-"
    if column.endswith(("_rate", "_share")):
        return f"{v:.1%}"
    if column.endswith("_hours"):
        return f"{v:.2f} h"
    if column == "score":
        return f"{v:.1f}"
    return str(v)


def width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def left(column: pd.Series) -> list[str]:
    """Left-aligns a text column (pandas right-aligns text)."""
    w = max([width(str(v)) for v in column] + [0])
    return [str(v) + " " * (w - width(str(v))) for v in column]


def top_bottom(title: str, table: pd.DataFrame, subject: str, min_sample: int) -> None:
    """The top 3 and bottom 3 by rank (all of them when there are 6 or fewer); subjects below
    the minimum sample are not ranked and are listed after the table."""
    keys = KEYS[subject]
    ranked = table[table["rank"].notna()].sort_values(["rank", "score"], ascending=[True, False], kind="stable")
    rows = ranked if len(ranked) <= 6 else pd.concat([ranked.head(3), ranked.tail(3)])
    shown = pd.DataFrame({c: [fmt(c, v) for v in rows[c]] for c in ("rank", "name", "score", "grade", *keys)},
                         index=rows.index)
    shown["name"] = left(shown["name"])
    if len(ranked) > 6:
        gap = pd.DataFrame({c: ["⋮" if c == "rank" else ""] for c in shown.columns}, index=[""])
        shown = pd.concat([shown.iloc[:3], gap, shown.iloc[3:]])
    which = "all" if len(ranked) <= 6 else "top 3 and bottom 3"
    print(f"{title}: {which} of {len(ranked)} ranked")
    if len(ranked):
        print(shown.to_string(index_names=False, justify="right"))
    unranked = table[table["rank"].isna()]
    if len(unranked):
        listed = ", ".join(f"{i} ({n})" for i, n in unranked["sample"].head(8).items())
        more = f" and {len(unranked) - 8} more" if len(unranked) > 8 else ""
        print(f"  not ranked (fewer than {min_sample} {SAMPLE[subject]}, or no score): {listed}{more}")
    else:
        print(f"  (none has fewer than {min_sample} {SAMPLE[subject]}, the minimum sample: all ranked)")
    print()


def in_words(indicator: str, change: float, pct: float) -> str:
    what = WORDS[indicator]
    if np.isnan(change):
        return "-"
    if indicator.endswith("_hours"):  # lower is better
        return f"{what} {abs(pct):.1f} % {'faster' if pct < 0 else 'slower'}"
    return f"{what} {abs(change):.1f} points {'higher' if change >= 0 else 'lower'}"


def show_compare(before: gridgov.Scorecard, after: gridgov.Scorecard) -> None:
    frames = [gridgov.compare(before, after, level) for level in ("city", "district")]
    c = pd.concat(frames, ignore_index=True)
    shown = pd.DataFrame({
        "area": c["area"] + " " + c["name"],
        "indicator": c["indicator"],
        "February": [fmt(i, v) for i, v in zip(c["indicator"], c["before"])],
        "March": [fmt(i, v) for i, v in zip(c["indicator"], c["after"])],
        "change": [f"{v:+.2f} h" if i.endswith("_hours") else f"{v:+.1f} pt"
                   for i, v in zip(c["indicator"], c["change"])],
        "change %": [f"{v:+.1f} %" for v in c["change_pct"]],
        "in words": [in_words(i, ch, p) for i, ch, p in zip(c["indicator"], c["change"], c["change_pct"])],
    })
    shown.loc[shown["area"].duplicated(), "area"] = ""
    for col in ("area", "indicator", "in words"):
        shown[col] = left(shown[col])
    print(shown.to_string(index=False, justify="left"))


def month_scored(model: gridgov.Model) -> None:
    t0 = time.perf_counter()
    eng = gridgov.simulate(model, date(2026, 2, 2), days=58, seed=SEED)
    t1 = time.perf_counter()
    records = eng.records()
    as_of = records.as_of  # the records' own: one millisecond after the engine's last event
    feb = gridgov.score(model, records, date(2026, 2, 1), date(2026, 3, 1), as_of=as_of)
    mar = gridgov.score(model, records, date(2026, 3, 1), date(2026, 4, 1), as_of=as_of)
    t2 = time.perf_counter()
    print(f"February and March 2026 in the engine: gridgov.simulate from Mon 2026-02-02 for 58 days, seed {SEED}")
    print(f"  {len(eng):,} cases, {eng.event_count:,} events in {(t1 - t0) * 1e3:.0f} ms; "
          f"exported as records and scored in {(t2 - t1) * 1e3:.0f} ms")
    print(f"  February [2026-02-01, 2026-03-01) and March [2026-03-01, 2026-04-01), both as of "
          f"{as_of:%Y-%m-%d %H:%M} (the records' own)")
    end = datetime(2026, 4, 1)  # the end of the simulated window
    lights = Counter(eng.light(case, end) or "none" for case in range(1, len(eng) + 1))
    fired = int((eng.events_frame()["action"] == "escalate").sum())
    print(f"  lights at {when(end)}: {dict(sorted(lights.items()))}; {fired:,} escalations fired in the two months")
    config = json.loads(mar.to_json())["config"]  # the model's [scoring] section, defaults filled in
    limits = {config[k] for k in ("accept_limit", "file_limit", "close_limit")}
    print(f"  ranked with at least {config['min_sample']} cases in the sample; the centre's accept, file and close "
          f"limits: {', '.join(sorted(limits))} (the model's [scoring] section, here the defaults)")
    print()
    min_sample = config["min_sample"]
    top_bottom("Streets, March", mar.areas("street"), "street", min_sample)
    top_bottom("Departments, March", mar.departments(), "department", min_sample)
    for role in ("supervisor", "acceptor", "shift_leader", "dispatcher"):
        top_bottom(f"Posts: {role}, March", mar.posts(role), role, min_sample)

    print("March against February (gridgov.compare; change in hours or percentage points):")
    show_compare(feb, mar)
    city = mar.areas("city").iloc[0]
    print(f"  March as of {as_of:%d %B}: {city['filed']:,} cases filed, {city['due_to_close']:,} due to close "
          f"(应结案数: closed, or past their handling deadline), {city['closed']:,} closed "
          f"({city['closure_rate']:.1%}, {city['on_time_closure_rate']:.1%} on time), "
          f"{city['shelved']:,} on the shelf (挂账数, counted apart)")
    both = gridgov.score(model, records, date(2026, 2, 1), date(2026, 4, 1), as_of=as_of)
    print(f"  February merged with March equals the card of both months at once: {feb.merge(mar) == both}")
    print()

    div = model.division_report(records, date(2026, 3, 1), date(2026, 4, 1))
    s = div.summary
    lo, hi = div.config["households_min"], div.config["households_max"]
    print(f"Grid division under March's load ({s['cases']:,} cases reported in {s['grids']} unit grids):")
    print(f"  {s['households_low'] + s['households_high']} grids outside {lo}-{hi} households "
          f"({s['households_low']} below, {s['households_high']} above)")
    print(f"  cases per supervisor-equivalent: median {s['load_median']:g}, Q1 {s['load_q1']:g}, "
          f"Q3 {s['load_q3']:g}, Tukey fences {s['lower_fence']:g}-{s['upper_fence']:g}: "
          f"{s['load_low']} grids below, {s['load_high']} above")
    grids = div.grids
    for flag in ("load_low", "load_high"):
        out = grids[grids[flag]]
        if len(out):
            listed = ", ".join(f"{code} ({load:g})" for code, load in out["load_per_worker"].head(5).items())
            print(f"    {flag}: {listed}" + (" ..." if len(out) > 5 else ""))
    sug = div.suggestions
    for kind in ("merge", "split"):
        these = sug[sug["kind"] == kind]
        plural = "" if len(these) == 1 else "s"
        print(f"  {len(these)} {kind} suggestion{plural}" + (", the first 3:" if len(these) > 3 else ":"))
        for reason in these["reason"].head(3):
            print(textwrap.fill(reason, width=110, initial_indent="    - ", subsequent_indent="      "))


if __name__ == "__main__":
    main()
