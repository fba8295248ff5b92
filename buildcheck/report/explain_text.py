"""`buildcheck explain` for a person: the headline, the causes ranked with their evidence, the contradictions."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from buildcheck.explain import Explanation
from buildcheck.i18n import _
from buildcheck.sizes import format_size



def _seen(seen: bool | None) -> tuple[str, str]:
    if seen is None:
        return "cyan", _("predicted from the settings")
    return ("green", _("seen in the binary")) if seen else ("yellow", _("not in the binary"))


def render(console: Console, explanation: Explanation) -> None:
    project = explanation.project or _("no cargo workspace found")
    version = explanation.cargo_version or _("unknown")
    subject = explanation.binary.path if explanation.binary else _("(no binary: settings only)")
    console.print(_("[bold]buildcheck explain[/] {subject}").format(subject=escape(subject)))
    console.print(_("settings of {project}, profile {profile}, cargo {version} (from {where})").format(
        project=escape(project), profile=escape(explanation.profile), version=version,
        where=escape(explanation.toolchain_origin.describe())))
    binary = explanation.binary
    if binary is not None:
        console.print(_("{size}: debug sections {debug}, .debug_info {info}; about {stripped} without "
                        "them").format(size=format_size(binary.file_size), debug=format_size(binary.debug_bytes),
                                       info=format_size(binary.debug_info_bytes),
                                       stripped=format_size(binary.stripped_size_estimate)))
    console.print()
    console.print("[bold]" + escape(explanation.headline) + "[/]")

    if explanation.causes:
        console.print(_("\n[bold]Causes[/] (most important first)"))
    for number, cause in enumerate(explanation.causes, start=1):
        style, label = _seen(cause.seen_in_binary)
        console.print(f"  {number}. {escape(cause.summary)}  [{style}]{escape(label)}[/]  {cause.rule}")
        for line in cause.evidence:
            console.print(f"       - {escape(line)}")
        if cause.fix:
            console.print(_("       [green]fix:[/] {fix}").format(fix=escape(cause.fix)))

    if explanation.contradictions:
        console.print(_("\n[bold]The binary contradicts the current settings[/]"))
    for contradiction in explanation.contradictions:
        console.print(f"  [yellow]![/] {escape(contradiction.message)}")
        for line in contradiction.evidence:
            console.print(f"       - {escape(line)}")
