"""`buildcheck check` for a person: what was checked, each finding with where to fix it, the verdict."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from buildcheck.gate import GateReport
from buildcheck.i18n import _
from buildcheck.report.findings_text import most_severe_first, render_findings
from buildcheck.sizes import format_size



def _percent(part: int, whole: int) -> str:
    return "{p:.1f}%".format(p=100.0 * part / whole) if whole else "-"


def render(console: Console, report: GateReport) -> None:
    scan = report.scan
    project = str(scan.workspace_root) if scan.workspace_root else _("no cargo workspace found")
    version = str(scan.cargo_version) if scan.cargo_version else _("unknown")
    console.print(_("[bold]buildcheck check[/] {project}  profile [bold]{profile}[/]  cargo {version}").format(
        project=escape(project), profile=escape(scan.profile), version=version))
    if scan.debug_sections_expected:
        console.print(_("settings: the binary will carry debug sections (debuginfo {level}, strip {strip})").format(
            level=scan.debuginfo, strip=scan.strip))
    else:
        console.print(_("settings: no debug sections expected (debuginfo {level}, strip {strip})").format(
            level=scan.debuginfo, strip=scan.strip))
    for binary in report.binaries:
        ev = binary.evidence
        console.print(_("binary: {path}  {size}, debug sections {debug} ({percent}), about {stripped} "
                        "without them").format(
            path=escape(ev.path), size=format_size(ev.file_size), debug=format_size(ev.debug_bytes),
            percent=_percent(ev.debug_bytes, ev.file_size), stripped=format_size(ev.stripped_size_estimate)))
        console.print("  " + escape(binary.explanation.headline))

    findings = most_severe_first(report.findings)
    render_findings(console, findings)

    verdict = report.verdict
    counts = verdict.counts
    summary = _("{errors} error(s), {warnings} warning(s), {infos} info").format(
        errors=counts.get("error", 0), warnings=counts.get("warning", 0), infos=counts.get("info", 0))
    console.print()
    if verdict.passed:
        console.print(_("[bold green]PASS[/] (fails on {fail_on}): {summary}").format(
            fail_on=verdict.fail_on, summary=summary))
    else:
        console.print(_("[bold red]FAIL[/] (fails on {fail_on}): {summary}").format(
            fail_on=verdict.fail_on, summary=summary))
