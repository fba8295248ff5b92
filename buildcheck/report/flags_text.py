"""`buildcheck flags` output: the lines to evaluate on stdout, everything for a person on stderr."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from buildcheck.i18n import _
from buildcheck.recommend.cpu_features import NativeSummary, describe_native
from buildcheck.recommend.flags_plan import FlagsPlan
from buildcheck.recommend.shells import Shell
from buildcheck.report.console import TextOut
from buildcheck.runs_on import PortableFlags


def render(stdout: TextIO, err: TextOut, answer: FlagsPlan, *, shell: Shell, summary: NativeSummary | None,
           portable: bool, others: Sequence[FlagsPlan] = (), fleet: PortableFlags | None = None) -> None:
    rendered = answer.render(shell)
    for line in rendered.lines:
        stdout.write(line + "\n")
    stdout.flush()
    for note in rendered.notes:
        err.line(_("note: {text}").format(text=note))
    if any(other.rustflags != answer.rustflags for other in others):
        err.line(_("note: the workspaces need different rustflags; run `buildcheck flags` in each of them"))
    if summary is not None and answer.native:
        err.lines(describe_native(summary))
    elif fleet is not None:
        err.line(_("portable build for {n} machine(s): {flags} (all have {level}{extra})").format(
            n=fleet.machines, flags=" ".join(answer.rustflags), level=fleet.level,
            extra=_(" and {features}").format(features=", ".join(fleet.extra)) if fleet.extra else ""))
    elif portable:
        err.line(_("portable build: {flags}").format(flags=" ".join(answer.rustflags)))
