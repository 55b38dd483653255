"""``gridgov score``: the scorecard of a period, per area of a level, department or post."""

from __future__ import annotations

import argparse

from .._score import column_labels, score
from ._args import Commands, command, model_arg, output_args, records_args
from ._inputs import (
    _as_of,
    _levels,
    _model,
    _records,
    _score_period,
    _subject_level,
)
from ._shared import (
    EXIT_OK,
    POST_ROLES,
    RANK_COLUMNS,
    Progress,
    _card_table,
    _columns,
    _emit,
    _period_text,
    _ranked,
)


def add(sub: Commands) -> None:
    """Adds ``gridgov score`` to the subcommands."""
    c = command(
        sub,
        "score", "the scorecard of a period",
        "Scores case records (a CSV export, UTF-8 or GBK, or a Parquet file) over [--from, --to): one "
        "row per area of --level, or per department, or per post, with the indicators, score, grade "
        "and rank, best first. Dates are local to the model's calendar: 2026-03-01, 2026-03-01T08:00.",
        run,
    )
    model_arg(c)
    c.add_argument("records", metavar="RECORDS", help="case records: a .csv or .parquet file")
    c.add_argument("--from", dest="start", metavar="WHEN", help="start of the period (inclusive)")
    c.add_argument("--to", dest="end", metavar="WHEN", help="end of the period (exclusive)")
    c.add_argument("--month", metavar="YYYY-MM", help="the period is this calendar month (instead of --from/--to)")
    c.add_argument("--level", default="street",
                   help="an area level of the model (grid, community, street, district, city...), or "
                   "'department', or a post: " + ", ".join(POST_ROLES) + " (default: street)")
    c.add_argument("--columns", metavar="A,B,...",
                   help="the indicator columns to show, comma-separated, or 'all' (default: a few key "
                   "ones in a table, all in csv, json and parquet)")
    c.add_argument("--labels", choices=("en", "zh"), default="en",
                   help="column names: en (the ids) or zh (the Chinese indicator names of CJ/T 292)")
    records_args(c)
    output_args(c)


def run(args: argparse.Namespace) -> int:
    model = _model(args.model)
    level = _subject_level(model, args.level)
    kind = "area" if level in _levels(model) else level
    columns = _columns(kind, args.columns, args.format)
    start, end = _score_period(model, args)
    as_of = _as_of(model, args)
    progress = Progress()
    with progress.step("reading the records"):
        records = _records(model, args.records, args.encoding)
    with progress.step("scoring"):
        card = score(model, records, start, end, as_of=as_of)
    table = _ranked(_card_table(card, level))
    frame = table[list(table.columns[:2]) + columns + list(RANK_COLUMNS)]  # code/unit/worker, name, ...
    headers = column_labels() if args.labels == "zh" else None
    if headers is not None:
        headers = {**headers, "code": "编码", "unit": "单位", "worker": "人员", "name": "名称"}
    what = f"{level}s" if kind == "area" else ("departments" if level == "department" else f"posts: {level}")
    title = f"{model.name}: {what}, {_period_text(card)}; {len(records):,} records in {args.records}"
    _emit(frame, args, title, headers)
    return EXIT_OK
