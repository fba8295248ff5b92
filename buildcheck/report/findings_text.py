"""Findings for a person: most severe first, each with where it comes from and its fix.

Shared by every text renderer that lists findings (scan, check), so they read alike.
A finding's lines are printed without hard wrapping: in a CI log or a pipe a
message broken at column 100 is harder to read and to grep than a long line.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape

from buildcheck.i18n import _
from buildcheck.model import SEVERITY_RANK, Finding

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def most_severe_first(findings: Sequence[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: -SEVERITY_RANK[f.severity])


def render_findings(console: Console, findings: Sequence[Finding]) -> None:
    ordered = most_severe_first(findings)
    if ordered:
        console.print(_("\n[bold]Findings[/]"))
    for finding in ordered:
        style = SEVERITY_STYLE[finding.severity]
        console.print(f"  [{style}]{finding.severity}[/] {finding.rule} {escape(finding.message)}", soft_wrap=True)
        if finding.origin is not None:
            console.print(_("      at {where}").format(where=escape(finding.origin.describe())), soft_wrap=True)
        if finding.fix:
            console.print(_("      [green]fix:[/] {fix}").format(fix=escape(finding.fix)), soft_wrap=True)
