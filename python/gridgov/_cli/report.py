"""``gridgov report``: the HTML report of a period against the one before (:func:`gridgov.report`)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Optional, Union

from .._common import read_text
from .._engine import Engine
from .._errors import ParseError, ValidationError
from .._model import Model
from .._report import report
from .._score import Records
from ._args import Commands, command, model_arg
from ._inputs import _area_level, _as_of, _existing, _model, _period, _records
from ._shared import EXIT_OK, Progress, UsageError, _first_line

#: Where the report goes without --out.
DEFAULT_OUT = os.path.join("out", "report.html")


def add(sub: Commands) -> None:
    """Adds ``gridgov report`` to the subcommands."""
    c = command(
        sub,
        "report", "the HTML report of a period against the one before",
        "Writes one self-contained HTML page (charts embedded, opens offline) for a district leader: "
        "headline figures, the responsibility check, maps of on-time closure per grid and of open "
        "cases by light, the trend with the policy targets (response 25 % faster, handling 30 % "
        "shorter), the scorecards of areas, departments and posts, the division suggestions on the "
        "map, the escalations and 督办. SOURCE is an event export (.jsonl: everything, lights and "
        "escalations included) or case records (.csv or .parquet: no lights, no escalations). A "
        "PERIOD is a month (2026-03) or START..END. Needs matplotlib: pip install 'gridgov[report]'.\n"
        "  gridgov report sample out/events.jsonl --before 2026-02 --after 2026-03",
        run,
    )
    model_arg(c)
    c.add_argument("source", metavar="SOURCE", help="an event export (.jsonl) or case records (.csv, .parquet)")
    c.add_argument("--before", required=True, metavar="PERIOD", help="the earlier period")
    c.add_argument("--after", required=True, metavar="PERIOD", help="the period under review")
    c.add_argument("--level", default="street", help="the area level of the tables (default: street)")
    c.add_argument("--as-of", metavar="WHEN",
                   help="judge statuses and lights as of WHEN (default: the source's own, just after its last event)")
    c.add_argument("--title", help="the page's title (default: the city's name and 城市网格化管理运行报告)")
    c.add_argument("--encoding", metavar="CODEC", help="the CSV file's encoding (default: UTF-8, or GBK detected)")
    c.add_argument("--out", "-o", metavar="PATH", help=f"the HTML file to write (default: {DEFAULT_OUT})")


def _source(model: Model, path: str, encoding: Optional[str]) -> Union[Engine, Records]:
    """An event export replayed into an engine, or case records."""
    _existing(path, "source file")
    lower = path.lower()
    if lower.endswith((".csv", ".parquet", ".txt")):
        return _records(model, path, encoding)
    try:
        return Engine.replay(model, read_text(path, "events file", encoding))
    except (ParseError, ValidationError) as e:
        raise UsageError(
            f"{path} is not an event export (JSON lines) that replays on this model: {_first_line(e)}"
        ) from None


def run(args: argparse.Namespace) -> int:
    model = _model(args.model)
    level = _area_level(model, args.level)
    before = _period(model, args.before, "--before")
    after = _period(model, args.after, "--after")
    as_of = _as_of(model, args)
    out = args.out if args.out is not None else DEFAULT_OUT
    progress = Progress()
    with progress.step("reading the source"):
        source = _source(model, args.source, args.encoding)
    with progress.step("drawing the report"):
        written = report(source, before, after, out, as_of=as_of, level=level, title=args.title)
    print(f"report: {written}", file=sys.stderr)
    return EXIT_OK
