"""`buildcheck explain [BINARY] [DIR]` as a user runs it: arguments, text and JSON, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers.scenario import BINARY_FIXTURES, Scenario

from buildcheck.commands.explain import split_arguments
from buildcheck.errors import UsageError

ANSI = "\x1b["


def test_split_arguments(tmp_path):
    binary = tmp_path / "app"
    binary.write_bytes(b"")
    (tmp_path / "dir").mkdir()
    assert split_arguments(tmp_path, ()) == (None, None)  # no DIR given: the binary's own workspace is looked for
    assert split_arguments(tmp_path, ("dir",)) == (None, tmp_path / "dir")
    assert split_arguments(tmp_path, ("app",)) == (Path("app"), None)  # as typed, like `inspect`
    assert split_arguments(tmp_path, ("app", "dir")) == (Path("app"), tmp_path / "dir")
    assert split_arguments(tmp_path, ("missing",)) == (Path("missing"), None)  # inspect reports it
    for bad in (("app", "app"), ("app", "nodir"), ("a", "b", "c")):
        with pytest.raises(UsageError):
            split_arguments(tmp_path, bad)


def test_binary_and_settings_in_json(tmp_path):
    s = Scenario("lotus-g-1.72", tmp_path)
    done = s.run("explain", str(BINARY_FIXTURES / "rust-tiny-debug"), "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["schema_version"] == 2 and data["command"] == "explain"
    assert data["cargo_version"] == "1.72.0" and data["project"] == str(s.cwd.resolve())
    assert data["binary"]["crates_with_debug_info"][0]["crate"] == "tiny"
    first = data["causes"][0]
    assert (first["kind"], first["rule"], first["location"], first["seen_in_binary"]) == (
        "rustflags-debuginfo", "BC001", {"env": "RUSTFLAGS"}, True)
    assert data["fix"] == ['export RUSTFLAGS="-C target-cpu=native"', "export CARGO_PROFILE_RELEASE_STRIP=debuginfo"]
    assert "RUSTFLAGS" in data["headline"]
    # The fixture was built by another rustc than the pinned 1.72.0: said first (issue #11.21). Its crate is `tiny`,
    # the workspace's packages are app and dep: another project.
    assert [c["message_id"] for c in data["contradictions"]] == ["BC103.toolchain", "BC103.other-project"]
    assert "1.72.0" in data["contradictions"][0]["message"] and "1.72.0" not in data["binary"]["rustc_versions"]
    assert "another project" in data["contradictions"][1]["message"]
    assert data["headline"].startswith(data["contradictions"][0]["message"] + ". ")  # a sentence of its own


def test_directory_alone_explains_the_settings(tmp_path):
    s = Scenario("parent-dir-config-line3", tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    data = json.loads(s.run("explain", str(s.cwd), "--format", "json", cwd=elsewhere).stdout)
    assert data["binary"] is None
    profile = data["causes"][0]
    assert profile["rule"] == "BC002" and profile["location"]["line"] == 3
    assert Path(profile["location"]["path"]).resolve() == (s.root / "parent/.cargo/config.toml").resolve()
    both = json.loads(s.run("explain", str(BINARY_FIXTURES / "c-nodebug"), str(s.cwd), "--format", "json",
                            cwd=elsewhere).stdout)
    assert both["binary"]["has_dwarf"] is False and both["project"] == str(s.cwd.resolve())
    assert any("no debug info" in c["message"] for c in both["contradictions"])


def test_text_output_and_colour(tmp_path):
    s = Scenario("lotus-g-1.72", tmp_path)
    done = s.run("explain", str(BINARY_FIXTURES / "rust-tiny-debug"))
    assert done.returncode == 0 and ANSI not in done.stdout
    for text in ("buildcheck explain", "Causes", "RUSTFLAGS", "seen in the binary", "BC001", "fix:"):
        assert text in done.stdout, text
    assert ANSI in s.run("--color", "always", "explain").stdout
    assert ANSI not in s.run("explain", env={"NO_COLOR": "1", "FORCE_COLOR": "1"}).stdout


def test_bad_input_exits_2_with_one_line(tmp_path):
    s = Scenario("clean", tmp_path)
    (tmp_path / "text").write_text("not elf\n")
    for args in ((str(tmp_path / "missing"),), (str(tmp_path / "text"),), ("a", "b", "c"),
                 (str(BINARY_FIXTURES / "c-debug"), str(tmp_path / "nodir"))):
        done = s.run("explain", *args)
        assert done.returncode == 2, (args, done.stdout)
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    broken = Scenario("broken-toml", tmp_path)
    assert broken.run("explain").returncode == 2


def test_no_workspace_binary_only(tmp_path):
    s = Scenario("no-workspace", tmp_path)
    (s.root / "somewhere").mkdir(exist_ok=True)
    done = s.run("explain", str(BINARY_FIXTURES / "cxx-debug"), "--format", "json", cwd=s.root / "somewhere",
                 unset=("RUSTFLAGS",))
    data = json.loads(done.stdout)
    assert done.returncode == 0 and data["project"] is None
    assert data["causes"][0]["kind"] == "unexplained" and data["binary"]["native"][0]["kind"] == "c++"
