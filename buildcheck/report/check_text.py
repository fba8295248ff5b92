"""`buildcheck check` for a person: what was checked, each finding with where to fix it, the verdict."""

from __future__ import annotations

from buildcheck.gate import GateReport, manifest_path_of
from buildcheck.i18n import N_, _
from buildcheck.messages import Message, Percent, Size
from buildcheck.project import BuildPath
from buildcheck.report.console import TextOut
from buildcheck.report.findings_text import render_findings


def _settings(out: TextOut, path: BuildPath, label: str) -> None:
    out.line(_("{path}: {verdict}").format(path=label, verdict=out.text(path.verdict)), indent=2)


def render(out: TextOut, report: GateReport) -> None:
    project = report.project
    for workspace in project.workspaces:
        scan = workspace.direct.scan
        where = out.path(str(scan.workspace_root)) if scan.workspace_root else _("no cargo workspace found")
        version = str(scan.cargo_version) if scan.cargo_version else _("unknown")
        out.line((_("buildcheck check"), "bold"), " ", where, "  ",
                 _("profile {profile}  cargo {version}").format(profile=scan.profile, version=version))
        for path in workspace.paths(report.via):
            label = _("through make") if path.via == "make" else _("direct cargo build")
            _settings(out, path, label)
    for binary in report.binaries:
        ev = binary.evidence
        line = Message.of("check.binary", N_("{path}  {size}, debug sections {debug} ({percent}), about {stripped} "
                                             "without them"), path=ev.path, size=Size(ev.file_size),
                          debug=Size(ev.debug_bytes),
                          percent=Percent(ev.debug_bytes / ev.file_size if ev.file_size else 0.0),
                          stripped=Size(ev.stripped_size_estimate))
        out.line(_("binary: "), out.text(line))
        out.line(out.text(binary.explanation.headline), indent=2)

    if len(project.workspaces) > 1:  # a repository root: each workspace's findings under its name
        for workspace in project.workspaces:
            root = workspace.direct.scan.workspace_root
            manifest = manifest_path_of(workspace)
            own = [g.finding for g in report.gated if g.manifest_path == manifest]
            name = out.path(str(root)) if root else _("no cargo workspace found")
            render_findings(out, own, heading=_("Findings in {workspace}").format(workspace=name))
    else:
        render_findings(out, report.findings)

    verdict = report.verdict
    counts = verdict.counts
    summary = _("{errors} error(s), {warnings} warning(s), {infos} info").format(
        errors=counts.get("error", 0), warnings=counts.get("warning", 0), infos=counts.get("info", 0))
    out.blank()
    if verdict.passed:
        out.line((_("PASS"), "bold green"), _(" (fails on {fail_on}): {summary}").format(
            fail_on=verdict.fail_on, summary=summary))
    else:
        out.line((_("FAIL"), "bold red"), _(" (fails on {fail_on}): {summary}").format(
            fail_on=verdict.fail_on, summary=summary))
