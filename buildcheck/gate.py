"""The CI gate behind `buildcheck check`: every workspace's findings, each binary's findings, one verdict.

Pure assembly of results computed elsewhere: the project report (settings of every workspace, on the build paths
`--via` chooses), binary_findings (BC100-BC102 from what a binary carries), explain's contradictions (BC103: a
binary the current settings cannot produce) and verdict.gate_verdict. A binary is judged against the workspace that
holds it (its `target/` is under that workspace), on the build path the project's docs use (make where a Makefile
builds it). The renderers get a GateReport and decide nothing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from buildcheck.binary_evidence import BinaryEvidence
from buildcheck.binary_findings import binary_findings
from buildcheck.elf.inspect import BinaryReport
from buildcheck.explain import Explanation, explain
from buildcheck.i18n import N_
from buildcheck.messages import Joined, Message
from buildcheck.model import Finding
from buildcheck.project import BuildPath, ProjectReport, ViaChoice, WorkspaceReport, project_json
from buildcheck.recommend.verdict import FailOn, Verdict, gate_verdict


@dataclass(frozen=True, kw_only=True)
class GatedFinding:
    """A finding with the workspace manifest CI renderers place it on when it has no file of its own."""

    finding: Finding
    manifest_path: str | None


@dataclass(frozen=True, kw_only=True)
class CheckedBinary:
    evidence: BinaryEvidence
    explanation: Explanation
    findings: tuple[Finding, ...]
    workspace: Path | None

    def to_json(self) -> dict[str, Any]:
        out = self.evidence.to_json()
        out["headline"] = self.explanation.headline.text()
        out["workspace"] = str(self.workspace) if self.workspace else None
        out["rules"] = [f.rule for f in self.findings]
        return out


@dataclass(frozen=True, kw_only=True)
class GateReport:
    project: ProjectReport
    via: ViaChoice
    binaries: tuple[CheckedBinary, ...]
    gated: tuple[GatedFinding, ...]
    verdict: Verdict
    max_size: int | None

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(g.finding for g in self.gated)

    def ci_findings(self) -> list[GatedFinding]:
        """The findings as SARIF/annotations place them: a binary is no file of the repository, so its findings
        lose their origin and land on the workspace manifest, the message naming the binary."""
        paths = {b.evidence.path for b in self.binaries}
        return [replace(g, finding=replace(g.finding, origin=None))
                if g.finding.origin is not None and g.finding.origin.kind == "file" and g.finding.origin.path in paths
                else g for g in self.gated]

    def to_json(self) -> dict[str, Any]:
        """The JSON document's parts besides findings and verdict."""
        return {"command": "check", "via": self.via, "scan": project_json(self.project, "check", self.via),
                "max_size": self.max_size, "binaries": [b.to_json() for b in self.binaries]}


def manifest_path_of(workspace: WorkspaceReport) -> str | None:
    root = workspace.direct.scan.workspace_root
    return str(root / "Cargo.toml") if root else None


def owning_workspace(binary_path: str, project: ProjectReport) -> WorkspaceReport:
    """The workspace whose directory holds the binary (its target/), else the first one."""
    resolved = Path(os.path.abspath(binary_path))
    for workspace in sorted(project.workspaces, key=lambda w: -len(str(w.directory))):
        if workspace.directory == resolved or workspace.directory in resolved.parents:
            return workspace
    return project.workspaces[0]


def binary_path_for(workspace: WorkspaceReport, via: ViaChoice) -> BuildPath:
    if via == "cargo":
        return workspace.direct
    return workspace.make or workspace.direct


def _one_contradiction(explanation: Explanation) -> list[Finding]:
    """At most one BC103 per binary: the first (most general) contradiction, the others appended to it.
    `explain` lists them one by one; in a gate's output one line per binary reads better."""
    findings = explanation.contradiction_findings()
    if len(findings) <= 1:
        return findings
    # Each sentence brings its own leading space, so that a language without spaces between sentences drops it.
    also = [Message.of("BC103.also", N_(" Also: {message}."), message=f.message) for f in findings[1:]]
    return [replace(findings[0], message=Message.of("BC103.several", N_("{first}.{rest}"), first=findings[0].message,
                                                    rest=Joined(tuple(also), separator="")))]


def run_gate(project: ProjectReport, reports: Sequence[BinaryReport], *, via: ViaChoice = "both",
             max_size: int | None = None, fail_on: FailOn = "error") -> GateReport:
    gated: list[GatedFinding] = []
    for workspace in project.workspaces:
        manifest = manifest_path_of(workspace)
        gated.extend(GatedFinding(finding=f, manifest_path=manifest) for f in workspace.findings(via))
    checked = []
    for report in reports:
        workspace = owning_workspace(report.path, project)
        path = binary_path_for(workspace, via)
        explanation = explain(path.scan, path.causes, report)
        assert explanation.binary is not None
        own = [*binary_findings(explanation.binary, max_size=max_size, profile=path.scan.profile),
               *_one_contradiction(explanation)]
        checked.append(CheckedBinary(evidence=explanation.binary, explanation=explanation, findings=tuple(own),
                                     workspace=workspace.direct.scan.workspace_root))
        gated.extend(GatedFinding(finding=f, manifest_path=manifest_path_of(workspace)) for f in own)
    findings = [g.finding for g in gated]
    return GateReport(project=project, via=via, binaries=tuple(checked), gated=tuple(gated),
                      verdict=gate_verdict(findings, fail_on), max_size=max_size)


def repository_root(directory: Path, workspace_root: Path | None, env: Mapping[str, str]) -> Path:
    """What SARIF URIs and annotation paths are relative to: the checkout CI runs in.

    GITHUB_WORKSPACE when it holds the directory (Actions sets it), else the nearest directory
    with a `.git`, else the workspace root, else the directory itself.
    """
    directory = directory.resolve()
    github = env.get("GITHUB_WORKSPACE")
    if github:
        candidate = Path(github).resolve()
        if candidate == directory or candidate in directory.parents:
            return candidate
    for candidate in (directory, *directory.parents):
        if os.path.exists(candidate / ".git"):
            return candidate
    return workspace_root or directory
