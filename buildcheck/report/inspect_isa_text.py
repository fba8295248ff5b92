"""`buildcheck inspect --isa` for a person: the CPU features the binary requires, and those it asks for first."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from buildcheck.i18n import _
from buildcheck.isa.names import readable
from buildcheck.isa.report import FeatureEntry, IsaReport
from buildcheck.x86_features import level_short

FUNCTIONS_NAMED = 2
PATH_SHOWN = 4


def render(console: Console, isa: IsaReport) -> None:
    console.print()
    if not isa.analyzed:
        console.print(Text(_("CPU features: {note}").format(note=isa.note or ""), style="yellow"))
        return
    if isa.required:
        console.print(_("[bold]CPU features required[/]: level {level}, {features}").format(
            level=level_short(isa.level), features=", ".join(e.feature for e in isa.required)), soft_wrap=True)
    else:
        console.print(_("[bold]CPU features required[/]: none beyond x86-64 (v1): runs on any x86-64 CPU"))
    console.print(Text(_("{n} functions decoded ({source}), {probes}").format(
        n=isa.functions, source=isa.function_source,
        probes=_("CPUID read in {names}").format(names=", ".join(readable(p) for p in isa.probes[:3]) + ("..." if len(isa.probes) > 3
                                                                                     else ""))
        if isa.probes else _("no CPUID probe")), style="dim"), soft_wrap=True)
    for title, entries, with_path in ((_("Required (used without asking the CPU)"), isa.required, True),
                                      (_("Dispatched (used only after a CPUID check)"), isa.dispatched, False),
                                      (_("Unproven (no check seen, no way in seen: e.g. chosen through a table)"),
                                       isa.unproven, True)):
        if entries:
            _table(console, title, entries, with_path)


def _table(console: Console, title: str, entries: tuple[FeatureEntry, ...], with_path: bool) -> None:
    table = Table(title=title, title_justify="left", box=None, pad_edge=False, show_edge=False)
    table.add_column(_("feature"), no_wrap=True)
    table.add_column(_("functions"), justify="right", no_wrap=True)
    table.add_column(_("crates / languages"), overflow="fold", max_width=30)
    table.add_column(_("for example"), overflow="fold")
    for e in entries:
        where = ", ".join(e.crates[:3]) or ", ".join(e.languages[:2])
        example = ", ".join(readable(f) for f in e.functions[:FUNCTIONS_NAMED])
        if with_path and len(e.path) > 1:
            path = [readable(f) for f in e.path]
            shown = path if len(path) <= PATH_SHOWN else [path[0], "…", *path[-(PATH_SHOWN - 2):]]
            example = _("{example}  (via {path})").format(example=example, path=" > ".join(shown))
        table.add_row(e.feature, str(e.function_count), where, example)
    console.print()
    console.print(table)
