"""``gridgov demo``: the sample city's February and March 2026 simulated, scored and compared."""

from __future__ import annotations

import argparse
import os
from datetime import date, datetime

from .._model import Model
from .._score import compare, score
from .._simulate import simulate
from ._args import Commands, command
from ._shared import (
    EXIT_OK,
    RANK_COLUMNS,
    TABLE_COLUMNS,
    Progress,
    _out,
    _period_text,
    _ranked,
    render_table,
)
from .check import _check_lines
from .simulate import _simulation_summary

#: The sample city's two months of ``demo`` (as ``examples/demo.py`` runs them).
DEMO_START = date(2026, 2, 2)
DEMO_DAYS = 58


def add(sub: Commands) -> None:
    """Adds ``gridgov demo`` to the subcommands."""
    c = command(
        sub,
        "demo", "the sample city's two months simulated, scored and compared",
        "Simulates February and March 2026 of the built-in sample city 清河市 through the case engine, "
        "checks its model, scores March's streets and compares March with February. With --out DIR "
        "it also writes DIR/records.csv and DIR/events.jsonl to try the other commands on.",
        run,
    )
    c.add_argument("--seed", type=int, default=2026, help="the simulation's seed (default: 2026)")
    c.add_argument("--out", "-o", metavar="DIR", help="write records.csv and events.jsonl into DIR")


def run(args: argparse.Namespace) -> int:
    model = Model.sample()
    progress = Progress()
    _out(f"gridgov demo: the built-in sample city {model.name} (fictional)\n")
    with progress.step("checking the model"):
        report = model.check()
    _out("\n".join(_check_lines(report)) + "\n\n")
    with progress.step(f"simulating {DEMO_DAYS} days"):
        engine = simulate(model, DEMO_START, DEMO_DAYS, seed=args.seed)
    records = engine.records()
    _simulation_summary(engine, records, datetime.combine(DEMO_START, datetime.min.time()), DEMO_DAYS, args.seed)
    with progress.step("scoring February and March"):
        feb = score(model, records, date(2026, 2, 1), date(2026, 3, 1))
        mar = score(model, records, date(2026, 3, 1), date(2026, 4, 1))
    table = _ranked(mar.areas("street"))
    streets = table[["code", "name", *TABLE_COLUMNS["area"], *RANK_COLUMNS]]
    _out(f"\nStreets, March 2026 {_period_text(mar)}, best first:\n" + render_table(streets))
    changes = compare(feb, mar, "street")
    rate = changes[changes["indicator"] == "on_time_closure_rate"].sort_values("change", kind="stable")
    rate = rate[["area", "name", "before", "after", "change"]].rename(
        columns={"before": "february_rate", "after": "march_rate"}
    )
    _out("\nOn-time closure, March against February (percentage points), worst first:\n" + render_table(rate))
    if args.out is not None:
        os.makedirs(args.out, exist_ok=True)
        rec_path, ev_path = os.path.join(args.out, "records.csv"), os.path.join(args.out, "events.jsonl")
        records.to_csv(rec_path)
        with open(ev_path, "w", encoding="utf-8", newline="") as f:
            f.write(engine.events_jsonl())
        _out(
            f"\nwrote {rec_path} and {ev_path}; try:\n"
            f"  gridgov score sample {rec_path} --month 2026-03 --level street\n"
            f"  gridgov compare sample {rec_path} --before 2026-02 --after 2026-03 --worst 3\n"
            f"  gridgov verify {ev_path}\n"
            f"  gridgov report sample {ev_path} --before 2026-02 --after 2026-03 --out "
            f"{os.path.join(args.out, 'report.html')}\n"
        )
    _out(
        "\nin a source checkout, make demo runs 46,000 cases into the HTML report; make tour walks through "
        "the API (routing, deadlines, posts, division)\n"
    )
    return EXIT_OK
