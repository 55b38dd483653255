"""`make demo`: two months of the sample city 清河市, from the reports to the leader's report.

Simulates February and March 2026 of the built-in sample city (fictional) through the case
engine with tens of thousands of cases (``gridgov.simulate``: arrivals by category, source and
hour on working and non-working days, the lifecycle with returns, postponements, shelving,
rework, ratings and reopenings, an escalation sweep every 30 minutes); gives every report the
GPS point a phone would send (GCJ-02, inside its grid) and locates the points back into unit
grids; scores both months, compares them, analyses the grid division, writes the HTML report
and ends with a one-screen summary. Progress goes to stderr (a bar on a terminal), the summary
to stdout.

    python examples/demo.py [--seed N] [--reports-per-day N] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import textwrap
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any, Optional

import numpy as np
import pandas as pd

import gridgov
import gridgov._report

SEED = 2026
#: Reports on a working day (40 % of that on a weekend or holiday): ~46,000 cases in two months.
REPORTS_PER_DAY = 1000
START = date(2026, 2, 1)
DAYS = 59  # February and March
FEBRUARY = (date(2026, 2, 1), date(2026, 3, 1))
MARCH = (date(2026, 3, 1), date(2026, 4, 1))
ROLES = {"supervisor": "supervisors", "acceptor": "acceptors", "shift_leader": "shift leaders",
         "dispatcher": "dispatchers"}


# -- progress on stderr ---------------------------------------------------------------------------


class Progress:
    """Steps on stderr: on a terminal a bar (``[#####-----] 3/8 label 1.2 s``) redrawn in place,
    elsewhere one line per finished step. Nothing but the standard library."""

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.perf_counter()
        self.times: dict[str, float] = {}

    def _draw(self, label: str, done: int, total: int, t0: float) -> None:
        if not self.tty:
            return
        width = 24
        filled = int(width * done / max(total, 1))
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r[{bar}] {done}/{total} {label} {time.perf_counter() - t0:.1f} s\033[K")
        self.stream.flush()

    @contextmanager
    def step(self, label: str, total: int = 1) -> Iterator[Any]:
        """A step of ``total`` parts; the object yielded is called with each part done."""
        t0 = time.perf_counter()
        done = [0]

        def advance(n: int = 1) -> None:
            done[0] += n
            self._draw(label, min(done[0], total), total, t0)

        stop = threading.Event()

        def tick() -> None:  # the elapsed time moves while a long call runs
            while not stop.wait(0.2):
                self._draw(label, min(done[0], total), total, t0)

        ticker = threading.Thread(target=tick, daemon=True)
        self._draw(label, 0, total, t0)
        if self.tty:
            ticker.start()
        try:
            yield advance
        finally:
            stop.set()
            if ticker.is_alive():
                ticker.join()
        took = time.perf_counter() - t0
        self.times[label] = took
        if self.tty:
            self.stream.write(f"\r{label}: {took:.1f} s\033[K\n")
        else:
            self.stream.write(f"{label}: {took:.1f} s\n")
        self.stream.flush()


# -- the city ------------------------------------------------------------------------------------


def simulate_city(seed: int = SEED, reports_per_day: int = REPORTS_PER_DAY) -> gridgov.Engine:
    """February and March 2026 of the sample city: the same engine for the same arguments."""
    return gridgov.simulate(gridgov.Model.sample(), START, DAYS, seed=seed, reports_per_day=reports_per_day)


def grid_boxes(grid_map: gridgov.GridMap) -> dict[str, tuple[float, float, float, float]]:
    """Each unit grid's bounding box (WGS-84 degrees) from its GeoJSON boundary."""
    boxes = {}
    for feature in json.loads(grid_map.to_geojson())["features"]:
        coords = feature["geometry"]["coordinates"]
        rings = coords if feature["geometry"]["type"] == "Polygon" else [r for p in coords for r in p]
        xy = np.vstack([np.asarray(r, dtype=np.float64)[:, :2] for r in rings])
        boxes[str(feature["properties"]["code"])] = (xy[:, 0].min(), xy[:, 1].min(), xy[:, 0].max(), xy[:, 1].max())
    return boxes


def phone_points(grid_map: gridgov.GridMap, grids: Sequence[str], seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A point inside each grid of ``grids`` as a phone reports it: drawn uniformly in the grid
    (rejection sampling in its bounding box, kept where the boundaries place it in that grid)
    and converted from WGS-84 to GCJ-02, the coordinates Chinese map apps send."""
    rng = np.random.default_rng(seed)
    boxes = grid_boxes(grid_map)
    codes = np.asarray(grids, dtype=object)
    box = np.array([boxes[g] for g in codes])
    lon, lat = np.empty(len(codes)), np.empty(len(codes))
    todo = np.arange(len(codes))
    for _ in range(50):
        if not len(todo):
            break
        b = box[todo]
        x = b[:, 0] + rng.random(len(todo)) * (b[:, 2] - b[:, 0])
        y = b[:, 1] + rng.random(len(todo)) * (b[:, 3] - b[:, 1])
        inside = np.asarray(grid_map.locate(x, y, "wgs84"), dtype=object) == codes[todo]
        lon[todo[inside]], lat[todo[inside]] = x[inside], y[inside]
        todo = todo[~inside]
    if len(todo):
        raise RuntimeError(f"{len(todo)} grids where no point could be drawn, the first {codes[todo[0]]}")
    return gridgov.convert(lon, lat, "wgs84", "gcj02")


# -- the summary ---------------------------------------------------------------------------------


def pct(v: Any) -> str:
    return "-" if pd.isna(v) else f"{v * 100:.1f}%"


def best_worst(table: pd.DataFrame, key: str, fmt: Any = pct) -> str:
    ranked = table[table["rank"].notna()].sort_values(["rank", "score"], ascending=[True, False], kind="stable")
    if ranked.empty:
        return "none ranked"
    first, last = ranked.iloc[0], ranked.iloc[-1]

    def who(row: pd.Series) -> str:
        return f"{row['name']} {row['score']:.1f} {row['grade']} ({key} {fmt(row[key])})"

    return f"best {who(first)} · worst {who(last)}  [{len(ranked)} ranked]"


def summary(
    model: gridgov.Model, engine: gridgov.Engine, feb: gridgov.Scorecard, mar: gridgov.Scorecard,
    division: gridgov.DivisionReport, located: tuple[int, int], report_path: str, seconds: dict[str, float],
    reports_per_day: int, seed: int,
) -> str:
    lines: list[str] = []
    add = lines.append
    records = engine.records()
    as_of = records.as_of
    add(f"{model.name} — February and March 2026, seed {seed}, {reports_per_day:,} reports a working day")
    add(f"  {len(engine):,} cases and {engine.event_count:,} events simulated in {seconds['simulate']:.1f} s "
        "(escalation sweeps every 30 minutes)")
    ok, total = located
    add(f"  GPS: {total:,} report points in GCJ-02 located into unit grids: {ok:,} in the grid reported, "
        f"{total - ok:,} elsewhere")
    check = model.check()
    verdict = "clean" if check.is_clean else f"{len(check.gaps)} gaps, {len(check.conflicts)} conflicts"
    add(f"Responsibility check: {verdict} ({check.categories} categories x {check.grids} grids = "
        f"{check.cells:,} cells)")
    light_of = {case: engine.light(case, as_of) for case in range(1, len(engine) + 1)}
    lights = Counter(light for light in light_of.values() if light is not None)
    grid_of = dict(zip(records.to_frame()["id"], records.to_frame()["grid"]))
    streets = {a.code: a.name for a in model.areas("street")}
    parent = {a.code: a.parent for a in model.areas()}
    red_in = Counter(streets.get(parent.get(parent.get(grid_of[c], ""), ""), "?")
                     for c, light in light_of.items() if light == "red")
    reds = ", ".join(f"{s} {n}" for s, n in red_in.most_common(3))
    add(f"Lights at {as_of:%Y-%m-%d %H:%M}: {sum(lights.values()):,} open: green {lights['green']:,} · "
        f"yellow {lights['yellow']:,} · red {lights['red']:,}" + (f" (most red: {reds})" if reds else ""))
    march_ms = int(pd.Timestamp(MARCH[0], tz=model.calendar.tzinfo).value // 1_000_000)
    # the export's lines have sorted keys: an escalation starts with its action, actor, time, case, effect
    fired = re.findall(r'"action":"escalate","actor":"system","at":(\d+),"case":\d+,"effect":"(\w+)"',
                       engine.events_jsonl())
    effects = Counter(effect for at, effect in fired if int(at) >= march_ms)
    add(f"Escalations in March: {sum(effects.values()):,}: " + " · ".join(
        f"{k} {effects[k]:,}" for k in ("warn", "notify", "escalate", "supervise", "reassign") if effects[k])
        + " (supervise = 督办)")
    add(workflow_paths(engine, records.to_frame()))
    b, a = feb.areas("city").iloc[0], mar.areas("city").iloc[0]

    def hours(col: str, target: float) -> str:
        change = (a[col] - b[col]) / b[col] * 100
        return f"{b[col]:.2f} -> {a[col]:.2f} h ({change:+.1f} %, target {target:+.0f} %)"

    add("March against February (city):")
    add(f"  on-time closure {pct(b['on_time_closure_rate'])} -> {pct(a['on_time_closure_rate'])}, satisfaction "
        f"{pct(b['satisfaction_rate'])} -> {pct(a['satisfaction_rate'])}; filed {b['filed']:,} -> {a['filed']:,}")
    add(f"  response {hours('mean_response_hours', -25)}; handling {hours('mean_handle_hours', -30)}")
    change = gridgov.compare(feb, mar, "street")
    worse = change[(change["indicator"] == "on_time_closure_rate") & (change["change"] < 0)].sort_values("change")
    add("  streets worse on on-time closure: " + (", ".join(
        f"{n} {c:+.1f} pt" for n, c in zip(worse["name"], worse["change"])) or "none"))
    add("March's scorecards (best and worst):")
    add(f"  streets       {best_worst(mar.areas('street'), 'on_time_closure_rate')}")
    add(f"  departments   {best_worst(mar.departments(), 'on_time_rate')}")
    depts = mar.departments()
    subs = depts[depts["second_handled"] > 0]["second_handled"]
    co, co_on_time = int(depts["co_assigned"].sum()), int(depts["co_on_time"].sum())
    add("  sub-units (二级派遣): " + (", ".join(f"{u} {int(n):,}" for u, n in subs.items()) or "none")
        + f" handled; co-handlers (协办) {co:,}, on time {pct(co_on_time / co if co else float('nan'))}")
    keys = {"supervisor": "check_on_time_rate", "acceptor": "accept_on_time_rate",
            "shift_leader": "filing_on_time_rate", "dispatcher": "dispatch_on_time_rate"}
    for role, key in keys.items():
        add(f"  {ROLES[role]:<13} {best_worst(mar.posts(role), key)}")
    sug = division.suggestions
    merges, splits = sug[sug["kind"] == "merge"], sug[sug["kind"] == "split"]
    add(f"Grid division under March's load: {len(merges)} merge and {len(splits)} split suggestions")
    for _, row in pd.concat([merges.head(1), splits.head(1)]).iterrows():
        line = f"{row['kind']} {', '.join(row['grids'])}: {row['reason']}"
        add("  " + textwrap.shorten(line, 116, placeholder=" ..."))
    add(f"Report: {os.path.abspath(report_path)} (open it in a browser; it works offline)")
    if gridgov._report.cjk_font() is None:
        add("  (no CJK font found: the charts' text is in English; Debian: apt-get install fonts-noto-cjk)")
    return "\n".join(lines) + "\n"


def workflow_paths(engine: gridgov.Engine, frame: pd.DataFrame) -> str:
    """The counts of the workflow paths of issue 12 over both months: returns, voids, 督办
    orders, callbacks, rework, shelving, checks and verification tasks (two lines)."""
    jsonl = engine.events_jsonl()
    acts = Counter(re.findall(r'"action":"(\w+)"', jsonl))
    ratings = [int(x) for x in re.findall(r'"action":"callback"[^\n]*?"satisfaction":(\d)', jsonl)]
    redo = sum(r < 4 for r in ratings)  # the sample city redoes a callback below 4 ([engine.callback])
    orders, on_time = int(frame["orders"].sum()), int(frame["orders_replied_on_time"].sum())
    late = acts["reply"] - on_time
    tasks = jsonl.count('"assigned_to"')  # accept events that assigned a verification task
    return (
        f"Workflow: returns requested {acts['request_return']:,} (approved {acts['approve_return']:,}, "
        f"denied {acts['deny_return']:,}) · voids {acts['void'] + acts['approve_void']:,} · 督办 orders "
        f"{orders:,} (on time {on_time:,}, late {late:,}, unanswered {orders - on_time - late:,}) · "
        f"callbacks {len(ratings):,} (satisfied {len(ratings) - redo:,}, redo {redo:,})\n"
        f"  reworked cases {int((frame['rework'] > 0).sum()):,} · shelved (挂账) {int(frame['shelved'].sum()):,} · "
        f"checks {int(frame['checks'].sum()):,} (failed {int(frame['rework'].sum()):,}) · "
        f"verification tasks {tasks:,} (verified {acts['verify']:,})"
    )


# -- main ----------------------------------------------------------------------------------------


def main(argv: Optional[Sequence[str]] = None) -> int:
    try:
        return run(argv)
    except gridgov.GridgovError as e:  # a bad argument: one line, no traceback
        print(f"demo.py: error: {e}", file=sys.stderr)
        return 2


def run(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="demo.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=SEED, help=f"the simulation's seed (default {SEED})")
    parser.add_argument("--reports-per-day", type=int, default=REPORTS_PER_DAY,
                        help=f"reports on a working day (default {REPORTS_PER_DAY})")
    parser.add_argument("--out", default="out", help="the folder of report.html and records.csv (default out)")
    args = parser.parse_args(argv)
    progress = Progress()
    model = gridgov.Model.sample()
    grid_map = model.grid_map
    assert grid_map is not None  # the sample city has its boundaries
    os.makedirs(args.out, exist_ok=True)
    print(f"gridgov {gridgov.__version__} demo: {model.name}, February and March 2026", file=sys.stderr)

    with progress.step("simulating two months of the city"):
        engine = gridgov.simulate(model, START, DAYS, seed=args.seed, reports_per_day=args.reports_per_day)
    records = engine.records()
    frame = records.to_frame()
    with progress.step("locating the reports' GPS points (GCJ-02)", total=2) as done:
        lon, lat = phone_points(grid_map, frame["grid"].tolist(), args.seed)
        done()
        found = np.asarray(grid_map.locate(lon, lat, "gcj02"), dtype=object)
        located = (int((found == frame["grid"].to_numpy(dtype=object)).sum()), len(found))
        done()
    with progress.step("scoring February and March"):
        feb = gridgov.score(model, records, *FEBRUARY)
        mar = gridgov.score(model, records, *MARCH)
        division = model.division_report(records, *MARCH)
    with progress.step("writing the case records"):
        records.to_csv(os.path.join(args.out, "records.csv"))
    with progress.step("drawing the report", total=8) as done:
        report_path = gridgov.report(engine, FEBRUARY, MARCH, os.path.join(args.out, "report.html"),
                                     progress=lambda *_: done())
    seconds = {"simulate": progress.times["simulating two months of the city"]}
    text = summary(model, engine, feb, mar, division, located, report_path, seconds, args.reports_per_day, args.seed)
    print(f"done in {time.perf_counter() - progress.started:.1f} s\n", file=sys.stderr)
    sys.stdout.write(text)
    # A CSV file does not carry the engine's as_of (the instant just after its last event, often an
    # escalation): without --as-of the command line judges statuses at the file's latest instant.
    as_of = f"{records.as_of:%Y-%m-%dT%H:%M:%S}.{records.as_of.microsecond // 1000:03d}"
    print(f"Case records: {os.path.join(args.out, 'records.csv')}; which streets got worse, as in the report:\n"
          f"  gridgov compare sample {os.path.join(args.out, 'records.csv')} --before 2026-02 --after 2026-03 "
          f"--worst 3 --as-of {as_of}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
