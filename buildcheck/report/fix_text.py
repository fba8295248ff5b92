"""`buildcheck fix` output: the unified diff on stdout (nothing else, so it can be piped to a patch), and on stderr
what each edit does, what was written, and what must change outside the files (the environment, a Makefile, the
toolchain)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from buildcheck.i18n import _
from buildcheck.recommend.config_edit import EditResult
from buildcheck.recommend.plan import FixPlan
from buildcheck.report.console import TextOut


def render(stdout: TextIO, err: TextOut, *, plan: FixPlan, edited: Sequence[EditResult],
           written: Sequence[tuple[str, str]] | None) -> None:
    if written is None:
        for result in edited:
            stdout.write(result.diff)
        stdout.flush()
    for remedy in plan.files:
        err.line(err.text(remedy.describe()))
    if written is not None:
        for path, backup in written:
            err.line(_("wrote {path} (backup: {backup})").format(path=err.path(path), backup=err.path(backup)))
    elif edited:
        err.line(_("not written: run `buildcheck fix --write` to apply"))
    if not plan.files:
        err.line(_("no config-file setting turns debug info on"))
    for remedy in plan.env:
        err.line(_("also, in the environment: {fix} (`eval \"$(buildcheck flags)\"` does it)").format(fix=err.text(remedy.describe())))
    for remedy in (*plan.makefiles, *plan.arguments, *plan.commands):
        err.line(_("also, outside the config files: {fix}").format(fix=err.text(remedy.describe())))
