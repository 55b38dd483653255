"""``gridgov compare``: the change between two periods per area, worst first."""

from __future__ import annotations

import argparse
import math
from typing import Any

from .._common import import_pandas
from .._score import compare, score
from ._args import Commands, command, model_arg, output_args, records_args
from ._inputs import (
    _area_level,
    _as_of,
    _model,
    _period,
    _positive,
    _records,
)
from ._shared import (
    COMPARED,
    EXIT_OK,
    Progress,
    _emit,
    _is_missing,
    _period_text,
    render_table,
)


def add(sub: Commands) -> None:
    """Adds ``gridgov compare`` to the subcommands."""
    c = command(
        sub,
        "compare", "the change between two periods per area, worst first",
        "Scores the records over two periods and lists, per area of --level, the change of mean "
        "response hours, mean handling hours, on-time closure rate and satisfaction rate, sorted "
        "from the worst change to the best within each indicator. A PERIOD is a month (2026-03) or "
        "START..END (2026-03-01..2026-03-16, END exclusive). Which streets got worse this month:\n"
        "  gridgov compare MODEL records.csv --before 2026-02 --after 2026-03 --worst 5",
        run,
    )
    model_arg(c)
    c.add_argument("records", metavar="RECORDS", help="case records: a .csv or .parquet file")
    c.add_argument("--before", required=True, metavar="PERIOD", help="the earlier period")
    c.add_argument("--after", required=True, metavar="PERIOD", help="the later period")
    c.add_argument("--after-records", metavar="PATH",
                   help="score --after on this file instead of RECORDS (e.g. next month's export)")
    c.add_argument("--level", default="street", help="an area level of the model (default: street)")
    c.add_argument("--indicator", action="append", choices=COMPARED, metavar="NAME",
                   help="only this indicator, repeat for several: " + ", ".join(COMPARED) + " (default: all four)")
    worst = c.add_mutually_exclusive_group()
    worst.add_argument("--worst", type=int, metavar="N",
                       help="only the N areas that got most worse, per indicator")
    worst.add_argument("--best", type=int, metavar="N",
                       help="only the N areas that improved most, per indicator")
    records_args(c)
    output_args(c)


def _worsening(indicator: str, change: float) -> float:
    """How much worse: more hours, or fewer percentage points of a rate."""
    return change if indicator.endswith("_hours") else -change


def _verdict(indicator: str, change: Any) -> str:
    if _is_missing(change):
        return "-"
    w = _worsening(indicator, float(change))
    return "worse" if w > 0 else ("better" if w < 0 else "same")


def run(args: argparse.Namespace) -> int:
    model = _model(args.model)
    level = _area_level(model, args.level)
    before = _period(model, args.before, "--before")
    after = _period(model, args.after, "--after")
    as_of = _as_of(model, args)
    n = _positive(args.worst, "--worst") if args.worst is not None else _positive(args.best, "--best")
    progress = Progress()
    with progress.step("reading the records"):
        first = _records(model, args.records, args.encoding)
        second = first if args.after_records is None else _records(model, args.after_records, args.encoding)
    with progress.step("scoring both periods"):
        card_before = score(model, first, *before, as_of=as_of)
        card_after = score(model, second, *after, as_of=as_of)
    rows = compare(card_before, card_after, level, allow_different_as_of=True)  # the title shows both
    indicators = list(dict.fromkeys(args.indicator)) if args.indicator else list(COMPARED)
    rows = rows[rows["indicator"].isin(indicators)].copy()
    rows["verdict"] = [_verdict(i, c) for i, c in zip(rows["indicator"], rows["change"])]
    worse = [(_worsening(i, c) if not _is_missing(c) else math.nan) for i, c in zip(rows["indicator"], rows["change"])]
    rows["_worse"] = worse
    rows["_order"] = rows["indicator"].map({k: i for i, k in enumerate(COMPARED)})
    rows = rows.sort_values(["_order", "_worse"], ascending=[True, False], na_position="last", kind="stable")
    if args.worst is not None:
        rows = rows[rows["_worse"] > 0].groupby("_order", sort=True).head(n)
    elif args.best is not None:
        rows = rows[rows["_worse"] < 0].sort_values(["_order", "_worse"], kind="stable").groupby("_order").head(n)
    rows = rows.drop(columns=["_worse", "_order"]).reset_index(drop=True)
    same = card_before.as_of == card_after.as_of
    title = (
        f"{model.name}: {level}s, {_period_text(card_after, not same)} against {_period_text(card_before, not same)}"
        + (f" as of {card_after.as_of:%Y-%m-%d %H:%M}" if same else "")
        + "; worst change first"
    )
    if len(rows):
        _emit(rows, args, title, table=lambda: _compare_table(rows))
    else:
        what = "got worse" if args.worst is not None else "improved" if args.best is not None else "has figures"
        _emit(rows, args, title, table=lambda: f"no {level} {what} in {', '.join(indicators)}\n")
    return EXIT_OK


def _compare_table(rows: Any) -> str:
    """The changes as a table: rates in percent and their change in points, hours in hours."""
    pd = import_pandas("gridgov compare")

    def fmt(indicator: str, v: Any, change: bool) -> str:
        if _is_missing(v):
            return "-"
        if indicator.endswith("_hours"):
            return f"{v:+.2f} h" if change else f"{v:.2f} h"
        return f"{v:+.1f} pt" if change else f"{v * 100:.1f}%"

    shown = pd.DataFrame({
        "area": rows["area"],
        "name": rows["name"],
        "indicator": rows["indicator"],
        "before": [fmt(i, v, False) for i, v in zip(rows["indicator"], rows["before"])],
        "after": [fmt(i, v, False) for i, v in zip(rows["indicator"], rows["after"])],
        "change": [fmt(i, v, True) for i, v in zip(rows["indicator"], rows["change"])],
        "change_pct": rows["change_pct"],
        "verdict": rows["verdict"],
    })
    return render_table(shown, right=("before", "after", "change"))
