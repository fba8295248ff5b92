"""`buildcheck scan` for a person: per workspace, the toolchain, layers, each setting with its origin, the build
paths' verdicts side by side, the findings and the fix to apply first.

Renders a ProjectReport; decides nothing (causes, severities, remedies and the fix order come from the library).
"""

from __future__ import annotations

from buildcheck.cargo.resolved import ScanResult
from buildcheck.i18n import _
from buildcheck.model import Sourced
from buildcheck.project import BuildPath, ProjectReport, WorkspaceReport
from buildcheck.report.console import TextOut
from buildcheck.report.findings_text import render_findings


def _value(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return " ".join(str(v) for v in value) or _("(none)")
    return str(value)


def _setting(out: TextOut, name: str, sourced: Sourced) -> None:
    out.line((name, "bold"), "  ", _value(sourced.value), indent=2)
    out.line(_("from {where}").format(where=out.where(sourced.origin)), indent=6, hang=8)
    for other in sourced.overridden[:3]:
        out.line(_("overrides {value} from {where}").format(value=_value(other.value), where=out.where(other.origin)),
                 indent=6, hang=8)


def toolchain_line(out: TextOut, scan: ScanResult) -> None:
    toolchain = scan.toolchain
    version = str(toolchain.version) if toolchain.version else _("unknown")
    out.line(_("cargo {version} (from {source})").format(version=version, source=out.where(toolchain.origin)))
    if toolchain.manager == "rustup" and toolchain.channel:
        state = {True: _("installed"), False: _("not installed"), None: _("unknown")}[toolchain.installed]
        out.line(_("rustup toolchain {channel}: {state}").format(channel=toolchain.channel, state=state), indent=2)
    elif toolchain.manager == "none" and toolchain.cargo_path:
        out.line(_("{cargo} (not a rustup proxy)").format(cargo=out.path(toolchain.cargo_path)), indent=2)


def _settings(out: TextOut, scan: ScanResult) -> None:
    out.blank()
    out.line((_("Settings"), "bold"), _(" (what rustc receives, and where each value comes from)"))
    tier = scan.rustflags.tier
    _setting(out, _("rustflags") if tier == "none" else _("rustflags ({tier})").format(tier=tier), scan.rustflags.flags)
    groups: dict[tuple, list] = {}
    for unit in scan.member_units():
        groups.setdefault((unit.debuginfo, unit.strip, unit.effective_debuginfo, unit.effective_strip), []).append(unit)
    for units in groups.values():
        unit = units[0]
        names = ", ".join(u.package for u in units)
        _setting(out, _("debug [{package}]").format(package=names), unit.debuginfo)
        _setting(out, _("strip [{package}]").format(package=names), unit.strip)
        out.line((_("rustc uses [{package}]").format(package=names), "bold"), "  ",
                 _("debuginfo {level}, strip {strip}").format(level=unit.effective_debuginfo,
                                                             strip=unit.effective_strip), indent=2)
    for setting in scan.native_flags:
        note = "" if setting.applied else "  " + _("(not read: a more specific variable wins for this cc)")
        out.line((setting.variable, "bold"), "  ", setting.value or '""', note, indent=2)


def _path_label(path: BuildPath) -> str:
    return " ".join(path.scan.invocation)


def _paths(out: TextOut, report: WorkspaceReport) -> None:
    make = report.make
    if make is None:
        return
    out.blank()
    out.line((_("Build paths"), "bold"))
    for path, label in ((report.direct, _("direct")), (make, _("through make"))):
        out.line((label, "bold"), "  ", _path_label(path), indent=2)
        if path.entry is not None:
            out.line(_("started by {entry}").format(entry=out.text(path.entry)), indent=6, hang=8)
        if path.origin is not None:
            out.line(_("run by {where}").format(where=out.where(path.origin)), indent=6, hang=8)
        if path.via == "make" and path.scan.rustflags.winner.source is not None \
                and path.scan.rustflags.winner.source.path:
            out.line(_("rustflags: {flags} (from {where})").format(
                flags=" ".join(path.scan.rustflags.winner.flags) or _("(none)"),
                where=out.where(path.scan.rustflags.winner.source)), indent=6, hang=8)
        out.line(out.text(path.verdict), indent=6, hang=8)
    if (report.direct.scan.debuginfo, report.direct.scan.strip) != (make.scan.debuginfo, make.scan.strip):
        out.line(_("The two paths differ: a user following the project's docs builds through make."), indent=2)


def render_workspace(out: TextOut, report: WorkspaceReport, *, command: str = "scan") -> None:
    scan = report.direct.scan
    project = out.path(str(scan.workspace_root)) if scan.workspace_root else _("no cargo workspace found")
    out.line((f"buildcheck {command}", "bold"), " ", project, "  ",
             _("profile {profile}").format(profile=scan.profile), "  ",
             _("target {target}").format(target=scan.target))
    if report.found_by is not None:
        out.line(_("found through {where}").format(where=out.where(report.found_by)), indent=2)
    toolchain_line(out, scan)
    if scan.layers:
        out.blank()
        out.line((_("Config layers"), "bold"), _(" (lowest priority first)"))
        for layer in scan.layers:
            out.line(f"{layer.kind:<11} ", out.where(layer.origin), indent=2, hang=14)
    else:
        out.blank()
        out.line(_("No cargo config files found."))
    if scan.environment:
        out.blank()
        out.line((_("Environment"), "bold"))
        for name, value in scan.environment:
            shown = f'"{value}"' if not value or " " in value else value
            out.line(f"{name}={shown}", indent=2)
    _settings(out, scan)
    packages = scan.package_levels()
    with_debug = [name for name, level in packages.items() if level != "none"]
    if packages:
        out.blank()
        out.line(_("{count} of {total} packages compile with debuginfo.").format(
            count=len(with_debug), total=len(packages)))
    _paths(out, report)
    out.blank()
    out.line((_("Verdict: "), "bold"), out.text(report.direct.verdict))
    render_findings(out, report.direct.findings)
    if report.make is not None:
        extra = [f for f in report.make.findings if f not in report.direct.findings]
        render_findings(out, extra, heading=_("Findings of the build through make"))
    fix = report.fix()
    if fix:
        out.blank()
        out.line((_("Fix first: "), "bold"), out.remedy(fix[0].describe()))
    for note in report.notes:
        out.line(_("note: "), out.text(note))


def render(out: TextOut, project: ProjectReport, *, command: str = "scan") -> None:
    if project.is_root:
        out.line((f"buildcheck {command}", "bold"), " ", out.path(str(project.directory)), "  ",
                 _("{count} workspace(s) found").format(count=len(project.workspaces)))
    for index, workspace in enumerate(project.workspaces):
        if project.is_root:
            out.blank()
            out.line(("═" * 3, "dim"), " ", (out.path(str(workspace.directory)), "bold"))
        elif index:
            out.blank()
        render_workspace(out, workspace, command=command)
