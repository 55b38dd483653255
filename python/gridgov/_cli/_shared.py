"""What every subcommand shares: the exit codes, the two exceptions a subcommand raises
(bad input, something found), progress on stderr, and the output formats (an aligned table,
CSV, JSON, Parquet)."""

from __future__ import annotations

import argparse
import math
import os
import sys
import threading
import time
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Callable, Optional, TextIO

from .. import _gridgov
from .._common import import_pandas
from .._errors import ModelError
from .._score import Scorecard

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


class UsageError(Exception):
    """Bad input found by the command line itself; the message names the bad value. ``prog``
    names the (sub)command when the parser found it."""

    def __init__(self, message: str, prog: Optional[str] = None) -> None:
        super().__init__(message)
        self.prog = prog


class Found(Exception):
    """The command found what it checks for (exit code 1); the message says what."""


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


def _emit_text(text: str, out: Optional[str]) -> None:
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
