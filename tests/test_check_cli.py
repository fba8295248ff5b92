"""`buildcheck check` as CI runs it: exit codes, the JSON contract, SARIF, GitHub annotations, colour."""

from __future__ import annotations

import json

import pytest
from helpers.scenario import BINARY_FIXTURES, Scenario
from test_report_sarif import check_sarif

ANSI = "\x1b["


def _json(done) -> dict:
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def test_lotus_rustflags_on_old_cargo_fail_naming_rustflags(tmp_path):
    s = Scenario("lotus-g-1.72", tmp_path)
    assert s.env["RUSTFLAGS"] == "-C target-cpu=native -g"
    text = s.run("check", env={"NO_COLOR": "1"})
    assert text.returncode == 1, text.stderr
    assert "RUSTFLAGS" in text.stdout and "BC001" in text.stdout and "FAIL" in text.stdout
    data = _json(s.run("check", "--format", "json"))
    assert data["verdict"]["result"] == "fail" and data["verdict"]["exit_code"] == 1
    bc001 = [f for f in data["findings"] if f["rule"] == "BC001"]
    assert len(bc001) == 1 and bc001[0]["severity"] == "error"
    assert bc001[0]["location"] == {"env": "RUSTFLAGS"}
    assert bc001[0]["fix"] == 'export RUSTFLAGS="-C target-cpu=native"'
    assert data["scan"]["toolchain"]["cargo_version"] == "1.72.0"
    assert data["scan"]["effective"]["debuginfo"] == "full"


def test_lotus_flags_with_the_cfg_tokio_unstable_of_the_issue(tmp_path):
    s = Scenario("lotus-g-1.72", tmp_path)
    done = s.run("check", "--format", "json", env={"RUSTFLAGS": "-C target-cpu=native -g --cfg tokio_unstable"})
    data = _json(done)
    assert done.returncode == 1
    bc001 = next(f for f in data["findings"] if f["rule"] == "BC001")
    assert bc001["location"] == {"env": "RUSTFLAGS"}
    assert bc001["fix"] == 'export RUSTFLAGS="-C target-cpu=native --cfg tokio_unstable"'


def test_parent_directory_config_line_3_in_json_and_github(tmp_path):
    s = Scenario("parent-dir-config-line3", tmp_path)
    config = (s.root / "parent" / ".cargo" / "config.toml").resolve()
    assert config.read_text().splitlines()[2] == "debug = true"
    data = _json(s.run("check", "--format", "json"))
    bc002 = next(f for f in data["findings"] if f["rule"] == "BC002")
    assert bc002["location"] == {"path": str(config), "line": 3}
    assert data["verdict"]["result"] == "fail"

    # Outside the repository (the workspace is the root): an annotation at the file's absolute path and line.
    done = s.run("check", "--format", "github")
    assert done.returncode == 1
    line = next(x for x in done.stdout.splitlines() if "BC002" in x)
    assert line.startswith(f"::error file={config},line=3,title=BC002")

    # The same checkout inside a git repository rooted at parent/: a file annotation at that line.
    (s.root / "parent" / ".git").mkdir()
    done = s.run("check", "--format", "github")
    line = next(x for x in done.stdout.splitlines() if "BC002" in x)
    assert line.startswith("::error file=.cargo/config.toml,line=3,title=BC002 profile-debug::"), line


def test_clean_setup_passes_in_every_format(tmp_path):
    s = Scenario("clean", tmp_path)
    for fmt in ("text", "json", "sarif", "github"):
        done = s.run("check", "--format", fmt)
        assert done.returncode == 0, (fmt, done.stdout, done.stderr)
    data = _json(s.run("check", "--format", "json"))
    assert data["verdict"] == {"result": "pass", "fail_on": "error", "exit_code": 0,
                               "counts": {"error": 0, "warning": 0, "info": 0}}
    assert data["findings"] == [] and data["binaries"] == []
    assert s.run("check", "--format", "github").stdout == ""


def test_fail_on_warning_fails_on_the_std_debug_info_of_old_cargo(tmp_path):
    s = Scenario("lotus-g-1.72", tmp_path)
    done = s.run("check", "--format", "json", unset=("RUSTFLAGS",))
    assert done.returncode == 0, done.stdout
    assert [f["rule"] for f in json.loads(done.stdout)["findings"]] == ["BC005"]
    assert s.run("check", "--fail-on", "warning", unset=("RUSTFLAGS",)).returncode == 1


def test_max_size_fails_an_oversized_binary(tmp_path):
    s = Scenario("clean", tmp_path)
    binary = BINARY_FIXTURES / "c-nodebug"
    size = binary.stat().st_size
    over = _json(s.run("check", "--binary", str(binary), "--max-size", str(size - 1), "--format", "json"))
    assert over["verdict"]["result"] == "fail"
    bc101 = [f for f in over["findings"] if f["rule"] == "BC101"]
    assert len(bc101) == 1 and str(size) in bc101[0]["message"] and bc101[0]["location"] == {"path": str(binary)}
    assert over["binaries"][0]["rules"] == ["BC101"] and over["max_size"] == size - 1
    at_limit = s.run("check", "--binary", str(binary), "--max-size", str(size), "--format", "json")
    assert at_limit.returncode == 0 and json.loads(at_limit.stdout)["findings"] == []
    assert s.run("check", "--binary", str(binary), "--max-size", "1K").returncode == 1
    assert s.run("check", "--binary", str(binary), "--max-size", "1MiB").returncode == 0


@pytest.mark.parametrize("bad", ["lots", "-5M", "0", "1e9"])
def test_unparsable_max_size_is_a_usage_error(tmp_path, bad):
    s = Scenario("clean", tmp_path)
    done = s.run("check", "--binary", str(BINARY_FIXTURES / "c-nodebug"), "--max-size", bad)
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_unreadable_inputs_exit_2_with_one_line(tmp_path):
    s = Scenario("clean", tmp_path)
    (tmp_path / "notelf").write_text("hello\n")
    for args in (("--binary", str(tmp_path / "missing")), ("--binary", str(tmp_path / "notelf")),
                 ("--binary", str(tmp_path)), ("--max-size", "10M"), (str(tmp_path / "nodir"),)):
        done = s.run("check", *args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr, args
    broken = Scenario("broken-toml", tmp_path)
    done = broken.run("check", "--format", "sarif")
    assert done.returncode == 2 and done.stdout == "" and "config.toml" in done.stderr


def test_binary_with_crate_debug_info_fails_and_std_only_warns(tmp_path):
    s = Scenario("clean", tmp_path)
    debug = _json(s.run("check", "--binary", str(BINARY_FIXTURES / "rust-tiny-debug"), "--format", "json"))
    assert debug["verdict"]["result"] == "fail"
    bc100 = next(f for f in debug["findings"] if f["rule"] == "BC100")
    assert bc100["severity"] == "error" and "tiny" in bc100["message"]
    assert debug["binaries"][0]["crates_with_debug_info"][0]["crate"] == "tiny"
    std = s.run("check", "--binary", str(BINARY_FIXTURES / "rust-tiny"), "--format", "json")
    data = _json(std)
    assert std.returncode == 0
    assert {f["rule"]: f["severity"] for f in data["findings"]}["BC102"] == "warning"
    assert s.run("check", "--binary", str(BINARY_FIXTURES / "rust-tiny"), "--fail-on", "warning").returncode == 1


def test_sarif_is_valid_and_places_everything_in_the_repository(tmp_path):
    s = Scenario("lotus-g-1.72", tmp_path)
    binary = BINARY_FIXTURES / "rust-tiny-debug"
    done = s.run("check", "--binary", str(binary), "--max-size", "10K", "--format", "sarif")
    assert done.returncode == 1
    log = json.loads(done.stdout)
    check_sarif(log)
    results = log["runs"][0]["results"]
    by_rule = {r["ruleId"]: r for r in results}
    assert {"BC001", "BC005", "BC100", "BC101"} <= set(by_rule)
    for rule in ("BC001", "BC100", "BC101"):  # env var and binary: on the workspace manifest
        artifact = by_rule[rule]["locations"][0]["physicalLocation"]["artifactLocation"]
        assert artifact == {"uri": "Cargo.toml", "uriBaseId": "%SRCROOT%"}
    assert "environment variable RUSTFLAGS" in by_rule["BC001"]["message"]["text"]
    assert str(binary) in by_rule["BC100"]["message"]["text"]
    assert log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == s.cwd.resolve().as_uri() + "/"


def test_sarif_uses_github_workspace_as_the_root(tmp_path):
    s = Scenario("parent-dir-config-line3", tmp_path)
    done = s.run("check", "--format", "sarif", env={"GITHUB_WORKSPACE": str(s.root / "parent")})
    log = json.loads(done.stdout)
    check_sarif(log)
    result = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "BC002")
    physical = result["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": ".cargo/config.toml", "uriBaseId": "%SRCROOT%"}
    assert physical["region"]["startLine"] == 3


def test_colour_follows_the_option_and_no_color(tmp_path):
    s = Scenario("lotus-g-1.72", tmp_path)
    assert ANSI in s.run("--color", "always", "check").stdout
    assert ANSI not in s.run("--color", "never", "check", env={"FORCE_COLOR": "1"}).stdout
    assert ANSI not in s.run("check", env={"NO_COLOR": "1", "FORCE_COLOR": "1"}).stdout
    assert ANSI in s.run("check", env={"FORCE_COLOR": "1"}).stdout
    assert ANSI not in s.run("check").stdout  # not a terminal
    for fmt in ("json", "sarif", "github"):  # machine formats never carry colour
        assert ANSI not in s.run("--color", "always", "check", "--format", fmt).stdout


def test_dir_argument_and_profile(tmp_path):
    s = Scenario("clean", tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = s.run("check", str(s.cwd), "--format", "json", cwd=elsewhere)
    assert done.returncode == 0 and json.loads(done.stdout)["scan"]["project"] == str(s.cwd.resolve())
    dev = _json(s.run("check", str(s.cwd), "--profile", "dev", "--format", "json", cwd=elsewhere))
    assert dev["scan"]["profile"] == "dev" and dev["verdict"]["result"] == "fail"
    assert any(f["rule"] == "BC002" for f in dev["findings"])


def test_one_contradiction_finding_per_binary(tmp_path):
    s = Scenario("clean", tmp_path)  # cargo 1.95 strips: neither binary can come from these settings
    done = s.run("check", "--binary", str(BINARY_FIXTURES / "mixed-rust-c"), "--binary",
                 str(BINARY_FIXTURES / "rust-tiny"), "--format", "json")
    data = _json(done)
    bc103 = [f for f in data["findings"] if f["rule"] == "BC103"]
    assert [f["location"]["path"] for f in bc103] == [str(BINARY_FIXTURES / "mixed-rust-c"),
                                                      str(BINARY_FIXTURES / "rust-tiny")]
    assert bc103[0]["message"].count("Also:") == 2 and "Also:" not in bc103[1]["message"]
    assert all(f["severity"] == "warning" for f in bc103)


def test_several_contradictions_of_one_binary_are_one_finding_in_sentences(tmp_path):
    s = Scenario("clean", tmp_path)
    data = _json(s.run("check", "--binary", str(BINARY_FIXTURES / "mixed-rust-c"), "--format", "json"))
    (bc103,) = [f for f in data["findings"] if f["rule"] == "BC103"]
    assert bc103["message_id"] == "BC103.several"
    text = bc103["message"]
    assert text.count(". Also: ") >= 1 and ".," not in text and text.endswith(".")


def test_at_a_repository_root_each_workspace_has_its_own_findings(tmp_path):
    """Two workspaces, the same BC001 in both: the text says whose is whose."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent
    root = tmp_path / "damocles"
    shutil.copytree(repo / "fixtures" / "make" / "damocles", root)
    shutil.copytree(repo / "fixtures" / "docs" / "damocles", root, dirs_exist_ok=True)
    env = {"PATH": str(tmp_path / "no-cargo"), "HOME": str(tmp_path / "home"), "CARGO_HOME": str(tmp_path / "ch"),
           "LANG": "C", "RUSTFLAGS": "-g", "PYTHONPATH": str(repo), "COLUMNS": "200"}
    done = subprocess.run([sys.executable, "-m", "buildcheck", "--color", "never", "check"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    sections = done.stdout.split("Findings in ")[1:]
    assert [s.splitlines()[0] for s in sections] == ["damocles-worker", "damocles-worker-util"]
    assert all("error BC001" in s for s in sections)
