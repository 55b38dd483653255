"""``gridgov verify``: the audit chain of an event export or a journal."""

from __future__ import annotations

import argparse

from .._common import read_text
from .._engine import verify_events, verify_journal
from .._errors import ParseError, TamperedError, ValidationError
from ._args import Commands, command
from ._inputs import _existing
from ._shared import (
    EXIT_OK,
    Found,
    Progress,
    UsageError,
    _first_line,
    _out,
)

_SQLITE = b"SQLite format 3\x00"


def add(sub: Commands) -> None:
    """Adds ``gridgov verify`` to the subcommands."""
    c = command(
        sub,
        "verify", "the audit chain of an event export or a journal",
        "Verifies the SHA-256 audit chain of an event export (JSON lines) or of an engine's SQLite "
        "journal (recognised by its header) and prints the number of events and the chain's head. "
        "Exit code 1 names the first event that does not verify.",
        run,
    )
    c.add_argument("path", metavar="JOURNAL_OR_EVENTS", help="a .jsonl event export or a journal file")


def run(args: argparse.Namespace) -> int:
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
