"""`check --runs-on` for a person: each binary's required CPU features against each machine."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from buildcheck.i18n import _
from buildcheck.runs_on import FleetCheck
from buildcheck.x86_features import level_short


def render(console: Console, fleet: FleetCheck) -> None:
    console.print()
    for binary in fleet.binaries:
        isa = binary.isa
        if not isa.analyzed:
            console.print(_("runs on: {path}: {note}").format(path=escape(isa.path), note=escape(isa.note or "")))
            continue
        required = ", ".join(sorted(isa.required_features)) or _("nothing beyond x86-64")
        console.print(_("runs on: {path} requires {required} (level {level}); dispatched at run time: "
                        "{dispatched}").format(
            path=escape(isa.path), required=required, level=level_short(isa.level),
            dispatched=", ".join(e.feature for e in isa.dispatched) or "-"))
        for verdict in binary.verdicts:
            machine = escape(verdict.machine.name)
            level = level_short(verdict.machine.level)
            if verdict.runs:
                console.print(_("  [green]ok[/]    {machine} ({level})").format(machine=machine, level=level))
            else:
                console.print(_("  [red]SIGILL[/] {machine} ({level}): lacks {missing}").format(
                    machine=machine, level=level, missing=", ".join(verdict.missing)))
