"""The CI gate behind `buildcheck check`: the scan's findings, each binary's findings, one verdict.

Pure assembly of results computed elsewhere: the scan (settings), binary_findings
(BC100-BC102 from what a binary carries), explain's contradictions (BC103: a binary the
current settings cannot produce) and verdict.gate_verdict. The renderers get a GateReport
and decide nothing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from buildcheck.binary_evidence import BinaryEvidence
from buildcheck.binary_findings import binary_findings
from buildcheck.cargo.scan import ScanResult
from buildcheck.elf.inspect import BinaryReport
from buildcheck.explain import Explanation, explain
from buildcheck.i18n import _
from buildcheck.model import Finding
from buildcheck.recommend.verdict import FailOn, Verdict, gate_verdict


@dataclass(frozen=True, kw_only=True)
class CheckedBinary:
    evidence: BinaryEvidence
    explanation: Explanation
    findings: tuple[Finding, ...]

    def to_json(self) -> dict[str, Any]:
        out = self.evidence.to_json()
        out["headline"] = self.explanation.headline
        out["rules"] = [f.rule for f in self.findings]
        return out


@dataclass(frozen=True, kw_only=True)
class GateReport:
    scan: ScanResult
    binaries: tuple[CheckedBinary, ...]
    findings: tuple[Finding, ...]
    verdict: Verdict
    max_size: int | None

    @property
    def manifest_path(self) -> str | None:
        return str(self.scan.workspace_root / "Cargo.toml") if self.scan.workspace_root else None

    def ci_findings(self) -> list[Finding]:
        """The findings as SARIF/annotations place them: a binary is no file of the repository, so its
        findings lose their origin and land on the workspace manifest, the message naming the binary."""
        paths = {b.evidence.path for b in self.binaries}
        return [replace(f, origin=None) if f.origin is not None and f.origin.kind == "file"
                and f.origin.path in paths else f for f in self.findings]

    def sections(self) -> dict[str, Any]:
        """The JSON document's parts besides findings and verdict."""
        scan = self.scan.to_json()
        return {"command": "check",
                "scan": {"project": scan["project"], "profile": scan["profile"], "target": scan["target"],
                         "toolchain": scan["toolchain"], "environment": scan["environment"],
                         "effective": scan["effective"]},
                "max_size": self.max_size,
                "binaries": [b.to_json() for b in self.binaries]}


def _one_contradiction(explanation: Explanation) -> list[Finding]:
    """At most one BC103 per binary: the first (most general) contradiction, the others appended to it.
    `explain` lists them one by one; in a gate's output one line per binary reads better."""
    findings = explanation.contradiction_findings()
    if len(findings) <= 1:
        return findings
    rest = " ".join(_("Also: {message}.").format(message=f.message) for f in findings[1:])
    return [replace(findings[0], message=findings[0].message + ". " + rest)]


def run_gate(scan: ScanResult, reports: Sequence[BinaryReport], *, max_size: int | None = None,
             fail_on: FailOn = "error") -> GateReport:
    findings: list[Finding] = list(scan.findings)
    checked = []
    for report in reports:
        explanation = explain(scan, report)
        assert explanation.binary is not None
        own = [*binary_findings(explanation.binary, max_size=max_size, profile=scan.profile),
               *_one_contradiction(explanation)]
        checked.append(CheckedBinary(evidence=explanation.binary, explanation=explanation, findings=tuple(own)))
        findings.extend(own)
    return GateReport(scan=scan, binaries=tuple(checked), findings=tuple(findings),
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
