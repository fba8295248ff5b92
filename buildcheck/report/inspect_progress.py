"""A progress bar for the unit walk: on a terminal only, and only when the walk is long enough to notice."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TextIO

from buildcheck.i18n import _

# About half a second of walking: below this a bar would only flicker.
LONG_WALK_BYTES = 64 << 20
# About a second of decoding (iced-x86 from Python: ~10 MB of code a second).
LONG_DECODE_BYTES = 8 << 20


@contextlib.contextmanager
def walk_progress(stream: TextIO, label: str, *, enabled: bool, message: str | None = None,
                  long_bytes: int = LONG_WALK_BYTES) -> Iterator[Callable[[int, int], None] | None]:
    """Yield a progress(done, total) callback, or None when no bar should be drawn.

    message: the bar's text with a {name} placeholder (default: reading the debug info); long_bytes:
    below this total no bar is drawn."""
    if not enabled or not stream.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    progress: Progress | None = None
    task = None

    def update(done: int, total: int) -> None:
        nonlocal progress, task
        if progress is None:
            if total < long_bytes:
                return
            progress = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                                TimeRemainingColumn(), console=Console(file=stream), transient=True)
            progress.start()
            text = message if message is not None else _("reading debug info of {name}")
            task = progress.add_task(text.format(name=label), total=total)
        progress.update(task, completed=done)  # type: ignore[arg-type]

    try:
        yield update
    finally:
        if progress is not None:
            progress.stop()
