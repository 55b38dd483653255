"""``gridgov report``: the HTML report (not built yet)."""

from __future__ import annotations

import argparse

from ._args import Commands, command
from ._shared import UsageError


def add(sub: Commands) -> None:
    """Adds ``gridgov report`` to the subcommands."""
    c = command(
        sub,
        "report", "the HTML report (not built yet)",
        "The HTML report of issue 13 is not built yet: this command says so and exits with 2.",
        run,
    )
    c.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    raise UsageError("the HTML report is not built yet; `gridgov score` and `gridgov compare` give its tables")
