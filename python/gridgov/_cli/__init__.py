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

The package: one module per subcommand (``demo``, ``check``, ``score``, ``compare``, ``locate``,
``simulate``, ``verify``, ``report``), each adding its parser (``add``) and running it (``run``);
``_main`` builds the parser and maps errors to exit codes; ``_args`` holds the arguments several
subcommands take, ``_inputs`` reads and checks them, ``_shared`` holds the exit codes, the two
exceptions, progress and the output formats.
"""

from __future__ import annotations

from ._main import build_parser, main
from ._shared import (
    COMPARED,
    CRS_NAMES,
    EXIT_BAD_INPUT,
    EXIT_FOUND,
    EXIT_INTERRUPTED,
    EXIT_OK,
    FORMATS,
    POST_ROLES,
    RANK_COLUMNS,
    TABLE_COLUMNS,
    Found,
    Progress,
    UsageError,
    render_table,
)
from ._shared import _width as _width

__all__ = [
    "COMPARED",
    "CRS_NAMES",
    "EXIT_BAD_INPUT",
    "EXIT_FOUND",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "FORMATS",
    "POST_ROLES",
    "RANK_COLUMNS",
    "TABLE_COLUMNS",
    "Found",
    "Progress",
    "UsageError",
    "build_parser",
    "main",
    "render_table",
]
