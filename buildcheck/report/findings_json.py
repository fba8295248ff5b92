"""`buildcheck check --format json`: the findings and the verdict, as one JSON document.

Contract (schema_version 2):
    {"schema_version": 2,
     "tool": {"name": "buildcheck", "version": "..."},
     "verdict": {"result": "pass"|"fail", "fail_on": "error"|"warning", "exit_code": 0|1,
                 "counts": {"error": n, "warning": n, "info": n}},
     "findings": [{"rule", "name", "severity", "message", "message_id", "params",
                   "location": {path, line} | {env} | ... | null, "fix", "fix_id", "fix_params"}],
     ...sections the caller adds (e.g. "scan", "binaries")}
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from buildcheck import __version__
from buildcheck.model import Finding
from buildcheck.recommend.verdict import Verdict

SCHEMA_VERSION = 2


def findings_document(findings: Sequence[Finding], verdict: Verdict, *,
                      sections: Mapping[str, Any] | None = None) -> dict[str, Any]:
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "buildcheck", "version": __version__},
        "verdict": verdict.to_json(),
        "findings": [finding.to_json() for finding in findings],
    }
    for name, section in (sections or {}).items():
        if name in document:
            raise ValueError(f"section {name!r} would overwrite a top-level key")
        document[name] = section
    return document


def render(stream: TextIO, findings: Sequence[Finding], verdict: Verdict, *,
           sections: Mapping[str, Any] | None = None) -> None:
    json.dump(findings_document(findings, verdict, sections=sections), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
