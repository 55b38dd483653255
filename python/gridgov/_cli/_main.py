"""``gridgov``'s parser (every subcommand's module adds its own) and :func:`main`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Optional

from .._errors import GridgovError
from . import check, compare, demo, locate, report, score, simulate, verify
from ._args import _EPILOG, _Parser, _wrapped
from ._inputs import _writable
from ._shared import EXIT_BAD_INPUT, EXIT_FOUND, EXIT_INTERRUPTED, EXIT_OK, Found, UsageError, _describe, _say


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``gridgov`` and its subcommands."""
    from .. import __version__

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
    for module in (demo, check, score, compare, locate, simulate, verify, report):
        module.add(sub)
    return p


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
