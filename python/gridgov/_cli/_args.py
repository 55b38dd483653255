"""The parser's parts every subcommand uses: one-line usage errors, the subcommand itself, and the
arguments several take (MODEL, --format/--out, --as-of/--encoding)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any, Callable, NoReturn

from ._shared import (
    FORMATS,
    UsageError,
)


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


Commands = Any
"""The subparsers action of ``gridgov`` (argparse's type for it is private)."""


def command(sub: Commands, name: str, help: str, description: str, run: Callable[[argparse.Namespace], int]) -> Any:
    """Adds the subcommand ``name`` whose ``run`` gets the parsed arguments."""
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
