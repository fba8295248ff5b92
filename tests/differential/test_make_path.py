"""The make build path against real make and real cargo: what buildcheck predicts `make` makes cargo pass to rustc.

A damocles-shaped tree around the suite's tiny offline workspace: the repository root's Makefile enters the
workspace with `$(MAKE) -C ./ws/ build-all`; the workspace's Makefile has damocles' `export RUSTFLAGS`,
`unexport FFI_USE_CUDA` and `ifdef FFI_USE_CUDA` -> `--features="cuda"` (a second variant has no export, like
damocles-worker-util's). The real `make build-worker` runs at the root with the cargo under test first on PATH and
CARGO_TERM_VERBOSE=true, so every rustc command line is printed; each unit is compared with the make path buildcheck
predicts (buildcheck/make_paths.py), for both cargos. Nothing of make is run by buildcheck itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import cargo_or_skip
from .runner import CargoOutcome, Prediction, base_env, compare
from .rustc_argv import parse_running_lines, split_host_and_target
from .workspace import WS, Layout, workspace_files

pytestmark = [pytest.mark.cargo, pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")]

ROOT = "l0/l1"  # the repository root: the workspace's parent directory
ROOT_MAKEFILE = "all: build-worker\n\nbuild-worker:\n\tmkdir -p ./dist/bin/\n\t$(MAKE) -C ./ws/ build-all\n"
WORKER_MAKEFILE = """export RUSTFLAGS
unexport FFI_USE_CUDA
unexport DAMOCLES_WORKER_FEATURES

ifdef FFI_USE_CUDA
\tDAMOCLES_WORKER_FEATURES+=cuda
endif

ifneq ($(strip $(DAMOCLES_WORKER_FEATURES)),)
\tWORKER_FEATURE_FLAGS+=--features="$(strip $(DAMOCLES_WORKER_FEATURES))"
endif

all: build-all

build-all:
\tcargo build --release --workspace $(WORKER_FEATURE_FLAGS)
"""
UTIL_MAKEFILE = "all: build-all\n\nbuild-all:\n\tcargo build --release\n"


@dataclass(frozen=True)
class MakeCase:
    name: str
    env: tuple[tuple[str, str], ...] = ()
    files: tuple[tuple[str, str], ...] = ()   # config layers, relative to the case root
    exports: bool = True                      # the workspace Makefile has damocles-worker's `export RUSTFLAGS`


HOME_G = ("home/config.toml", '[build]\nrustflags = ["--cfg", "bc_home", "-g"]\n')
CASES = [
    MakeCase("nothing-set"),
    MakeCase("lotus-rustflags", env=(("RUSTFLAGS", "--cfg bc_env -C opt-level=3 -g"),)),
    MakeCase("home-config-rustflags-hidden-by-export", files=(HOME_G,)),
    MakeCase("home-config-rustflags-without-export", files=(HOME_G,), exports=False),
    MakeCase("parent-profile-debug", files=((f"{ROOT}/.cargo/config.toml", "[profile.release]\ndebug = 1\n"),)),
    MakeCase("empty-rustflags-set", env=(("RUSTFLAGS", ""),), files=(HOME_G,)),
    MakeCase("cuda-feature", env=(("FFI_USE_CUDA", "1"),), files=(HOME_G,)),
    MakeCase("profile-env", env=(("CARGO_PROFILE_RELEASE_DEBUG", "true"),
                                 ("CARGO_BUILD_RUSTFLAGS", "--cfg bc_buildenv -g"))),
]


def _materialise(case: MakeCase, root: Path) -> None:
    # (no proc-macro: with --workspace cargo builds a member proc-macro twice, which the rustc-line harness cannot
    # tell apart; the generated cases cover proc-macros)
    files = workspace_files(Layout(manifest_profiles="\n[features]\ncuda = []\n"))
    files[f"{ROOT}/Makefile"] = ROOT_MAKEFILE
    files[f"{WS}/Makefile"] = WORKER_MAKEFILE if case.exports else UTIL_MAKEFILE
    files.update(dict(case.files))
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (root / "home").mkdir(exist_ok=True)
    (root / "user-home").mkdir(exist_ok=True)


def _environment(case: MakeCase, root: Path, cargo) -> dict[str, str]:
    env = base_env(root, cargo) | dict(case.env)
    bindir = root / "cargo-bin"  # `cargo` in the recipes is the cargo under test
    bindir.mkdir(exist_ok=True)
    if not (bindir / "cargo").exists():
        os.symlink(cargo.cargo, bindir / "cargo")
    env["PATH"] = f"{bindir}:{env['PATH']}"
    return env


@pytest.mark.parametrize("label", ["stable", "debian"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_make_path_prediction_matches_what_make_runs(case, label, tmp_path):
    from buildcheck.make_paths import make_build_path
    from buildcheck.project import ScanOptions

    cargo = cargo_or_skip(label)
    _materialise(case, tmp_path)
    env = _environment(case, tmp_path, cargo)
    real_env = env | {"CARGO_TERM_VERBOSE": "true", "CARGO_TARGET_DIR": str(tmp_path / "target")}
    done = subprocess.run(["make", "build-worker"], cwd=tmp_path / ROOT, env=real_env, capture_output=True,
                          text=True, timeout=300, stdin=subprocess.DEVNULL)
    outcome = CargoOutcome(done.returncode, done.stderr,
                           split_host_and_target(parse_running_lines(done.stderr)) if done.returncode == 0 else {},
                           f"cd {tmp_path / ROOT} && make build-worker")
    traced = make_build_path(tmp_path / WS, tmp_path / ROOT, ScanOptions(env=env, cargo=cargo.cargo))
    assert traced is not None, "buildcheck found no make build of the workspace"
    scan, origin, _chain, entry, _notes = traced
    assert "build-worker" in entry.text() or "make`" in entry.text()
    problems = compare(outcome, Prediction(scan, None))
    assert not problems, "\n".join(problems) + f"\n\nmake said:\n{done.stderr[-3000:]}"
    if dict(case.env).get("FFI_USE_CUDA"):
        assert '--features="cuda"' in " ".join(scan.invocation) or "--features=cuda" in " ".join(scan.invocation)
        assert "feature=\\\"cuda\\\"" in done.stderr or 'feature="cuda"' in done.stderr
