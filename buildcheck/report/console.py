"""The rich Console every text renderer writes to, configured from the run's colour choice."""

from __future__ import annotations

import sys
from typing import TextIO

from rich.console import Console

from buildcheck.context import RunContext


def make_console(ctx: RunContext, stream: TextIO | None = None) -> Console:
    stream = stream or sys.stdout
    color = ctx.use_color(stream.isatty())
    return Console(
        file=stream,
        force_terminal=color,
        no_color=not color,
        color_system="auto" if color else None,
        highlight=False,
        soft_wrap=False,
        width=None if stream.isatty() else 100,
    )
