"""SARIF output checked against the structure SARIF 2.1.0 requires and GitHub code scanning reads.

No PyPI package ships the official SARIF JSON schema for offline use (sarif-om, the
object model, does not), so `check_sarif` checks the required properties and types by
hand: the ones the specification marks required and the ones GitHub's upload documents.
"""

import io
import json
import re
from pathlib import Path

import pytest

from helpers.messages import note
from buildcheck.model import Finding, Origin
from buildcheck.report import sarif
from buildcheck.rules import RULES

LEVELS = {"none", "note", "warning", "error"}


def check_sarif(log: dict) -> None:
    """Raise AssertionError naming the first structural problem."""
    assert set(log) >= {"version", "$schema", "runs"}, "top level needs version, $schema, runs"
    assert log["version"] == "2.1.0"
    assert re.search(r"sarif-schema-2\.1\.0\.json$|sarif-2\.1\.0", log["$schema"])
    assert isinstance(log["runs"], list) and log["runs"]
    for run in log["runs"]:
        driver = run["tool"]["driver"]
        assert isinstance(driver["name"], str) and driver["name"]
        rules = driver.get("rules", [])
        ids = [rule["id"] for rule in rules]
        assert len(ids) == len(set(ids)), "rule ids must be unique"
        for rule in rules:
            assert isinstance(rule["id"], str) and rule["id"]
            for key in ("shortDescription", "fullDescription", "help"):
                if key in rule:
                    assert isinstance(rule[key]["text"], str) and rule[key]["text"]
        for base in run.get("originalUriBaseIds", {}).values():
            assert base["uri"].endswith("/"), "a base URI must end with a slash"
        for result in run["results"]:
            assert isinstance(result["message"]["text"], str) and result["message"]["text"]
            assert result["ruleId"] in ids, "every result's rule is declared"
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"], "ruleIndex points at ruleId"
            assert result["level"] in LEVELS
            fingerprints = result["partialFingerprints"]
            assert fingerprints and all(isinstance(v, str) and v for v in fingerprints.values())
            for location in result.get("locations", []):
                physical = location["physicalLocation"]
                artifact = physical["artifactLocation"]
                uri = artifact["uri"]
                assert isinstance(uri, str) and uri and " " not in uri
                if "uriBaseId" in artifact:
                    assert not uri.startswith("/") and "://" not in uri, "relative URI with a base"
                    assert artifact["uriBaseId"] in run.get("originalUriBaseIds", {})
                else:
                    assert uri.startswith("file:///"), "absolute URIs are file:// URIs"
                region = physical.get("region")
                if region is not None:
                    assert isinstance(region["startLine"], int) and region["startLine"] >= 1


ROOT = "/home/ci/checkout"
MANIFEST = "/home/ci/checkout/damocles-worker/Cargo.toml"
FINDINGS = [
    Finding(rule="BC001", severity="error", message=note("-g in build.rustflags"),
            origin=Origin.file("/home/ci/checkout/damocles-worker/.cargo/config.toml", 3), fix=note("remove -g")),
    Finding(rule="BC001", severity="error", message=note("-g in RUSTFLAGS"), origin=Origin.environment("RUSTFLAGS"),
            fix=note("export RUSTFLAGS='-C target-cpu=native'")),
    Finding(rule="BC002", severity="warning", message=note("debug = true"),
            origin=Origin.file("/home/op/.cargo/config.toml", 12)),
    Finding(rule="BC200", severity="info", message=note("native"), origin=Origin.file("dir with space/x.toml")),
    Finding(rule="BC020", severity="info", message=note("unknown toolchain"), origin=Origin.default("assumed")),
    Finding(rule="BC100", severity="error", message=note("no origin at all")),
]


def document(findings=FINDINGS, manifest=MANIFEST):
    return sarif.sarif_document(findings, root=ROOT, manifest_path=manifest)


def test_structure_is_valid():
    check_sarif(document())
    check_sarif(document(manifest=None))
    check_sarif(document([]))


def test_the_checker_catches_broken_logs():
    """The structural checker is itself tested: each mutation must be rejected."""
    def broken(mutate):
        log = json.loads(json.dumps(document()))
        mutate(log)
        with pytest.raises((AssertionError, KeyError, IndexError, TypeError)):
            check_sarif(log)

    broken(lambda log: log.pop("$schema"))
    broken(lambda log: log.update(version="2.0.0"))
    broken(lambda log: log["runs"][0]["results"][0].update(ruleIndex=5))
    broken(lambda log: log["runs"][0]["results"][0].update(level="fatal"))
    broken(lambda log: log["runs"][0]["results"][0].pop("partialFingerprints"))
    broken(lambda log: log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"].update(startLine=0))
    broken(lambda log: log["runs"][0]["tool"]["driver"]["rules"].pop(0))


def test_every_rule_is_declared_with_descriptions():
    rules = document()["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(RULES)
    for rule in rules:
        assert rule["shortDescription"]["text"] == RULES[rule["id"]].short


def _locations(log):
    return [r.get("locations", [None])[0] for r in log["runs"][0]["results"]]


def test_config_file_inside_root_is_repo_relative_with_its_line():
    first = _locations(document())[0]["physicalLocation"]
    assert first["artifactLocation"] == {"uri": "damocles-worker/.cargo/config.toml", "uriBaseId": "%SRCROOT%"}
    assert first["region"]["startLine"] == 3


def test_env_cause_is_placed_on_the_manifest_and_named_in_the_message():
    log = document()
    result = log["runs"][0]["results"][1]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "damocles-worker/Cargo.toml"
    assert "RUSTFLAGS" in result["message"]["text"]
    assert "export RUSTFLAGS" in result["message"]["text"]  # the fix travels with the message


def test_outside_root_is_an_absolute_file_uri_and_spaces_are_encoded():
    locations = _locations(document())
    assert locations[2]["physicalLocation"]["artifactLocation"] == {"uri": "file:///home/op/.cargo/config.toml"}
    assert locations[3]["physicalLocation"]["artifactLocation"]["uri"] == "dir%20with%20space/x.toml"
    assert locations[3]["physicalLocation"]["region"]["startLine"] == 1


def test_without_manifest_env_results_have_no_location():
    results = document(manifest=None)["runs"][0]["results"]
    assert "locations" not in results[1] and "locations" not in results[5]
    assert "locations" in results[0]


def test_levels():
    assert [r["level"] for r in document()["runs"][0]["results"]] == ["error", "error", "warning", "note", "note",
                                                                      "error"]


def test_fingerprints_are_stable_across_line_moves_and_distinct_across_findings():
    moved = [Finding(rule="BC001", severity="error", message=note("-g in build.rustflags"),
                     origin=Origin.file("/home/ci/checkout/damocles-worker/.cargo/config.toml", 30), fix=note("remove -g"))]
    fp = lambda log: [r["partialFingerprints"] for r in log["runs"][0]["results"]]  # noqa: E731
    assert fp(document(moved))[0] == fp(document())[0]
    assert len({json.dumps(x) for x in fp(document())}) == len(FINDINGS)


def test_render_writes_json(tmp_path):
    out = io.StringIO()
    sarif.render(out, FINDINGS, root=ROOT, manifest_path=MANIFEST)
    check_sarif(json.loads(out.getvalue()))


def test_root_base_uri_points_at_the_checkout(tmp_path):
    log = sarif.sarif_document(FINDINGS, root=str(tmp_path), manifest_path=None)
    assert log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == Path(tmp_path).resolve().as_uri() + "/"


def test_fingerprints_survive_a_language_change_and_a_rewording():
    """SARIF fingerprints hash the rule, the place, the message id and its stable parameters: `--lang zh`, a
    reworded template or a changed size reopens no code-scanning alert; another flag is another alert."""
    from buildcheck import i18n
    from buildcheck.messages import Message, Size

    origin = Origin.environment("RUSTFLAGS")

    def finding(template: str, flag: str, size: int) -> Finding:
        return Finding(rule="BC001", severity="error", origin=origin,
                       message=Message.of("BC001.lands", template, flag=flag, source=origin, size=Size(size)))

    base = sarif.fingerprint(finding("`{flag}` in {source} ({size})", "-g", 1), "Cargo.toml")
    try:
        i18n.set_language("zh")
        assert sarif.fingerprint(finding("`{flag}` in {source} ({size})", "-g", 1), "Cargo.toml") == base
    finally:
        i18n.set_language("en")
    assert sarif.fingerprint(finding("{flag} is in {source} ({size})", "-g", 1), "Cargo.toml") == base
    assert sarif.fingerprint(finding("`{flag}` in {source} ({size})", "-g", 99), "Cargo.toml") == base
    assert sarif.fingerprint(finding("`{flag}` in {source} ({size})", "-Cdebuginfo=2", 1), "Cargo.toml") != base


def test_paths_in_the_message_and_fix_are_repository_relative_like_the_uri():
    from buildcheck.messages import Message

    pin = Origin.file(f"{ROOT}/ws/rust-toolchain.toml", 2)
    finding = Finding(rule="BC025", severity="warning", origin=pin,
                      message=Message.of("t", "the toolchain that {source} selects", source=pin),
                      fix=Message.of("t.fix", "edit {source}", source=pin))
    (result,) = document([finding])["runs"][0]["results"]
    assert result["message"]["text"] == "the toolchain that ws/rust-toolchain.toml:2 selects\nFix: edit ws/rust-toolchain.toml:2"
    assert result["properties"]["fix"] == "edit ws/rust-toolchain.toml:2"
