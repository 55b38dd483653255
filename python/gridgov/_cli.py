"""The command line: ``python -m gridgov`` and the ``gridgov`` console script.

A thin layer over the public API, one subcommand per step of an analyst's day:

=============  ==========================================================================
``demo``       the sample city's February and March 2026 simulated, scored and compared
``check``      a model's responsibility matrix, calendar coverage and boundaries
``score``      the scorecard of a period (areas of a level, departments or posts)
``compare``    the change between two periods per area, sorted worst first
``locate``     the unit grid of each point of a CSV file
``simulate``   a seeded simulation of a model's city, written as case records and events
``verify``     the audit chain of an event export or a journal
``report``     not built yet: says so (exit code 2)
=============  ==========================================================================

Exit codes: 0 done; 1 the command ran and found what it looks for (``check``: gaps, conflicts,
grids without a boundary, a date the calendar does not cover; ``verify``: a broken chain);
2 bad input — a usage error, a missing or unreadable file, a bad date, level, format or
coordinate system, an invalid model or record — reported as one line on stderr
(``gridgov score: error: ...``), never a traceback. 130 when interrupted.

Data goes to stdout (or ``--out PATH``): a ``table`` under its title line, ``csv`` and ``json``
as data only (``parquet`` needs ``--out``). What would spoil the data goes to stderr: the
counts of ``locate``, the paths written, errors, and progress — a spinner with the elapsed
time, only when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import re
import sys
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, Callable, NoReturn, Optional, TextIO

import numpy as np
import numpy.typing as npt

from . import _gridgov
from ._common import import_pandas, read_text
from ._convert import text_instant_ms, to_datetime
from ._engine import Engine, verify_events, verify_journal
from ._errors import GridgovError, ModelError, ParseError, TamperedError, ValidationError
from ._model import CheckReport, Model
from ._score import Records, Scorecard, column_labels, compare, score
from ._simulate import simulate
from ._spatial import GridMap, convert

__all__ = ["main"]

#: The command did what was asked and found nothing wrong.
EXIT_OK = 0
#: The command ran and found what it checks for (gaps, conflicts, a broken audit chain...).
EXIT_FOUND = 1
#: Bad input: usage, a missing file, a bad value, an invalid model or record.
EXIT_BAD_INPUT = 2
#: Interrupted (Ctrl-C).
EXIT_INTERRUPTED = 130

FORMATS = ("table", "csv", "json", "parquet")
#: Coordinate systems ``locate`` and the boundaries take (the core's names).
CRS_NAMES = ("wgs84", "cgcs2000", "gcj02", "bd09")
#: The post roles a scorecard has a table for.
POST_ROLES = ("supervisor", "acceptor", "shift_leader", "dispatcher")
#: The indicators :func:`gridgov.compare` reports; for hours lower is better.
COMPARED = ("mean_response_hours", "mean_handle_hours", "on_time_closure_rate", "satisfaction_rate")
#: The columns a ``table`` shows by default, per kind of table (``--columns all`` shows every one).
TABLE_COLUMNS = {
    "area": ("filed", "on_time_closure_rate", "closure_rate", "satisfaction_rate", "mean_response_hours",
             "mean_handle_hours"),
    "department": ("due", "on_time_rate", "overdue_unhandled", "median_handle_hours"),
    "supervisor": ("reports", "missed_rate", "check_on_time_rate"),
    "acceptor": ("accepted", "accept_on_time_rate", "accept_accuracy_rate"),
    "shift_leader": ("filing_decisions", "filing_on_time_rate", "closing_on_time_rate"),
    "dispatcher": ("dispatched", "dispatch_on_time_rate", "dispatch_accuracy_rate"),
}
#: The tail columns of every scorecard table.
RANK_COLUMNS = ("score", "grade", "rank", "sample")
#: The sample city's two months of ``demo`` (as ``examples/demo.py`` runs them).
DEMO_START = date(2026, 2, 2)
DEMO_DAYS = 58


class UsageError(Exception):
    """Bad input found by the command line itself; the message names the bad value. ``prog``
    names the (sub)command when the parser found it."""

    def __init__(self, message: str, prog: Optional[str] = None) -> None:
        super().__init__(message)
        self.prog = prog


class Found(Exception):
    """The command found what it checks for (exit code 1); the message says what."""


# -- the parser ---------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error as one line (``gridgov score: error: ...``) and no exit."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)", self.prog)


def _wrapped(text: str, width: int = 88) -> str:
    """A description wrapped for the terminal; indented lines (examples) are kept as they are."""
    import textwrap

    return "\n".join(
        line if line.startswith(" ") else textwrap.fill(line, width) for line in text.splitlines()
    )


_EPILOG = """\
exit codes: 0 done, 1 found problems (check, verify), 2 bad input (one line on stderr)
"""


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``gridgov`` and its subcommands."""
    from . import __version__

    p = _Parser(
        prog="gridgov",
        description=_wrapped(
            "Urban grid management (网格化管理) from the shell: check a city model, score and compare periods "
            "of case records, locate points into unit grids, simulate, verify audit chains."
        ),
        epilog=_EPILOG + "\nMODEL is a .toml or .json model file, or the word 'sample' (the built-in 清河市).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"gridgov {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=_Parser)

    def command(name: str, help: str, description: str, run: Callable[[argparse.Namespace], int]) -> Any:
        c = sub.add_parser(
            name, help=help, description=_wrapped(description), epilog=_EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        c.set_defaults(run=run, prog=f"gridgov {name}")
        return c

    def model_arg(c: Any) -> None:
        c.add_argument(
            "model", metavar="MODEL",
            help="a .toml or .json model file, or 'sample' (the built-in city; ./sample names a file)",
        )

    def output_args(c: Any, formats: Sequence[str] = FORMATS) -> None:
        c.add_argument("--format", "-f", choices=formats, default="table",
                       help=f"output format: {', '.join(formats)} (default: table; parquet needs pyarrow and --out)")
        c.add_argument("--out", "-o", metavar="PATH", help="write the output to PATH instead of stdout")

    def records_args(c: Any) -> None:
        c.add_argument("--as-of", metavar="WHEN", help="judge every status as of WHEN (default: the records' own)")
        c.add_argument("--encoding", metavar="CODEC",
                       help="the CSV file's encoding (default: UTF-8, or GBK/GB18030 detected)")

    c = command(
        "demo", "the sample city's two months simulated, scored and compared",
        "Simulates February and March 2026 of the built-in sample city 清河市 through the case engine, "
        "checks its model, scores March's streets and compares March with February. With --out DIR "
        "it also writes DIR/records.csv and DIR/events.jsonl to try the other commands on.",
        _cmd_demo,
    )
    c.add_argument("--seed", type=int, default=2026, help="the simulation's seed (default: 2026)")
    c.add_argument("--out", "-o", metavar="DIR", help="write records.csv and events.jsonl into DIR")

    c = command(
        "check", "a model's responsibility matrix, calendar coverage and boundaries",
        "Checks a city model: every (category x unit grid) cell of the responsibility matrix has one "
        "responsible unit (no gap, no conflict), the years the working calendar covers, and the "
        "unit-grid boundaries (the model's own, or --boundaries). Exit code 1 when it finds a problem; "
        "an invalid model file lists every problem and exits with 2.",
        _cmd_check,
    )
    model_arg(c)
    c.add_argument("--boundaries", metavar="GEOJSON", help="check these unit-grid boundaries against the model")
    c.add_argument("--boundaries-crs", choices=CRS_NAMES, default="wgs84",
                   help="the coordinate system of --boundaries (default: wgs84)")
    c.add_argument("--through", metavar="DATE",
                   help="also check that the calendar covers every day up to DATE (e.g. 2026-12-31)")
    output_args(c, ("table", "json"))

    c = command(
        "score", "the scorecard of a period",
        "Scores case records (a CSV export, UTF-8 or GBK, or a Parquet file) over [--from, --to): one "
        "row per area of --level, or per department, or per post, with the indicators, score, grade "
        "and rank, best first. Dates are local to the model's calendar: 2026-03-01, 2026-03-01T08:00.",
        _cmd_score,
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

    c = command(
        "compare", "the change between two periods per area, worst first",
        "Scores the records over two periods and lists, per area of --level, the change of mean "
        "response hours, mean handling hours, on-time closure rate and satisfaction rate, sorted "
        "from the worst change to the best within each indicator. A PERIOD is a month (2026-03) or "
        "START..END (2026-03-01..2026-03-16, END exclusive). Which streets got worse this month:\n"
        "  gridgov compare MODEL records.csv --before 2026-02 --after 2026-03 --worst 5",
        _cmd_compare,
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

    c = command(
        "locate", "the unit grid of each point of a CSV file",
        "Adds a 'grid' column to a CSV file of points: the unit grid each lies in, empty outside "
        "every grid. BOUNDARIES is a GeoJSON file of unit grids, or 'sample' (the sample city's). "
        "--crs names the points' coordinate system: phones and Amap send gcj02, Baidu bd09, GPS "
        "receivers wgs84.",
        _cmd_locate,
    )
    c.add_argument("boundaries", metavar="BOUNDARIES", help="a GeoJSON file of unit grids, or 'sample'")
    c.add_argument("points", metavar="POINTS", help="a CSV file with longitude and latitude columns")
    c.add_argument("--crs", required=True, help="the points' coordinate system: " + ", ".join(CRS_NAMES))
    c.add_argument("--boundaries-crs", choices=CRS_NAMES, default="wgs84",
                   help="the boundaries' coordinate system (default: wgs84)")
    c.add_argument("--code-property", default="code", help="the GeoJSON property holding the grid code")
    c.add_argument("--lon", metavar="COLUMN", help="the longitude column (default: lon, lng, longitude, x or 经度)")
    c.add_argument("--lat", metavar="COLUMN", help="the latitude column (default: lat, latitude, y or 纬度)")
    c.add_argument("--encoding", metavar="CODEC", help="the CSV file's encoding (default: UTF-8 or GBK detected)")
    output_args(c)

    c = command(
        "simulate", "a seeded simulation of a model's city",
        "Runs the model's city through the case engine for --days days from --start (reports of "
        "supervisors and citizens, the whole lifecycle, escalation sweeps) and writes the cases as "
        "case records (--out, CSV) and the events (--events, JSON lines). The same seed gives the "
        "same city on any machine.",
        _cmd_simulate,
    )
    model_arg(c)
    c.add_argument("--start", required=True, metavar="WHEN", help="the first day (local): 2026-03-02")
    c.add_argument("--days", type=int, default=30, help="days to simulate (default: 30)")
    c.add_argument("--seed", type=int, default=1, help="the seed (default: 1)")
    c.add_argument("--reports-per-day", type=int, default=120, help="reports on a working day (default: 120)")
    c.add_argument("--out", "-o", metavar="PATH", help="write the case records to PATH (CSV)")
    c.add_argument("--events", metavar="PATH", help="write the events to PATH (JSON lines)")

    c = command(
        "verify", "the audit chain of an event export or a journal",
        "Verifies the SHA-256 audit chain of an event export (JSON lines) or of an engine's SQLite "
        "journal (recognised by its header) and prints the number of events and the chain's head. "
        "Exit code 1 names the first event that does not verify.",
        _cmd_verify,
    )
    c.add_argument("path", metavar="JOURNAL_OR_EVENTS", help="a .jsonl event export or a journal file")

    c = command(
        "report", "the HTML report (not built yet)",
        "The HTML report of issue 13 is not built yet: this command says so and exits with 2.",
        _cmd_report,
    )
    c.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return p


# -- main ---------------------------------------------------------------------------------------


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Runs the command line on ``argv`` (default: ``sys.argv[1:]``) and returns the exit code."""
    prog = "gridgov"
    try:
        parser = build_parser()
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
        prog = args.prog
        for option in ("out", "events"):
            if args.command != "demo" and getattr(args, option, None) is not None:
                _writable(getattr(args, option), f"--{option}")
        return int(args.run(args))
    except SystemExit as e:  # --help and --version
        return e.code if isinstance(e.code, int) else EXIT_OK
    except Found as e:
        _say(f"{prog}: {e}")
        return EXIT_FOUND
    except UsageError as e:
        _say(f"{e.prog or prog}: error: {e}")
        return EXIT_BAD_INPUT
    except GridgovError as e:
        _say(f"{prog}: error: {_describe(e)}")
        return EXIT_BAD_INPUT
    except OSError as e:  # a file of ours (--out) or pandas' own reading
        what = f"{e.strerror}: {e.filename}" if e.strerror and e.filename else str(e)
        _say(f"{prog}: error: {what}")
        return EXIT_BAD_INPUT
    except ImportError as e:  # an optional package the input needs (pyarrow for Parquet, pandas)
        _say(f"{prog}: error: {e}")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        _say(f"{prog}: interrupted")
        return EXIT_INTERRUPTED


def _say(message: str) -> None:
    """One line on stderr: the lines of a longer message joined with '; '."""
    lines = [line.strip() for line in str(message).splitlines() if line.strip()]
    print("; ".join(lines), file=sys.stderr)


def _out(text: str) -> None:
    """Text to stdout; a reader that went away (``| head``) is not an error."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # pragma: no cover - depends on the reader
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


# -- progress -----------------------------------------------------------------------------------


class Progress:
    """A spinner with the elapsed time on stderr for a step that lasts, only when stderr is a
    terminal. Steps shorter than :attr:`delay` seconds print nothing; longer ones end with a
    line saying how long they took."""

    delay = 0.5
    interval = 0.1

    def __init__(self, stream: Optional[TextIO] = None) -> None:
        self._stream = sys.stderr if stream is None else stream
        isatty = getattr(self._stream, "isatty", None)
        self.enabled = bool(isatty is not None and isatty())

    @contextmanager
    def step(self, label: str) -> Iterator[None]:
        if not self.enabled:
            yield
            return
        start = time.monotonic()
        stop = threading.Event()
        shown = threading.Event()

        def tick() -> None:
            frames = "|/-\\"
            i = 0
            while not stop.wait(self.interval if shown.is_set() else self.delay):
                shown.set()
                self._stream.write(f"\r{frames[i % 4]} {label} {time.monotonic() - start:.1f} s")
                self._stream.flush()
                i += 1

        ticker = threading.Thread(target=tick, daemon=True)
        ticker.start()
        ok = False
        try:
            yield
            ok = True
        finally:
            stop.set()
            ticker.join()
            if shown.is_set():
                width = _width(label) + 16  # the spinner line: frame, label, seconds
                done = f"{label}: {time.monotonic() - start:.1f} s" if ok else ""
                self._stream.write("\r" + " " * width + "\r" + (done + "\n" if done else ""))
                self._stream.flush()


# -- inputs -------------------------------------------------------------------------------------


def _writable(path: str, what: str) -> None:
    """Refuses an output path whose folder does not exist, before any long work."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise UsageError(f"cannot write {what} {path}: the folder {folder} does not exist")
    if os.path.isdir(path):
        raise UsageError(f"cannot write {what} {path}: it is a directory")


def _existing(path: str, what: str) -> str:
    if not os.path.exists(path):
        raise UsageError(f"{what} {path} does not exist")
    if os.path.isdir(path):
        raise UsageError(f"{what} {path} is a directory, not a file")
    return path


def _model(spec: str, *, listing: Optional[Callable[[list[tuple[str, str]]], None]] = None) -> Model:
    """``sample`` or a model file. ``listing`` is given every problem of an invalid file first."""
    if spec == "sample":
        return Model.sample()
    _existing(spec, "model file")
    try:
        return Model.load(spec)
    except ModelError as e:
        if listing is not None and e.issues:
            listing(e.issues)
        listed = "; every one listed" if listing is not None else "; `gridgov check` lists every one"
        raise UsageError(f"model {spec} is invalid ({_describe(e)}{listed if len(e.issues) > 1 else ''})") from None
    except GridgovError as e:
        raise UsageError(f"model {spec}: {_describe(e)}") from None


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def _describe(e: BaseException) -> str:
    """An error in one line: a model or boundaries error by its first problem and their count."""
    if isinstance(e, ModelError) and e.issues:
        path, message = e.issues[0]
        n = len(e.issues)
        return f"{path}: {message}" if n == 1 else f"{n} problems, the first: {path}: {message}"
    return _first_line(e)


def _grid_map(path: str, code_property: str, crs: str) -> GridMap:
    _existing(path, "boundaries file")
    try:
        return GridMap.from_geojson(path, code_property, crs=crs)
    except GridgovError as e:
        raise UsageError(f"boundaries {path}: {_describe(e)}") from None


def _instant(model: Model, text: str, what: str) -> int:
    """Epoch ms of a date or date-time argument, local to the model's calendar."""
    return text_instant_ms(text, what, model.calendar._core)


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def _month(model: Model, text: str, what: str) -> Optional[tuple[int, int]]:
    """The ``[start, end)`` of a ``YYYY-MM`` month, or ``None`` when ``text`` is not one."""
    m = _MONTH.match(text.strip())
    if m is None:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        raise ValidationError(
            f'invalid {what} "{text}": month {month} is not 1-12', what=what, value=text, reason="not a month"
        )
    after = (year + 1, 1) if month == 12 else (year, month + 1)
    return (
        _instant(model, f"{year:04d}-{month:02d}-01", what),
        _instant(model, f"{after[0]:04d}-{after[1]:02d}-01", what),
    )


def _period(model: Model, text: str, what: str) -> tuple[int, int]:
    """A ``YYYY-MM`` month or ``START..END``."""
    month = _month(model, text, what)
    if month is not None:
        return month
    if ".." not in text:
        raise UsageError(
            f'{what} "{text}" is not a period: give a month (2026-03) or START..END (2026-03-01..2026-04-01)'
        )
    a, b = text.split("..", 1)
    return _ordered(_instant(model, a, f"{what} start"), _instant(model, b, f"{what} end"), what, text)


def _ordered(start: int, end: int, what: str, shown: str) -> tuple[int, int]:
    if end <= start:
        raise UsageError(f'{what} "{shown}" is empty: its end must come after its start')
    return start, end


def _score_period(model: Model, args: argparse.Namespace) -> tuple[int, int]:
    if args.month is not None:
        if args.start is not None or args.end is not None:
            raise UsageError("give --month or --from and --to, not both")
        month = _month(model, args.month, "--month")
        if month is None:
            raise UsageError(f'--month "{args.month}" is not a month such as 2026-03')
        return month
    if args.start is None or args.end is None:
        raise UsageError("give the period: --from WHEN --to WHEN, or --month YYYY-MM")
    start, end = _instant(model, args.start, "--from"), _instant(model, args.end, "--to")
    return _ordered(start, end, "period", f"{args.start} to {args.end}")


def _as_of(model: Model, args: argparse.Namespace) -> Optional[int]:
    return None if args.as_of is None else _instant(model, args.as_of, "--as-of")


def _records(model: Model, path: str, encoding: Optional[str]) -> Records:
    _existing(path, "records file")
    try:
        if path.lower().endswith(".parquet"):
            return Records.read_parquet(model, path)
        return Records.read_csv(model, path, encoding=encoding)
    except ValidationError as e:
        if e.what.startswith("records["):  # a bad row: say which file it is in
            raise UsageError(f"{path}: {_first_line(e)}") from None
        raise


def _levels(model: Model) -> list[str]:
    return model.levels


def _area_level(model: Model, level: str) -> str:
    levels = _levels(model)
    if level not in levels:
        raise UsageError(f'unknown level "{level}": the model\'s levels are {", ".join(levels)}')
    return level


def _subject_level(model: Model, level: str) -> str:
    levels = _levels(model)
    if level in levels or level == "department" or level in POST_ROLES:
        return level
    raise UsageError(
        f'unknown level "{level}": an area level of the model ({", ".join(levels)}), department, '
        f'or a post ({", ".join(POST_ROLES)})'
    )


def _positive(value: Optional[int], what: str) -> Optional[int]:
    if value is not None and value < 1:
        raise UsageError(f"{what} {value} must be at least 1")
    return value


# -- output -------------------------------------------------------------------------------------


def _width(text: str) -> int:
    """Display width in a terminal: East Asian wide and full-width characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _is_missing(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float):
        return math.isnan(v)
    return type(v).__name__ in ("NAType", "NaTType")


def _cell(column: str, v: Any) -> str:
    """A value as a table shows it: rates as percentages, hours and scores with two and one
    decimals, changes with a sign, missing as '-'."""
    if _is_missing(v):
        return "-"
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        if column.endswith(("_rate", "_share")):
            return f"{v * 100:.1f}%"
        if column == "score":
            return f"{v:.1f}"
        if column == "change_pct":
            return f"{v:+.1f}%"
        if column == "change":
            return f"{v:+.2f}"
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return f"{v:.2f}"
    return str(v)


def render_table(
    frame: Any, headers: Optional[dict[str, str]] = None, right: Sequence[str] = ()
) -> str:
    """A frame as aligned text: text columns left, numbers (and the columns ``right`` names)
    right, CJK characters counted as two columns. ``headers`` renames columns for display."""
    pd = import_pandas("gridgov's command line")
    columns = [str(c) for c in frame.columns]
    shown = [(headers or {}).get(c, c) for c in columns]
    cells = [[_cell(c, v) for v in frame[c].tolist()] for c in columns]
    numeric = [
        c in right or (pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c]))
        for c in columns
    ]
    widths = [max([_width(h)] + [_width(x) for x in col]) for h, col in zip(shown, cells)]

    def line(values: Sequence[str]) -> str:
        parts = []
        for v, w, right in zip(values, widths, numeric):
            pad = " " * (w - _width(v))
            parts.append(pad + v if right else v + pad)
        return "  ".join(parts).rstrip()

    rows = [line(shown), line(["-" * w for w in widths])]
    rows += [line([col[i] for col in cells]) for i in range(len(frame))]
    return "\n".join(rows) + "\n"


def _emit(
    frame: Any,
    args: argparse.Namespace,
    title: str = "",
    headers: Optional[dict[str, str]] = None,
    table: Optional[Callable[[], str]] = None,
) -> None:
    """Writes a frame (index already a column) in ``args.format`` to ``args.out`` or stdout.
    ``title`` heads a table; ``headers`` renames columns (every format); ``table`` renders the
    table format instead of :func:`render_table`."""
    fmt, out = args.format, args.out
    if fmt == "parquet":
        try:
            import pyarrow  # type: ignore[import-untyped]  # noqa: F401
        except ImportError:
            raise UsageError("--format parquet needs pyarrow: pip install pyarrow") from None
        if out is None:
            raise UsageError("--format parquet writes a file: give --out PATH")
        frame.rename(columns=headers or {}).to_parquet(out, index=False)
        return
    if fmt == "table":
        text = (title + "\n" if title else "") + (render_table(frame, headers) if table is None else table())
    elif fmt == "csv":
        text = frame.rename(columns=headers or {}).to_csv(index=False, lineterminator="\n")
    else:
        text = frame.rename(columns=headers or {}).to_json(orient="records", force_ascii=False, double_precision=15)
        text += "\n"
    if out is None:
        _out(text)
    else:
        with open(out, "w", encoding="utf-8", newline="") as f:
            f.write(text)


def _ranked(frame: Any) -> Any:
    """A scorecard table in rank order (unranked rows last, by score), its index a column."""
    order = frame.assign(_unranked=frame["rank"].isna())
    order = order.sort_values(["_unranked", "rank", "score"], ascending=[True, True, False], kind="stable")
    return order.drop(columns="_unranked").reset_index()


def _period_text(card: Scorecard, as_of: bool = True) -> str:
    s, e = card.period
    text = f"[{s:%Y-%m-%d %H:%M}, {e:%Y-%m-%d %H:%M})"
    return text + (f" as of {card.as_of:%Y-%m-%d %H:%M}" if as_of else "")


# -- the subcommands ----------------------------------------------------------------------------


def _card_table(card: Scorecard, level: str) -> Any:
    if level == "department":
        return card.departments()
    if level in POST_ROLES:
        return card.posts(level)
    return card.areas(level)


def _columns(kind: str, spec: Optional[str], fmt: str) -> list[str]:
    """The indicator columns to show of a table of ``kind`` (``area``, ``department`` or a
    post role), checked before any work: ``--columns``, else a few in a table, all otherwise."""
    indicators = list(_gridgov.Scorecard.columns_of(kind))
    if spec is None:
        return list(TABLE_COLUMNS[kind]) if fmt == "table" else indicators
    if spec.strip() == "all":
        return indicators
    chosen = [c.strip() for c in spec.split(",") if c.strip()]
    unknown = [c for c in chosen if c not in indicators]
    if unknown or not chosen:
        shown = unknown[0] if unknown else spec
        raise UsageError(f'unknown column "{shown}": the columns are {", ".join(indicators)}')
    return chosen



def _cmd_score(args: argparse.Namespace) -> int:
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


def _worsening(indicator: str, change: float) -> float:
    """How much worse: more hours, or fewer percentage points of a rate."""
    return change if indicator.endswith("_hours") else -change


def _verdict(indicator: str, change: Any) -> str:
    if _is_missing(change):
        return "-"
    w = _worsening(indicator, float(change))
    return "worse" if w > 0 else ("better" if w < 0 else "same")


def _cmd_compare(args: argparse.Namespace) -> int:
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


_LON = ("lon", "lng", "longitude", "x", "经度")
_LAT = ("lat", "latitude", "y", "纬度")


def _column(frame: Any, given: Optional[str], candidates: Sequence[str], what: str, path: str) -> str:
    columns = [str(c) for c in frame.columns]
    if given is not None:
        if given not in columns:
            raise UsageError(f'{path} has no column "{given}" ({what}); its columns: {", ".join(columns)}')
        return given
    lowered = {c.strip().lower(): c for c in columns}
    for name in candidates:
        if name in lowered:
            return lowered[name]
    raise UsageError(
        f"{path} has no {what} column ({', '.join(candidates)}); name it with --{what[:3]} "
        f"(its columns: {', '.join(columns)})"
    )


def _numbers(frame: Any, column: str, path: str) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """The column as degrees, and where it is blank (a report without a position); any other
    text that is not a finite number is refused, naming its line."""
    pd = import_pandas("gridgov locate")
    text = frame[column].astype(str).str.strip()
    blank = (text == "").to_numpy(dtype=bool)
    values = pd.to_numeric(text.where(~blank, "nan"), errors="coerce").to_numpy(dtype=np.float64)
    bad = ~blank & ~np.isfinite(values)
    if bad.any():
        row = int(bad.argmax())
        raise UsageError(f'{path} line {row + 2}: {column} "{frame[column].iloc[row]}" is not a number (degrees)')
    return values, blank


def _cmd_locate(args: argparse.Namespace) -> int:
    crs = args.crs.strip().lower()
    convert(0.0, 0.0, crs, "wgs84")  # an unknown name raises here, naming it, before any reading
    if args.boundaries == "sample":
        grid_map = Model.sample().grid_map
        assert grid_map is not None  # the sample city has boundaries
    else:
        grid_map = _grid_map(args.boundaries, args.code_property, args.boundaries_crs)
    _existing(args.points, "points file")
    pd = import_pandas("gridgov locate")
    text = read_text(args.points, "points file", args.encoding)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (ValueError, pd.errors.ParserError) as e:
        raise UsageError(f"points file {args.points} is not a CSV file: {_first_line(e)}") from None
    lon_col = _column(frame, args.lon, _LON, "longitude", args.points)
    lat_col = _column(frame, args.lat, _LAT, "latitude", args.points)
    (lon, lon_blank), (lat, lat_blank) = _numbers(frame, lon_col, args.points), _numbers(frame, lat_col, args.points)
    placed = ~(lon_blank | lat_blank)
    grids = np.full(len(frame), None, dtype=object)
    with Progress().step(f"locating {int(placed.sum()):,} points"):
        grids[placed] = grid_map.locate(lon[placed], lat[placed], crs)
    frame["grid"] = pd.Series(grids, dtype=object, index=frame.index)
    located = int(frame["grid"].notna().sum())
    unplaced = len(frame) - int(placed.sum())
    print(
        f"{args.points}: {located:,} of {len(frame):,} points located into {frame['grid'].nunique():,} grids; "
        f"{len(frame) - located - unplaced:,} outside every grid ({crs}); {unplaced:,} without coordinates",
        file=sys.stderr,
    )
    frame["grid"] = frame["grid"].where(frame["grid"].notna(), "")
    _emit(frame, args)
    return EXIT_OK


def _cmd_simulate(args: argparse.Namespace) -> int:
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


_SQLITE = b"SQLite format 3\x00"


def _cmd_verify(args: argparse.Namespace) -> int:
    path = _existing(args.path, "file")
    with open(path, "rb") as f:
        head = f.read(len(_SQLITE))
    try:
        with Progress().step("verifying the audit chain"):
            if head == _SQLITE:
                kind = "journal"
                result = verify_journal(path)
            else:
                kind = "event export"
                result = verify_events(read_text(path, "events file"))
    except TamperedError as e:  # verify_journal
        raise Found(f"{path}: the audit chain does not verify: {_first_line(e)}") from None
    except ParseError as e:
        raise UsageError(f"{path} is not an event export (JSON lines) or a journal: {_first_line(e)}") from None
    except ValidationError as e:  # verify_events: a line whose hash is missing or does not follow
        raise Found(f"{path}: the audit chain does not verify: {_first_line(e)}") from None
    _out(f"{path} ({kind}): {result['events']:,} events, the audit chain verifies; head {result['head']}\n")
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    raise UsageError("the HTML report is not built yet; `gridgov score` and `gridgov compare` give its tables")


def _check_lines(report: CheckReport) -> list[str]:
    verdict = "clean" if report.is_clean else "NOT clean"
    lines = [
        f"responsibility matrix: {verdict}: {report.categories} categories x {report.grids} grids = "
        f"{report.cells:,} cells; {report.gap_cells:,} gap cells in {len(report.gaps)} gaps, "
        f"{report.conflict_cells:,} conflict cells in {len(report.conflicts)} conflicts, "
        f"{report.fallback_cells:,} cells left to the territorial fallback (属地兜底)"
    ]
    for gap in report.gaps:
        lines.append(f"  gap      {gap.category}: no unit in {', '.join(gap.areas)} ({gap.grids} grids)")
    for c in report.conflicts:
        lines.append(
            f"  conflict {c.category}: rules {', '.join(map(str, c.rules))} name {' and '.join(c.units)} "
            f"in {', '.join(c.areas)} ({c.grids} grids)"
        )
    return lines


def _cmd_check(args: argparse.Namespace) -> int:
    def listing(issues: list[tuple[str, str]]) -> None:
        if args.format == "json":
            doc = {"model": args.model, "valid": False, "issues": [{"path": p, "message": m} for p, m in issues]}
            _emit_text(json.dumps(doc, ensure_ascii=False) + "\n", args.out)
        else:
            _emit_text("".join(f"{p}: {m}\n" for p, m in issues), args.out)

    model = _model(args.model, listing=listing)
    problems = 0
    with Progress().step("checking the responsibility matrix"):
        report = model.check()
    problems += len(report.gaps) + len(report.conflicts)
    summary = model.summary()
    first, last = summary["calendar_years"]
    calendar: dict[str, Any] = {"name": summary["calendar"], "first_year": first, "last_year": last}
    through_line = ""
    if args.through is not None:
        through = to_datetime(_instant(model, args.through, "--through"), None, model.calendar.tzinfo)
        covered = through.year <= last
        calendar["through"] = f"{through:%Y-%m-%d}"
        calendar["covered"] = covered
        if not covered:
            problems += 1
        through_line = f"; {through:%Y-%m-%d} is {'covered' if covered else 'NOT covered'}"
    if args.boundaries is not None:
        grid_map: Optional[GridMap] = _grid_map(args.boundaries, "code", args.boundaries_crs)
        source = args.boundaries
    else:
        grid_map, source = model.grid_map, "the model's"
    boundaries: dict[str, Any] = {"source": None if grid_map is None else source}
    if grid_map is None:
        boundary_line = "boundaries: none (locating points and reports by point need them; --boundaries checks a file)"
    else:
        try:
            missing = grid_map.check_against(model)
        except ModelError as e:
            raise UsageError(f"boundaries {source}: {_describe(e)}") from None
        boundaries.update(grids=len(grid_map), missing=missing)
        problems += 1 if missing else 0
        grids = len(model.grids())
        if missing:
            shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
            boundary_line = f"boundaries ({source}): {len(missing)} of {grids} unit grids have none: {shown}"
        else:
            boundary_line = f"boundaries ({source}): every one of the {grids} unit grids has one"
    if args.format == "json":
        doc = {
            "model": {"name": model.name, "version": model.version},
            "responsibility": report.to_dict(),
            "calendar": calendar,
            "boundaries": boundaries,
            "problems": problems,
        }
        _emit_text(json.dumps(doc, ensure_ascii=False) + "\n", args.out)
    else:
        lines = [f"model: {model.name} (version {model.version or '-'})", *_check_lines(report)]
        lines.append(f"calendar: {summary['calendar']}, holidays known for {first}-{last}{through_line}")
        lines.append(boundary_line)
        lines.append("verdict: " + ("no problem found" if not problems else f"{problems} problem(s) found"))
        _emit_text("\n".join(lines) + "\n", args.out)
    if problems:
        raise Found(f"{problems} problem(s) found in {args.model}")
    return EXIT_OK


def _emit_text(text: str, out: Optional[str]) -> None:
    if out is None:
        _out(text)
    else:
        with open(out, "w", encoding="utf-8", newline="") as f:
            f.write(text)


def _cmd_demo(args: argparse.Namespace) -> int:
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
        )
    _out("\nthe full tour (routing, deadlines, posts, division) in a source checkout: make demo\n")
    return EXIT_OK
