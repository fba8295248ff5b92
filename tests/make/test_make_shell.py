"""The shell model: make's own word splitting, and what the shell starts for a recipe line.

The second half runs each line through the real dash and bash (those installed) with the fake
cargo first on PATH, and compares argv, directory and environment with the model of that shell.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from buildcheck.make.opaque import OpaqueRegistry
from buildcheck.make.shell import ShellModel, ShellSimulation, make_split, unwrap
from buildcheck.make.shell_syntax import ShellUnsupported, parse

from .oracle import HAS_PROC_ENVIRON, fake_bin


@pytest.mark.parametrize("line, argv", [
    ("cargo build --release", ["cargo", "build", "--release"]),
    ("cargo  build\t--release ", ["cargo", "build", "--release"]),
    ("cargo 'a b' c\\ d", ["cargo", "a b", "c d"]),
    ("cargo ''", ["cargo", ""]),
    ("cargo build --features=x", ["cargo", "build", "--features=x"]),
    ("cargo a\\\n   b", ["cargo", "a", "b"]),
    ("cargo \\\n  b", ["cargo", "b"]),
    ("", []),
])
def test_make_splits_simple_lines_itself(line, argv):
    assert make_split(line) == argv


@pytest.mark.parametrize("line", [
    "cargo build --features=\"cuda\"", "cd x && cargo build", "RUSTFLAGS=-g cargo build", "cargo $HOME",
    "cargo build > log", "cargo *", "echo ~", "cargo build; cargo test", "export A", "cd dir", "test -f x",
    "cargo 'unterminated",
])
def test_lines_that_need_the_shell(line):
    assert make_split(line) is None


def run_model(line: str, env: dict[str, str], cwd: Path):
    simulation = ShellSimulation(env, cwd, OpaqueRegistry(), None)
    succeeded = simulation.run(line)
    return simulation.started, succeeded, simulation


def test_cd_and_subshells(tmp_path):
    (tmp_path / "sub").mkdir()
    started, ok, _ = run_model("(cd sub; cargo a) && cargo b && cd sub && cargo c", {"PATH": "/bin"}, tmp_path)
    assert ok
    assert [(p.argv[1], p.cwd) for p in started] == [("a", tmp_path / "sub"), ("b", tmp_path), ("c", tmp_path / "sub")]
    assert started[2].env["OLDPWD"] == str(tmp_path) and started[2].env["PWD"] == str(tmp_path / "sub")
    assert "OLDPWD" not in started[1].env


def test_failing_cd_stops_an_and_list(tmp_path):
    started, ok, simulation = run_model("cd missing && cargo build", {}, tmp_path)
    assert not ok and started == [] and "missing" in simulation.failure


def test_or_assumes_success(tmp_path):
    started, ok, simulation = run_model("cargo fmt || cargo never", {}, tmp_path)
    assert [p.argv[1] for p in started] == ["fmt"]
    assert simulation.skipped_after_or == ["cargo never"]


def test_assignments_and_exports(tmp_path):
    line = "A=1 cargo x; B=2; cargo y; export B; cargo z; export C=3 D; unset PATH; cargo w"
    started, ok, _ = run_model(line, {"PATH": "/bin", "D": "d"}, tmp_path)
    envs = [p.env for p in started]
    assert envs[0]["A"] == "1" and "A" not in envs[1]
    assert "B" not in envs[1] and envs[2]["B"] == "2"
    assert envs[3]["C"] == "3" and envs[3]["D"] == "d" and "PATH" not in envs[3]


def test_env_wrapper(tmp_path):
    started, ok, _ = run_model("env -u RUSTFLAGS CARGO_X=1 cargo build", {"RUSTFLAGS": "-g"}, tmp_path)
    assert started[0].argv == ("cargo", "build")
    assert "RUSTFLAGS" not in started[0].env and started[0].env["CARGO_X"] == "1"
    assert unwrap(["env"], {}, set()) is None


def test_parameter_expansion_and_field_splitting(tmp_path):
    started, ok, _ = run_model('F="a b"; cargo $F "$F" x$F', {}, tmp_path)
    assert started[0].argv == ("cargo", "a", "b", "a b", "xa", "b")


def test_command_substitution_is_opaque(tmp_path):
    started, ok, _ = run_model("cargo build $(git describe) `date`", {}, tmp_path)
    assert started[0].opaque == frozenset({2, 3})


def test_exit_and_false(tmp_path):
    assert not run_model("false", {}, tmp_path)[1]
    started, ok, _ = run_model("exit 0; cargo never", {}, tmp_path)
    assert ok and started == []
    assert not run_model("exit 3", {}, tmp_path)[1]
    assert not run_model("export 'bad name'=1; cargo never", {}, tmp_path)[1]


@pytest.mark.parametrize("line", ["if true; then cargo build; fi", "for a in b; do cargo x; done",
                                  "cat <<EOF", "eval cargo build", "f() { cargo; }"])
def test_unsupported_constructs_are_reported(tmp_path, line):
    with pytest.raises(ShellUnsupported):
        run_model(line, {}, tmp_path)


def test_parser_handles_nesting():
    assert len(parse("{ a; b; } && (c || d) | e")) == 1


# ---- against the real shells -------------------------------------------------------------------

LINES = [
    "cargo build --release --workspace --features=\"cuda\"",
    "cd sub && cargo build",
    "(cd sub; cargo test)",
    "cd ./sub/../sub && RUSTFLAGS=-g cargo check",
    "env -u HOME X=1 cargo fmt",
    "export A=1; cargo a; unset A; cargo b",
    "F='-C opt-level=2'; cargo rustc -- $F \"$F\"",
    "cargo 'single  quoted' \"double $HOME\" \\$HOME",
    "cd sub; cd ..; cargo here",
    "true && cargo yes || cargo no",
    "cargo x \\\n  continued",
    "cargo 'keep \\\n this'",
    "cd sub && exec cargo exec",
    "{ cd sub; cargo grouped; } ; cargo after",
    "cargo one | cargo two",
    "A=1 B=\"2 3\" cargo env",
    "cargo first; (cd sub; cargo second) | cargo third; cargo last",
    "false || cargo rescued",
]

SHELLS = [("/bin/dash", "dash"), ("/bin/bash", "bash")]


@pytest.mark.skipif(not HAS_PROC_ENVIRON, reason="needs /proc (Linux)")
@pytest.mark.parametrize("shell, model", SHELLS, ids=[name for _path, name in SHELLS])
@pytest.mark.parametrize("extra_env", [{}, {"SHLVL": "4", "OLDPWD": "/nonexistent"}], ids=["plain", "shlvl"])
@pytest.mark.parametrize("line", LINES)
def test_the_shell_starts_what_the_model_predicts(tmp_path, line, shell, model, extra_env):
    if not os.path.exists(shell):
        pytest.skip(f"{shell} is not installed")
    (tmp_path / "sub").mkdir()
    bin_dir, log = fake_bin(tmp_path)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": "/home/someone", "PWD": str(tmp_path), **extra_env}
    subprocess.run([shell, "-c", line], cwd=tmp_path, env=env, capture_output=True, timeout=30)
    real = [json.loads(record) for record in log.read_text().splitlines()] if log.exists() else []
    simulation = ShellSimulation(env, tmp_path, OpaqueRegistry(), None, ShellModel(model))
    simulation.run(line)
    started = [p for p in simulation.started if os.path.basename(p.argv[0]) == "cargo"]
    assert len(started) == len(real)
    # the commands of a pipeline run at the same time: compare them in argv order
    started.sort(key=lambda p: p.argv)
    real.sort(key=lambda record: record["argv"])
    for mine, theirs in zip(started, real):
        assert list(mine.argv[1:]) == theirs["argv"]
        assert os.path.realpath(mine.cwd) == os.path.realpath(theirs["cwd"])
        assert dict(mine.env) == theirs["env"]


@pytest.mark.skipif(not (HAS_PROC_ENVIRON and os.path.exists("/bin/dash")), reason="needs /proc and dash")
@pytest.mark.parametrize("line", ["false; cargo never", "cargo a && false; cargo never", "false && cargo x; cargo yes",
                                  "! cargo negated; cargo after", "(false); cargo never"])
def test_errexit_as_sh_minus_e(tmp_path, line):
    bin_dir, log = fake_bin(tmp_path)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin"}
    subprocess.run(["/bin/dash", "-ec", line], cwd=tmp_path, env=env, capture_output=True, timeout=30)
    real = [json.loads(record)["argv"] for record in log.read_text().splitlines()] if log.exists() else []
    simulation = ShellSimulation(env, tmp_path, OpaqueRegistry(), None, errexit=True)
    simulation.run(line)
    assert [list(p.argv[1:]) for p in simulation.started] == real
