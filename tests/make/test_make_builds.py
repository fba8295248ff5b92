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
