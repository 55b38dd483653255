"""Reading a subcommand's arguments: files that must exist, the model, the case records, dates
and periods local to the model's calendar, levels; each bad value raises a UsageError naming it."""

from __future__ import annotations

import argparse
import os
import re
from typing import Callable, Optional

from .._convert import text_instant_ms
from .._errors import GridgovError, ModelError, ValidationError
from .._model import Model
from .._score import Records
from .._spatial import GridMap
from ._shared import (
    POST_ROLES,
    UsageError,
    _describe,
    _first_line,
)


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
