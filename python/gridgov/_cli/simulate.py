"""``gridgov simulate``: a seeded simulation of a model's city, written as records and events."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import datetime

from .._convert import to_datetime
from .._engine import Engine
from .._score import Records
from .._simulate import simulate
from ._args import Commands, command, model_arg
from ._inputs import (
    _instant,
    _model,
)
from ._shared import (
    EXIT_OK,
    Progress,
    _out,
)


def add(sub: Commands) -> None:
    """Adds ``gridgov simulate`` to the subcommands."""
    c = command(
        sub,
        "simulate", "a seeded simulation of a model's city",
        "Runs the model's city through the case engine for --days days from --start (reports of "
        "supervisors and citizens, the whole lifecycle, escalation sweeps) and writes the cases as "
        "case records (--out, CSV) and the events (--events, JSON lines). The same seed gives the "
        "same city on any machine.",
        run,
    )
    model_arg(c)
    c.add_argument("--start", required=True, metavar="WHEN", help="the first day (local): 2026-03-02")
    c.add_argument("--days", type=int, default=30, help="days to simulate (default: 30)")
    c.add_argument("--seed", type=int, default=1, help="the seed (default: 1)")
    c.add_argument("--reports-per-day", type=int, default=120, help="reports on a working day (default: 120)")
    c.add_argument("--out", "-o", metavar="PATH", help="write the case records to PATH (CSV)")
    c.add_argument("--events", metavar="PATH", help="write the events to PATH (JSON lines)")


def run(args: argparse.Namespace) -> int:
    model = _model(args.model)
    zone = model.calendar.tzinfo
    start = to_datetime(_instant(model, args.start, "--start"), None, zone)
    progress = Progress()
    with progress.step(f"simulating {args.days} days of {model.name}"):
        engine = simulate(model, start, args.days, seed=args.seed, reports_per_day=args.reports_per_day)
    with progress.step("exporting the case records"):
        records = engine.records()
        _simulation_summary(engine, records, start, args.days, args.seed)
        if args.out is not None:
            records.to_csv(args.out)
    if args.out is not None:
        print(f"case records: {args.out}", file=sys.stderr)
    if args.events is not None:
        with progress.step("writing the events"), open(args.events, "w", encoding="utf-8", newline="") as f:
            f.write(engine.events_jsonl())
        print(f"events: {args.events}", file=sys.stderr)
    return EXIT_OK


def _simulation_summary(engine: Engine, records: Records, start: datetime, days: int, seed: int) -> None:
    states = Counter(str(s) for s in records.to_frame()["state"])
    listed = ", ".join(f"{n:,} {s}" for s, n in states.most_common())
    _out(
        f"{engine.model.name}: {days} days from {start:%Y-%m-%d %H:%M}, seed {seed}: "
        f"{len(engine):,} cases, {engine.event_count:,} events\n  states: {listed}\n"
    )
