"""Findings for a person: most severe first, each with where it comes from and its fix.

Shared by every text renderer that lists findings (scan, check), so they read alike. The severity word is
translated; the rule id stays as it is (it is what the docs and CI refer to).
"""

from __future__ import annotations

from collections.abc import Sequence

from buildcheck.i18n import _
from buildcheck.model import SEVERITY_RANK, Finding
from buildcheck.report.console import TextOut

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def severity_word(severity: str) -> str:
    return {"error": _("error"), "warning": _("warning"), "info": _("info")}[severity]


def most_severe_first(findings: Sequence[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: -SEVERITY_RANK[f.severity])


def render_findings(out: TextOut, findings: Sequence[Finding], *, heading: str | None = None) -> None:
    ordered = most_severe_first(findings)
    if not ordered:
        return
    out.blank()
    out.line((heading or _("Findings"), "bold"))
    for finding in ordered:
        out.line((severity_word(finding.severity), SEVERITY_STYLE[finding.severity]), " ", finding.rule, " ",
                 out.text(finding.message), indent=2, hang=6)
        if finding.origin is not None:
            out.line(_("at {where}").format(where=out.where(finding.origin)), indent=6, hang=8)
        if finding.fix is not None:
            out.line((_("fix: "), "green"), out.remedy(finding.fix), indent=6, hang=8)
