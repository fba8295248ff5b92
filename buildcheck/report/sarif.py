"""`buildcheck check --format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it.

Every rule of `buildcheck/rules.py` is declared in `tool.driver.rules` (so ids and
descriptions show even for rules that did not fire); each finding is a result with
its `ruleId`/`ruleIndex`, `level`, message (plus the fix), one physical location and
a `partialFingerprints` entry.

Locations: a config file inside `root` gets a repository-relative URI (resolved
against `%SRCROOT%`), one outside it (~/.cargo/config.toml) an absolute `file://`
URI; an environment variable, a default or a command is placed on the workspace
manifest at line 1 and named in the message. Without a manifest such results have
no location (valid SARIF; GitHub lists them without a file).

The fingerprint hashes the rule, the location's URI, the origin (env var name etc.), the message id and its
stable parameters (strings such as a flag or a variable name; not sizes or counts, which change with every build)
— not the line and not the text — so an alert survives lines moving above it, a rewording, and `--lang zh`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from buildcheck import __version__
from buildcheck.i18n import _
from buildcheck.model import Finding
from buildcheck.report.ci_location import CiLocation, locate
from buildcheck.report.layout import PathStyle
from buildcheck.rules import RULES, Rule

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "buildcheckFinding/v1"

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": _(rule.short)},
        "fullDescription": {"text": _(rule.full)},
        "help": {"text": _(rule.full) + " " + _("See {rule} in docs/en/rules.md.").format(rule=rule.id)},
    }


def _artifact_location(location: CiLocation) -> dict[str, Any]:
    if location.relative_path is not None:
        return {"uri": quote(location.relative_path, safe="/"), "uriBaseId": SRCROOT}
    return {"uri": Path(location.absolute_path).as_uri()}


def _message(finding: Finding, location: CiLocation | None, style: PathStyle) -> str:
    text = finding.message.text(style)
    stands_in = location.stands_in_for if location else finding.origin
    if stands_in is not None and stands_in.kind != "file":
        text += _(" (from {origin})").format(origin=stands_in.describe(style))
    if finding.fix:
        text += "\n" + _("Fix: {fix}").format(fix=finding.fix.text(style))
    return text


def _stable(value: Any) -> Any:
    """The parameters that identify a finding's place and kind, not the build's numbers."""
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in sorted(value.items()) if not isinstance(v, (int, float)) or
                isinstance(v, bool)}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def fingerprint(finding: Finding, uri: str) -> str:
    origin = finding.origin
    origin_id = "" if origin is None else f"{origin.kind}:{origin.env or origin.detail or ''}"
    params = json.dumps(_stable(finding.message.params_json()), sort_keys=True, ensure_ascii=False)
    material = "\0".join((finding.rule, uri, origin_id, finding.message.id, params))
    return hashlib.sha256(material.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _placed(item: Any, manifest_path: str | None) -> tuple[Finding, str | None]:
    """A GatedFinding brings its own workspace manifest; a bare Finding takes the document's."""
    if hasattr(item, "finding"):
        return item.finding, item.manifest_path
    return item, manifest_path


def _result(finding: Finding, manifest_path: str | None, rule_index: dict[str, int], *, root: str) -> dict[str, Any]:
    location = locate(finding.origin, root=root, manifest_path=manifest_path)
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": _LEVEL[finding.severity],
        "message": {"text": _message(finding, location, PathStyle(cwd=root))},  # paths as the URIs: repo-relative
    }
    if finding.rule in rule_index:
        result["ruleIndex"] = rule_index[finding.rule]
    uri = ""
    if location is not None:
        artifact = _artifact_location(location)
        uri = artifact["uri"]
        result["locations"] = [{"physicalLocation": {
            "artifactLocation": artifact,
            "region": {"startLine": location.line or 1},
        }}]
    result["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint(finding, uri)}
    properties: dict[str, Any] = {"messageId": finding.message.id, "params": finding.message.params_json()}
    if finding.fix:
        properties["fix"] = finding.fix.text(PathStyle(cwd=root))
    result["properties"] = properties
    return result


def sarif_document(findings: Sequence[Any], *, root: str, manifest_path: str | None = None,
                   tool_version: str = __version__) -> dict[str, Any]:
    """The SARIF log for `findings`; `root` is the repository checkout the URIs are relative to."""
    rules = list(RULES.values())
    rule_index = {rule.id: index for index, rule in enumerate(rules)}
    root_uri = Path(root).resolve().as_uri().rstrip("/") + "/"
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "buildcheck",
            "version": tool_version,
            "rules": [_rule_descriptor(rule) for rule in rules],
        }},
        "originalUriBaseIds": {SRCROOT: {"uri": root_uri}},
        "results": [_result(*_placed(f, manifest_path), rule_index, root=root) for f in findings],
        "columnKind": "unicodeCodePoints",
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render(stream: TextIO, findings: Sequence[Any], *, root: str, manifest_path: str | None = None) -> None:
    json.dump(sarif_document(findings, root=root, manifest_path=manifest_path), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
