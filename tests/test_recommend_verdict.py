import io
import json

import pytest

from helpers.messages import note
from buildcheck.model import Finding, Origin
from buildcheck.recommend.verdict import gate_verdict
from buildcheck.report import findings_json

ERR = Finding(rule="BC001", severity="error", message=note("-g"), origin=Origin.environment("RUSTFLAGS"), fix=note("unset"))
WARN = Finding(rule="BC004", severity="warning", message=note("build-override"), origin=Origin.file("/w/Cargo.toml", 9))
INFO = Finding(rule="BC200", severity="info", message=note("native"))


@pytest.mark.parametrize(("findings", "fail_on", "passed"), [
    ([], "error", True),
    ([INFO], "warning", True),
    ([WARN, INFO], "error", True),
    ([WARN], "warning", False),
    ([ERR], "error", False),
    ([ERR], "warning", False),
])
def test_gate(findings, fail_on, passed):
    verdict = gate_verdict(findings, fail_on)
    assert verdict.passed is passed
    assert verdict.exit_code == (0 if passed else 1)


def test_counts():
    assert dict(gate_verdict([ERR, WARN, WARN, INFO]).counts) == {"error": 1, "warning": 2, "info": 1}


def test_json_document_contract():
    out = io.StringIO()
    findings_json.render(out, [ERR, WARN], gate_verdict([ERR, WARN]), sections={"binaries": []})
    doc = json.loads(out.getvalue())
    assert doc["schema_version"] == 2
    assert doc["verdict"] == {"result": "fail", "fail_on": "error", "exit_code": 1,
                              "counts": {"error": 1, "warning": 1, "info": 0}}
    first, second = doc["findings"]
    assert first == {"rule": "BC001", "name": "rustflags-debuginfo", "severity": "error", "message": "-g",
                     "message_id": "test.note", "params": {"text": "-g"}, "location": {"env": "RUSTFLAGS"},
                     "fix": "unset", "fix_id": "test.note", "fix_params": {"text": "unset"}}
    assert second["location"] == {"path": "/w/Cargo.toml", "line": 9}
    assert doc["binaries"] == []


def test_sections_cannot_overwrite_the_contract():
    with pytest.raises(ValueError):
        findings_json.findings_document([], gate_verdict([]), sections={"verdict": {}})
