"""``gridgov check``: a model's responsibility matrix, calendar coverage and boundaries."""

from __future__ import annotations

import argparse
import json
from typing import Any, Optional

from .._convert import to_datetime
from .._errors import ModelError
from .._model import CheckReport
from .._spatial import GridMap
from ._args import Commands, command, model_arg, output_args
from ._inputs import (
    _grid_map,
    _instant,
    _model,
)
from ._shared import (
    CRS_NAMES,
    EXIT_OK,
    Found,
    Progress,
    UsageError,
    _describe,
    _emit_text,
)


def add(sub: Commands) -> None:
    """Adds ``gridgov check`` to the subcommands."""
    c = command(
        sub,
        "check", "a model's responsibility matrix, calendar coverage and boundaries",
        "Checks a city model: every (category x unit grid) cell of the responsibility matrix has one "
        "responsible unit (no gap, no conflict), the years the working calendar covers, and the "
        "unit-grid boundaries (the model's own, or --boundaries). Exit code 1 when it finds a problem; "
        "an invalid model file lists every problem and exits with 2.",
        run,
    )
    model_arg(c)
    c.add_argument("--boundaries", metavar="GEOJSON", help="check these unit-grid boundaries against the model")
    c.add_argument("--boundaries-crs", choices=CRS_NAMES, default="wgs84",
                   help="the coordinate system of --boundaries (default: wgs84)")
    c.add_argument("--through", metavar="DATE",
                   help="also check that the calendar covers every day up to DATE (e.g. 2026-12-31)")
    output_args(c, ("table", "json"))


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
    if report.unknown_divisions:
        # A warning, not a problem: division lists change every year (see Model.unknown_divisions).
        lines.append(f"division codes: {len(report.unknown_divisions)} not in the GB/T 2260 list (warning)")
        for u in report.unknown_divisions:
            lines.append(f"  warning  {u.message}: {u.areas} areas, first {u.area} (areas[{u.index}])")
    return lines


def run(args: argparse.Namespace) -> int:
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
