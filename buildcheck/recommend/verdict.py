"""The CI gate's decision: do these findings fail the build at the chosen threshold?

Kept apart from the renderers (JSON, SARIF, GitHub), which only print the verdict
they are handed. `--fail-on error` (the default) fails on errors; `--fail-on warning`
also on warnings. Info findings never fail.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from buildcheck.model import SEVERITY_RANK, Finding

FailOn = Literal["error", "warning"]
FAIL_ON_CHOICES: tuple[FailOn, ...] = ("error", "warning")


@dataclass(frozen=True, kw_only=True)
class Verdict:
    passed: bool
    fail_on: FailOn
    counts: Mapping[str, int]

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1

    def to_json(self) -> dict[str, object]:
        return {"result": "pass" if self.passed else "fail", "fail_on": self.fail_on,
                "exit_code": self.exit_code, "counts": dict(self.counts)}


def gate_verdict(findings: Sequence[Finding], fail_on: FailOn = "error") -> Verdict:
    threshold = SEVERITY_RANK[fail_on]
    counts = {severity: 0 for severity in ("error", "warning", "info")}
    for finding in findings:
        counts[finding.severity] += 1
    failed = any(SEVERITY_RANK[f.severity] >= threshold for f in findings)
    return Verdict(passed=not failed, fail_on=fail_on, counts=counts)
