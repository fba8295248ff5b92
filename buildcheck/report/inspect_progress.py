"""A progress bar for the unit walk: on a terminal only, and only when the walk is long enough to notice."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TextIO

from buildcheck.i18n import _

# About half a second of walking: below this a bar would only flicker.
LONG_WALK_BYTES = 64 << 20


@contextlib.contextmanager
def walk_progress(stream: TextIO, label: str, *, enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """Yield a progress(done, total) callback, or None when no bar should be drawn."""
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
            if total < LONG_WALK_BYTES:
                return
            progress = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                                TimeRemainingColumn(), console=Console(file=stream), transient=True)
            progress.start()
            task = progress.add_task(_("reading debug info of {name}").format(name=label), total=total)
        progress.update(task, completed=done)  # type: ignore[arg-type]

    try:
        yield update
    finally:
        if progress is not None:
            progress.stop()
