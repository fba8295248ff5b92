"""`buildcheck check --format github`: GitHub Actions workflow commands, one annotation per finding.

    ::error file=.cargo/config.toml,line=3,title=BC001 rustflags-debuginfo::-g in build.rustflags ...

Severities map to `error`, `warning` and `notice`. Escaping follows the runner's rules:
in the message `%`, CR and LF are percent-encoded (so a multi-line message with its
fix stays one command); property values additionally encode `:` and `,`.
A file inside `root` is given repository-relative; an environment variable or default
is shown on the workspace manifest and named in the message; a file outside the
repository (~/.cargo/config.toml) is given by its absolute path: GitHub lists the
annotation with it but cannot draw it on a diff. Paths inside the message are shown as
the file is, relative to `root`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TextIO

from buildcheck.i18n import _
from buildcheck.model import Finding
from buildcheck.report.ci_location import locate
from buildcheck.report.layout import PathStyle
from buildcheck.rules import RULES

_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(item: Any, *, root: str, manifest_path: str | None = None) -> str:
    """One workflow command; `item` is a Finding, or a GatedFinding that brings its workspace manifest."""
    finding: Finding = item.finding if hasattr(item, "finding") else item
    manifest_path = item.manifest_path if hasattr(item, "finding") else manifest_path
    location = locate(finding.origin, root=root, manifest_path=manifest_path)
    style = PathStyle(cwd=root)  # paths in the text as in the annotation: repository-relative
    message = finding.message.text(style)
    properties: list[tuple[str, str]] = []
    if location is not None:
        # Outside the repository (~/.cargo/config.toml, a parent directory's .cargo/) GitHub cannot
        # draw the annotation on a diff, but it still lists it with this file and line, and a
        # reader (or a script) needs exactly that: the absolute path says where to go.
        properties.append(("file", location.relative_path or location.absolute_path))
        if location.line is not None:
            properties.append(("line", str(location.line)))
    stands_in = location.stands_in_for if location else finding.origin
    if stands_in is not None and stands_in.kind != "file":
        message += _(" (from {origin})").format(origin=stands_in.describe(style))
    if finding.fix:
        message += "\n" + _("Fix: {fix}").format(fix=finding.fix.text(style))
    rule = RULES.get(finding.rule)
    properties.append(("title", f"{finding.rule} {rule.name}" if rule else finding.rule))
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{_COMMAND[finding.severity]} {props}::{escape_data(message)}"


def annotations(findings: Sequence[Any], *, root: str, manifest_path: str | None = None) -> list[str]:
    return [annotation(f, root=root, manifest_path=manifest_path) for f in findings]


def render(stream: TextIO, findings: Sequence[Any], *, root: str, manifest_path: str | None = None) -> None:
    for line in annotations(findings, root=root, manifest_path=manifest_path):
        stream.write(line + "\n")
