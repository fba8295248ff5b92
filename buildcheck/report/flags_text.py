"""`buildcheck flags` output: the lines to evaluate on stdout, everything for a person on stderr."""

from __future__ import annotations

import click

from buildcheck.i18n import _
from buildcheck.recommend.cpu_features import NativeSummary, describe_native
from buildcheck.recommend.flags_plan import FlagsPlan, recommended_flags
from buildcheck.recommend.rustflags import target_cpu_of
from buildcheck.recommend.shells import RenderedEnv
from buildcheck.runs_on import PortableFlags


def render(rendered: RenderedEnv, *, summary: NativeSummary | None, plan: FlagsPlan, portable: bool,
           fleet: PortableFlags | None = None) -> None:
    for line in rendered.lines:
        click.echo(line)
    for note in rendered.notes:
        click.echo(_("note: {text}").format(text=note), err=True)
    flags, _comments = recommended_flags(plan)
    if summary is not None and target_cpu_of(flags) == "native":
        for line in describe_native(summary):
            click.echo(line, err=True)
    elif fleet is not None:
        click.echo(_("portable build for {n} machine(s): {flags} (all have {level}{extra})").format(
            n=fleet.machines, flags=" ".join(plan.portable_flags), level=fleet.level,
            extra=_(" and {features}").format(features=", ".join(fleet.extra)) if fleet.extra else ""), err=True)
    elif portable:
        click.echo(_("portable build: {flags}").format(flags=" ".join(plan.portable_flags)), err=True)
