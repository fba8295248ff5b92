"""`check --runs-on` for a person: each binary's required CPU features against each machine."""

from __future__ import annotations

from buildcheck.i18n import _
from buildcheck.report.console import TextOut
from buildcheck.runs_on import FleetCheck
from buildcheck.x86_features import level_short


def render(out: TextOut, fleet: FleetCheck) -> None:
    out.blank()
    for binary in fleet.binaries:
        isa = binary.isa
        if not isa.analyzed:
            out.line(_("runs on: {path}: {note}").format(path=isa.path, note=isa.note or ""))
            continue
        required = ", ".join(sorted(isa.required_features)) or _("nothing beyond x86-64")
        out.line(_("runs on: {path} requires {required} (level {level}); dispatched at run time: {dispatched}").format(
            path=isa.path, required=required, level=level_short(isa.level),
            dispatched=", ".join(e.feature for e in isa.dispatched) or "-"))
        for verdict in binary.verdicts:
            level = level_short(verdict.machine.level)
            if verdict.runs:
                out.line(("ok", "green"), "    ", _("{machine} ({level})").format(
                    machine=verdict.machine.name, level=level), indent=2, hang=10)
            else:
                out.line(("SIGILL", "red"), " ", _("{machine} ({level}): lacks {missing}").format(
                    machine=verdict.machine.name, level=level, missing=", ".join(verdict.missing)),
                    indent=2, hang=10)
