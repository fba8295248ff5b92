"""`buildcheck scan` for a person: layers, each debug-relevant setting with its origin, the verdict, the fix.

Renders a ScanResult; decides nothing (severities and fixes come from cargo/findings.py).
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from buildcheck.cargo.scan import ScanResult
from buildcheck.i18n import _
from buildcheck.report.findings_text import most_severe_first, render_findings
from buildcheck.model import Sourced



def _value(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return " ".join(str(v) for v in value) or _("(none)")
    return str(value)


def _origin(sourced: Sourced) -> str:
    text = sourced.origin.describe()
    if sourced.overridden:
        text += "  " + _("(overrides {others})").format(
            others="; ".join(_("{value} from {where}").format(value=_value(o.value), where=o.origin.describe())
                             for o in sourced.overridden[:3]))
    return text




def render(console: Console, result: ScanResult) -> None:
    project = str(result.workspace_root) if result.workspace_root else _("no cargo workspace found")
    toolchain = result.toolchain
    version = str(toolchain.version) if toolchain.version else _("unknown")
    console.print(_("[bold]buildcheck scan[/] {project}  profile [bold]{profile}[/]  target {target}").format(
        project=escape(project), profile=escape(result.profile), target=escape(result.target)))
    console.print(_("cargo {version} (from {source})").format(
        version=version, source=escape(toolchain.origin.describe())))

    if result.layers:
        console.print(_("\n[bold]Config layers[/] (lowest priority first)"))
        for layer in result.layers:
            console.print(f"  {escape(layer.kind):<11} {escape(layer.origin.describe())}")
    else:
        console.print(_("\nNo cargo config files found."))

    if result.environment:
        console.print(_("\n[bold]Environment[/]"))
        for name, value in result.environment:
            shown = f'"{value}"' if not value or " " in value else value
            console.print(f"  {escape(name)}={escape(shown)}")

    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    table.add_column(_("setting"))
    table.add_column(_("value"))
    table.add_column(_("from"), overflow="fold")
    flags = result.rustflags.flags
    table.add_row(escape(_("rustflags ({tier})").format(tier=result.rustflags.tier)),
                  escape(" ".join(flags.value) or _("(none)")), escape(_origin(flags)))
    # Members that resolve alike share one set of rows (the usual case: one profile for all).
    groups: dict[tuple, list] = {}
    for unit in result.member_units():
        key = (unit.debuginfo, unit.strip, unit.effective_debuginfo, unit.effective_strip)
        groups.setdefault(key, []).append(unit)
    for units in groups.values():
        unit = units[0]
        names = ", ".join(u.package for u in units)
        table.add_row(escape(_("debug [{package}]").format(package=names)), unit.debuginfo.value,
                      escape(_origin(unit.debuginfo)))
        table.add_row(escape(_("strip [{package}]").format(package=names)), unit.strip.value,
                      escape(_origin(unit.strip)))
        table.add_row(escape(_("rustc uses [{package}]").format(package=names)),
                      _("debuginfo {level}, strip {strip}").format(level=unit.effective_debuginfo,
                                                                   strip=unit.effective_strip), "")
    for setting in result.native_flags:
        table.add_row(escape(setting.variable), escape(setting.value), _("environment"))
    console.print()
    console.print(table)

    packages = result.package_levels()
    with_debug = [name for name, level in packages.items() if level != "none"]
    if packages:
        console.print(_("\n{count} of {total} packages compile with debuginfo.").format(
            count=len(with_debug), total=len(packages)))

    console.print()
    if result.debug_sections_expected:
        console.print(_("[bold]Verdict:[/] the binary will carry DWARF debug sections (debuginfo {level}, strip "
                        "{strip}).").format(level=result.debuginfo, strip=result.strip))
    else:
        console.print(_("[bold]Verdict:[/] no debug sections expected in the binary (strip {strip}).").format(
            strip=result.strip))

    findings = most_severe_first(result.findings)
    render_findings(console, findings)

    first_fix = next((f.fix for f in findings if f.fix and f.severity == "error"), None)
    if first_fix:
        console.print(_("\n[bold]Fix first:[/] {fix}").format(fix=escape(first_fix)))
