"""The text writer every renderer prints through: colour from the run's choice, the layout rules of layout.py.

A renderer hands over lines as segments (plain text or `(text, style)` pairs) and messages (rendered in the run's
language with the run's path style); the writer wraps them at words for the terminal's width, keeps paths whole and
strips trailing spaces. Piped output is not wrapped, unless COLUMNS asks for a width.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any, TextIO

from rich.console import Console
from rich.text import Text

from buildcheck.context import RunContext
from buildcheck.messages import Message
from buildcheck.remedies import COMMAND_MESSAGES
from buildcheck.report.layout import PathStyle, output_width, wrap



class Whole(str):
    """A segment that is never split across lines: a command the user copies (`export RUSTFLAGS="..."`)."""


Segment = str | tuple[str, str]


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """rich exits with status 1 here; the reader closing the pipe is `cli.main`'s to answer (141, quietly)."""
        self.quiet = True
        raise BrokenPipeError


class TextOut:
    def __init__(self, console: Console, width: int | None, paths: PathStyle):
        self.console = console
        self.width = width
        self.paths = paths

    def text(self, message: Message) -> str:
        return message.text(self.paths)

    def remedy(self, message: Message) -> Segment:
        """A fix's text; one that is a command stays on one line, so that copying it gives the whole command."""
        text = self.text(message)
        return Whole(text) if message.id in COMMAND_MESSAGES else text

    def where(self, origin: Any) -> str:
        return origin.describe(self.paths)

    def path(self, path: str) -> str:
        return self.paths.show(str(path))

    def line(self, *segments: Segment, indent: int = 0, hang: int | None = None) -> None:
        """One logical line; continuation lines are indented by `hang` (default: `indent` + 2)."""
        text = Text(" " * indent)
        whole: list[tuple[int, int]] = []
        for segment in segments:
            start = len(text.plain)
            if isinstance(segment, tuple):
                text.append(segment[0], style=segment[1] if self.console.no_color is False else None)
            else:
                text.append(segment)
            if isinstance(segment, Whole):
                whole.append((start, len(text.plain)))
        for part in wrap(text, self.width, indent=indent + 2 if hang is None else hang, whole=tuple(whole)):
            self.console.print(part, soft_wrap=True, highlight=False, markup=False, emoji=False)

    def lines(self, texts: Iterable[str], *, indent: int = 0) -> None:
        for text in texts:
            self.line(text, indent=indent)

    def blank(self) -> None:
        self.console.print()


def make_console(ctx: RunContext, stream: TextIO | None = None) -> TextOut:
    stream = stream or sys.stdout
    tty = stream.isatty()
    color = ctx.use_color(tty)
    console = _Console(file=stream, force_terminal=color, no_color=not color, color_system="auto" if color else None,
                      highlight=False, soft_wrap=True, width=10_000 if not tty else None)
    width = output_width(tty, console.width if tty else 0, dict(ctx.env))
    return TextOut(console, width, PathStyle(cwd=ctx.cwd, home=ctx.env.get("HOME")))
