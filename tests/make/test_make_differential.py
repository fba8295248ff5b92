"""buildcheck's make model against real GNU make, call by call: directory, argv, whole environment.

Fixture trees (fixtures/make/) run in many environments, then a seeded generator of random
Makefile trees (makegen.py). Each case copies its tree into a temporary directory, asks the model
first (it only reads), then runs the real make with a fake cargo first on PATH (oracle.py).

    BC_MAKE_SEEDS="0-149" (default), "7", "3,10-20": the generated cases to run.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from buildcheck.make import ShellModel, trace_make
from helpers.seeds import seeds_from

from .makegen import generate
from .oracle import CAN_RUN, SH_MODEL, SKIP_REASON, compare, fake_bin, run_make

FIXTURES = Path(__file__).resolve().parent.parent.parent / "fixtures" / "make"

pytestmark = pytest.mark.skipif(not CAN_RUN, reason=SKIP_REASON)


@dataclass(frozen=True)
class Scenario:
    fixture: str
    arguments: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    directory: str = ""
    pwd: bool = False  # give make a PWD, as a login shell would

    @property
    def id(self) -> str:
        parts = [self.fixture, self.directory or "root", *self.arguments]
        parts += [f"{k}={v}" for k, v in self.env.items()]
        if self.pwd:
            parts.append("PWD")
        return " ".join(parts)


DAMOCLES = [
    Scenario("damocles"),                                         # RUSTFLAGS unset: make exports it empty
    Scenario("damocles", env={"RUSTFLAGS": ""}),
    Scenario("damocles", env={"RUSTFLAGS": "-C target-cpu=native -g"}),
    Scenario("damocles", env={"FFI_USE_CUDA": "1"}),
    Scenario("damocles", env={"FFI_USE_CUDA": "0", "VENUS_WORKER_FEATURES": "legacy"}),
    Scenario("damocles", env={"DAMOCLES_WORKER_FEATURES": "cuda-supraseal auto-resume"}),
    Scenario("damocles", env={"VENUS_WORKER_FEATURES": "legacy"}),
    Scenario("damocles", ("RUSTFLAGS=-g",)),
    Scenario("damocles", ("RUSTFLAGS=-g",), {"RUSTFLAGS": "-C target-cpu=native"}),
    Scenario("damocles", ("-e",), {"RUSTFLAGS": "-g"}),
    Scenario("damocles", ("-e", "RUSTFLAGS=-O"), {"RUSTFLAGS": "-g"}),
    Scenario("damocles", ("GIT_COMMIT=abc",), {"GIT_COMMIT": "env"}),
    Scenario("damocles", ("build-worker",), {"SHELL": "/bin/bash"}, pwd=True),
    Scenario("damocles", ("check",)),
    Scenario("damocles", ("fix", "-k", "-s")),
    Scenario("damocles", ("-n", "all")),
    Scenario("damocles", ("build", "--no-print-directory")),
    Scenario("damocles", ("-C", "damocles-worker", "build-all"), {"FFI_USE_CUDA": "1"}),
    Scenario("damocles", directory="damocles-worker"),
    Scenario("damocles", ("build-all",), {"RUSTFLAGS": "-g"}, "damocles-worker", pwd=True),
    Scenario("damocles", ("build-all",), {"DAMOCLES_WORKER_FEATURES": "cuda"}, "damocles-worker"),
    Scenario("damocles", ("check",), {"MAKEFLAGS": "k"}, "damocles-worker"),
    Scenario("damocles", ("RUSTFLAGS=-g", "build-all"), {"MAKELEVEL": "3"}, "damocles-worker"),
    Scenario("damocles", directory="damocles-worker-util"),
    Scenario("damocles", ("build-all",), {"RUSTFLAGS": "-g"}, "damocles-worker-util"),
]

FEATURES = [
    Scenario("features"),
    Scenario("features", env={"PROFILE": "release"}),
    Scenario("features", env={"RUSTFLAGS": "-g", "CARGO_HOME": "/opt/cargo", "DROPPED": "y"}),
    Scenario("features", ("FEATURES=cli",)),
    Scenario("features", ("-e",), {"FEATURES": "env"}),
    Scenario("features", ("-n",)),
    Scenario("features", ("-k",)),
    Scenario("features", ("-B",)),
    Scenario("features", ("sub", "FROM_PARENT=")),
    Scenario("features", ("CARGO=cargo",), {"CARGO": "not-cargo"}),
    Scenario("features", ("native",), {"RUSTFLAGS": "-g"}, pwd=True),
]


ODD = [
    Scenario("odd"),
    Scenario("odd", ("-n",)),
    Scenario("odd", ("INHERITED=cli",), {"SEEN_BY_ALL": "env"}),
    Scenario("odd", ("build-beta",), pwd=True),
    Scenario("odd", ("CRATE=beta",), directory="oneshell"),
]


SHELLS = [
    Scenario("shells"),
    Scenario("shells", env={"SHLVL": "3", "OLDPWD": "/nonexistent"}),
    Scenario("shells", ("-k",), {"SHLVL": "not-a-number"}),
    Scenario("shells", ("piped",), pwd=True),
]


def _split(arguments: tuple[str, ...]) -> tuple[list[str], list[str]]:
    options, goals = [], []
    skip_next = False
    for index, argument in enumerate(arguments):
        if skip_next:
            skip_next = False
            options.append(argument)
        elif argument in ("-C", "-f", "-I"):
            skip_next = True
            options.append(argument)
        elif argument.startswith("-") or "=" in argument:
            options.append(argument)
        else:
            goals.append(argument)
    return options, goals


def check(tree: Path, base: Path, directory: str, arguments: tuple[str, ...], extra_env: dict[str, str],
          *, pwd: bool = False) -> None:
    bin_dir, log = fake_bin(base)
    cwd = tree / directory
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(base), **extra_env}
    if pwd:
        env["PWD"] = str(cwd)
    options, goals = _split(arguments)
    trace = trace_make(cwd, goals, env, command_line=options, shell=ShellModel(SH_MODEL or "dash"))
    real = run_make(cwd, list(arguments), env, log=log)
    if any(note.kind == "opaque-condition" for note in trace.notes):
        pytest.skip("a conditional depends on $(shell) output, whose value buildcheck does not know")
    problems = compare(trace, real)
    if (real.returncode == 0) != trace.succeeded:
        problems.append(f"real make exited with {real.returncode}, the model predicted "
                        f"{'success' if trace.succeeded else 'failure'}: {trace.notes}\n{real.output}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("scenario", DAMOCLES + FEATURES + ODD + SHELLS, ids=lambda s: s.id)
def test_fixture(tmp_path, scenario):
    tree = tmp_path / "tree"
    shutil.copytree(FIXTURES / scenario.fixture, tree)
    check(tree, tmp_path, scenario.directory, scenario.arguments, scenario.env, pwd=scenario.pwd)


def selected_seeds() -> list[int]:
    return seeds_from(variable="BC_MAKE_SEEDS", default="0-149")


@pytest.mark.parametrize("seed", selected_seeds())
def test_generated(tmp_path, seed):
    case = generate(seed)
    tree = tmp_path / "tree"
    for name, text in case.files.items():
        path = tree / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    check(tree, tmp_path, case.directory, tuple(case.arguments), case.env)
