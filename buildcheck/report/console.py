"""The rich Console every text renderer writes to, configured from the run's colour choice."""

from __future__ import annotations

import sys
from typing import TextIO

from rich.console import Console

from buildcheck.context import RunContext


def make_console(ctx: RunContext, stream: TextIO | None = None) -> Console:
    """On a terminal, rich wraps to its width. Piped (a CI log, a file, `| less`), tables are laid out
    for 100 columns but sentences are not cut: a line broken mid-sentence is harder to read and grep."""
    stream = stream or sys.stdout
    tty = stream.isatty()
    color = ctx.use_color(tty)
    return Console(
        file=stream,
        force_terminal=color,
        no_color=not color,
        color_system="auto" if color else None,
        highlight=False,
        soft_wrap=not tty,
        width=None if tty else 100,
    )
