"""`buildcheck inspect --isa` for a person: the CPU features the binary requires, and those it asks for first."""

from __future__ import annotations


from buildcheck.i18n import _
from buildcheck.isa.names import readable
from buildcheck.isa.report import FeatureEntry, IsaReport
from buildcheck.report.console import TextOut
from buildcheck.report.layout import table
from buildcheck.x86_features import level_short

FUNCTIONS_NAMED = 2
PATH_SHOWN = 4


def render(out: TextOut, isa: IsaReport) -> None:
    out.blank()
    if not isa.analyzed:
        out.line((_("CPU features: {note}").format(note=isa.note or ""), "yellow"))
        return
    if isa.required:
        out.line((_("CPU features required: "), "bold"), _("level {level}, {features}").format(
            level=level_short(isa.level), features=", ".join(e.feature for e in isa.required)))
    else:
        out.line((_("CPU features required: "), "bold"), _("none beyond x86-64 (v1): runs on any x86-64 CPU"))
    probes = (_("CPUID read in {names}").format(names=", ".join(readable(p) for p in isa.probes[:3])
                                                + ("..." if len(isa.probes) > 3 else ""))
              if isa.probes else _("no CPUID probe"))
    out.line((_("{n} functions decoded ({source}), {probes}").format(
        n=isa.functions, source=isa.function_source, probes=probes), "dim"))
    for title, entries, with_path in ((_("Required (used without asking the CPU)"), isa.required, True),
                                      (_("Dispatched (used only after a CPUID check)"), isa.dispatched, False),
                                      (_("Unproven (no check seen, no way in seen: e.g. chosen through a table)"),
                                       isa.unproven, True)):
        if entries:
            _table(out, title, entries, with_path)


def _table(out: TextOut, title: str, entries: tuple[FeatureEntry, ...], with_path: bool) -> None:
    out.blank()
    out.line((title, "bold"))
    rows: list[list[str]] = [[_("feature"), _("functions"), _("crates / languages"), _("for example")]]
    for e in entries:
        where = ", ".join(e.crates[:3]) or ", ".join(e.languages[:2])
        example = ", ".join(readable(f) for f in e.functions[:FUNCTIONS_NAMED])
        if with_path and len(e.path) > 1:
            path = [readable(f) for f in e.path]
            shown = path if len(path) <= PATH_SHOWN else [path[0], "…", *path[-(PATH_SHOWN - 2):]]
            example = _("{example}  (via {path})").format(example=example, path=" > ".join(shown))
        rows.append([e.feature, str(e.function_count), where, example])
    for line in table(rows, align="lrll", width=out.width, indent=0):
        out.console.print(line, soft_wrap=True, highlight=False, markup=False, emoji=False)
