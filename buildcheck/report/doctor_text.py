"""`buildcheck doctor` for a person: one line per check, what is missing and why, one install command."""

from __future__ import annotations

from rich.console import Console

from buildcheck.report.console import TextOut
from rich.text import Text

from buildcheck.doctor.run import DoctorReport
from buildcheck.i18n import _

_NO_CONSOLE = Console(width=10_000, color_system=None)
_STYLE = {"ok": "green", "missing": "bold red", "too old": "bold red", "unknown": "yellow"}


def _status_word(status: str) -> str:
    return {"ok": _("ok"), "missing": _("missing"), "too old": _("too old"), "unknown": _("unknown")}[status]


def render(out: TextOut, report: DoctorReport) -> None:
    def line(text: str | Text = "", indent: int = 0) -> None:
        if isinstance(text, Text):
            out.line(*((span, style) for span, style in _segments(text)), indent=indent, hang=indent + 4)
        elif text:
            out.line(text, indent=indent, hang=indent + 2)
        else:
            out.blank()

    dist = report.distribution
    line(_("System software for building {project}").format(project=report.project))
    line(_("distribution: {name} (packages: {family})").format(
        name=dist.name or dist.id or _("unknown"), family=dist.family or _("unknown family")))
    for workspace in report.workspaces:
        features = ", ".join(workspace.features) or _("default")
        line(_("workspace {root}: features {features}; decided by {how}").format(
            root=workspace.root, features=features,
            how=_("cargo tree") if workspace.decided_by == "cargo tree" else _("the manifests")))
        if workspace.metadata_note:
            line(workspace.metadata_note, indent=2)
    line()
    width = max((len(c.name) for c in report.checks), default=8)
    for check in report.checks:
        head = Text()
        head.append(f"{_status_word(check.status):<8} ", style=_STYLE[check.status])
        head.append(f"{check.name:<{width}}  ")
        head.append(check.found or "-")
        if not check.required:
            head.append("  " + _("(optional)"))
        line(head)
        for who in check.needed_by:
            line(_("needed by {who}").format(who=who), indent=4)
        if check.detail:
            line(check.detail, indent=4)
        if check.env:
            line(_("set: {variables}").format(variables=", ".join(check.env)), indent=4)
        if check.status != "ok" and check.install:
            label = _("install: {what}") if check.kind == "package" else _("run: {what}")
            line(label.format(what=check.install) + (f"  ({check.note})" if check.note else ""), indent=4)
    if report.conditional:
        line()
        line(_("Not built with these features:"))
        several = len(report.workspaces) > 1
        for item in report.conditional:
            where = f"{item.workspace.rstrip('/').rsplit('/', 1)[-1]}: " if several else ""
            line(where + _("{crate} {version} needs {needs}: only with feature {features}").format(
                crate=item.crate, version=item.version, needs=", ".join(item.needs),
                features=" / ".join(item.only_with)), indent=2)
    for note in report.notes:
        line(_("note: {text}").format(text=note))
    line()
    command = report.install_command
    missing = [c for c in report.checks if c.failing]
    if not missing:
        line(_("Everything this build needs is here."))
        return
    line(_("{count} missing; to install:").format(count=len(missing)))
    if command:
        line(command, indent=2)
    elif any(c.kind == "package" for c in missing):
        packages = ", ".join(sorted({c.name for c in missing if c.kind == "package"}))
        line(_("(no package names for this distribution: {needs})").format(needs=packages), indent=2)
    for toolchain in report.toolchain_commands:
        line(toolchain, indent=2)


def _segments(text: Text) -> list[tuple[str, str]]:
    """A styled Text as (text, style) segments for the writer."""
    return [(segment.text, str(segment.style) if segment.style else "") for segment in text.render(_NO_CONSOLE)
            if segment.text]
