"""Finding the cargo workspaces a Makefile builds, and "the make build" of a workspace."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from buildcheck.make import make_builds, workspaces_built_by
from buildcheck.model import Origin

FIXTURE = Path(__file__).resolve().parent.parent.parent / "fixtures" / "make" / "damocles"
ENV = {"PATH": "/usr/bin:/bin", "HOME": "/home/u"}


@pytest.fixture
def damocles(tmp_path) -> Path:
    root = tmp_path / "damocles"
    shutil.copytree(FIXTURE, root)
    return root


def test_the_root_makefile_reaches_both_workspaces(damocles):
    found = workspaces_built_by(damocles, ENV)
    assert [path.name for path, _origin in found] == ["damocles-worker", "damocles-worker-util"]
    root = str(damocles / "Makefile")
    # each points at the root line whose sub-make builds there: `$(MAKE) -C ./damocles-worker/ build-all`
    lines = (damocles / "Makefile").read_text().splitlines()
    for (path, origin), needle in zip(found, ["-C ./damocles-worker/ build-all", "-C ./damocles-worker-util/ build"]):
        assert origin.path == root and needle in lines[origin.line - 1]


def test_a_workspace_makefile_reaches_its_own_directory(damocles):
    found = workspaces_built_by(damocles / "damocles-worker", ENV)
    assert [os.path.realpath(path) for path, _ in found] == [os.path.realpath(damocles / "damocles-worker")]


def test_cd_and_manifest_path_count_too(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "Makefile").write_text("x:\n\tcd a && cargo build\ny:\n\tcargo build --manifest-path b/Cargo.toml\n")
    found = workspaces_built_by(tmp_path, ENV)
    assert sorted(path.name for path, _ in found) == ["a", "b"]


def test_the_make_build_of_damocles_worker(damocles):
    builds = make_builds(damocles / "damocles-worker", ENV)
    by_entry = {build.entry.name: build for build in builds}
    assert set(by_entry) == {"damocles-worker", "damocles"}
    worker, root = by_entry["damocles-worker"], by_entry["damocles"]
    assert worker.goals == ("", "all", "build-all")
    assert root.goals == ("", "all", "build", "build-worker")
    for build in builds:
        call = build.call
        assert call.argv == ("cargo", "build", "--release", "--workspace")
        assert call.env["RUSTFLAGS"] == ""       # `export RUSTFLAGS` with none in the environment
        assert call.changes["RUSTFLAGS"].origin == Origin.file(str(damocles / "damocles-worker/Makefile"), 5)
        assert "GIT_COMMIT" in call.opaque
    assert root.call.env["MAKELEVEL"] == "2" and worker.call.env["MAKELEVEL"] == "1"


def test_the_make_build_follows_the_user_environment(damocles):
    builds = make_builds(damocles / "damocles-worker", {**ENV, "RUSTFLAGS": "-C target-cpu=native -g",
                                                        "FFI_USE_CUDA": "1"})
    for build in builds:
        assert build.call.argv[-1] == '--features=cuda'
        assert build.call.env["RUSTFLAGS"] == "-C target-cpu=native -g"
        assert "RUSTFLAGS" not in build.call.changes
        assert build.call.changes["FFI_USE_CUDA"].value is None


def test_the_util_workspace_does_not_export_rustflags(damocles):
    builds = make_builds(damocles / "damocles-worker-util", ENV)
    assert builds and all("RUSTFLAGS" not in build.call.env for build in builds)
    assert all(build.call.argv == ("cargo", "build", "--release") for build in builds)


def test_no_makefile_no_builds(tmp_path):
    (tmp_path / "ws").mkdir()
    assert make_builds(tmp_path / "ws", ENV, levels_up=0) == []


@pytest.mark.parametrize("makefile, line", [
    ("X = $(X)a\nbuild:\n\tcargo build --release $(X)\n", 1),   # a variable that references itself
    ("build:\n\t$(error no way)\n\tcargo build --release\n", 2),  # $(error) in the recipe
    ("build: missing-prerequisite\n\tcargo build --release\n", None),  # no rule to make it
])
def test_make_that_stops_before_the_workspace_cargo_is_said(tmp_path, makefile, line):
    """The root's `make` enters the workspace, whose Makefile make rejects: the build through make ends with that
    error and no cargo; real make agrees (it starts no cargo and fails)."""
    from buildcheck.make import make_stops
    from .oracle import CAN_RUN, SKIP_REASON, fake_bin, recipe_calls, run_make

    root = tmp_path / "root"
    ws = root / "ws"
    ws.mkdir(parents=True)
    (ws / "Cargo.toml").write_text('[package]\nname = "ws"\nversion = "0.1.0"\n')
    (root / "Makefile").write_text("all:\n\t$(MAKE) -C ws build\n")
    (ws / "Makefile").write_text(makefile)
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    assert make_builds(ws, env, levels_up=1) == []
    stops = make_stops(ws, [root], env)
    assert stops and all(note.kind == "error" for note in stops)  # the sub-make's error, then the parent's
    assert stops[0].origin.path == str(ws / "Makefile") and (line is None or stops[0].origin.line == line)
    if not CAN_RUN:
        pytest.skip(SKIP_REASON)
    bin_dir, log = fake_bin(tmp_path)
    real = run_make(root, [], {**env, "PATH": f"{bin_dir}:{env['PATH']}"}, log=log)
    assert real.returncode != 0 and recipe_calls(real) == []


def test_a_make_that_succeeds_or_never_enters_the_workspace_is_not_a_stop(tmp_path):
    from buildcheck.make import make_stops

    root = tmp_path / "root"
    (root / "ws").mkdir(parents=True)
    (root / "other").mkdir()
    (root / "Makefile").write_text("all:\n\t$(MAKE) -C other\n")
    (root / "other" / "Makefile").write_text("all:\n\t$(error elsewhere)\n")
    assert make_stops(root / "ws", [root], {"PATH": os.environ["PATH"]}) == []
