"""Real GNU make as the oracle: run it on a Makefile tree with a fake `cargo` first on PATH, and
compare each cargo process it starts with buildcheck's prediction.

The fake cargo is a Python script the test writes. It records its working directory, argv and the
environment it was *started* with, read from /proc/self/environ (Python itself may add variables,
such as LC_CTYPE under the C locale, to its own environment later; /proc keeps what execve
passed). It answers `cargo metadata` with a target directory and leaves a file where a release
build would put its binary, so that recipes that copy the binary afterwards (as damocles' root
Makefile does) succeed as they do after a real build.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from buildcheck.make import CargoCall, MakeTrace

MAKE = shutil.which("make")
IS_GNU_MAKE_43 = False
if MAKE:
    try:
        IS_GNU_MAKE_43 = subprocess.run([MAKE, "--version"], capture_output=True, text=True,
                                        timeout=10).stdout.startswith("GNU Make 4.")
    except (OSError, subprocess.SubprocessError):
        IS_GNU_MAKE_43 = False
HAS_PROC_ENVIRON = Path("/proc/self/environ").exists()
_SH = os.path.basename(os.path.realpath("/bin/sh"))
# the shell model to trace with: what /bin/sh is here (None: neither dash nor bash)
SH_MODEL = "dash" if _SH.startswith("dash") else ("bash" if _SH.startswith("bash") else None)
CAN_RUN = bool(MAKE) and IS_GNU_MAKE_43 and HAS_PROC_ENVIRON
SKIP_REASON = "needs GNU make 4.x and /proc (Linux)"

# Variables the comparison leaves out, and why:
#   MAKE_TERMOUT / MAKE_TERMERR: make sets them only when its stdout / stderr is a terminal (the tests
#     run it with pipes); buildcheck cannot know the user's terminal and does not model them.
#   PWD, OLDPWD, SHLVL and `_` are what the shell adds: compared when /bin/sh is dash or bash (the
#     shells buildcheck models), left out otherwise.
ALWAYS_EXCLUDED = frozenset({"MAKE_TERMOUT", "MAKE_TERMERR"})
SHELL_OWNED = frozenset({"PWD", "OLDPWD", "SHLVL", "_"})

FAKE_CARGO = """#!{python} -SE
import json, os, sys
raw = open("/proc/self/environ", "rb").read().split(b"\\0")
env = dict(item.decode("utf-8", "surrogateescape").split("=", 1) for item in raw if b"=" in item)
with open({log!r}, "a") as handle:
    handle.write(json.dumps({{"cwd": os.getcwd(), "argv": sys.argv[1:], "env": env}}) + "\\n")
arguments = sys.argv[1:]
if arguments[:1] == ["metadata"]:
    manifest = next((a.split("=", 1)[1] for a in arguments if a.startswith("--manifest-path=")), "Cargo.toml")
    print(json.dumps({{"target_directory": os.path.join(os.path.dirname(os.path.abspath(manifest)), "target")}}))
elif arguments[:1] == ["build"]:
    os.makedirs("target/release", exist_ok=True)
    open(os.path.join("target/release", os.path.basename(os.getcwd())), "w").close()
"""


@dataclass(frozen=True)
class Recorded:
    cwd: str
    argv: tuple[str, ...]
    env: dict[str, str]


@dataclass(frozen=True)
class RealRun:
    calls: list[Recorded]
    returncode: int
    output: str


def fake_bin(base: Path) -> tuple[Path, Path]:
    """Write the fake cargo into base/bin; return (bin directory, log file)."""
    bin_dir = base / "fake-bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    log = base / "cargo-calls.jsonl"
    script = bin_dir / "cargo"
    script.write_text(FAKE_CARGO.format(python=os.path.realpath(sys.executable), log=str(log)))
    script.chmod(0o755)
    return bin_dir, log


def run_make(cwd: Path, arguments: Sequence[str], env: Mapping[str, str], *, log: Path,
             timeout: float = 60) -> RealRun:
    """Run the real make; `env` is its whole environment (PATH must already lead to the fake cargo)."""
    if log.exists():
        log.unlink()
    done = subprocess.run([MAKE or "make", *arguments], cwd=cwd, env=dict(env), capture_output=True, text=True,
                          timeout=timeout, errors="replace")
    calls = []
    if log.exists():
        for line in log.read_text().splitlines():
            record = json.loads(line)
            calls.append(Recorded(record["cwd"], tuple(record["argv"]), record["env"]))
    return RealRun(calls, done.returncode, done.stdout + done.stderr)


def recipe_calls(run: RealRun) -> list[Recorded]:
    """The cargo processes started by recipes. `cargo metadata` inside `$(shell ...)` is left out:
    buildcheck never runs $(shell) and reports its value as opaque instead, by design."""
    return [call for call in run.calls if call.argv[:1] != ("metadata",)]


def compare_call(predicted: CargoCall, real: Recorded, *, compare_shell_vars: bool = SH_MODEL is not None
                 ) -> list[str]:
    """Differences between one predicted and one real cargo process (empty when they agree)."""
    problems: list[str] = []
    if os.path.realpath(predicted.cwd) != os.path.realpath(real.cwd):
        problems.append(f"cwd: predicted {predicted.cwd}, real {real.cwd}")
    argv = ("cargo", *real.argv)
    opaque = sorted(int(key[5:-1]) for key in predicted.opaque if key.startswith("argv["))
    if not opaque:
        if predicted.argv != argv:
            problems.append(f"argv: predicted {predicted.argv}, real {argv}")
    else:
        # an opaque argument may stand for any number of real ones: compare what comes before the
        # first and after the last, aligned from each end
        before, after = opaque[0], len(predicted.argv) - opaque[-1] - 1
        if predicted.argv[:before] != argv[:before] or \
                (after and predicted.argv[len(predicted.argv) - after:] != argv[len(argv) - after:]) or \
                len(argv) < before + after:
            problems.append(f"argv: predicted {predicted.argv} (opaque {opaque}), real {argv}")
    excluded = set(ALWAYS_EXCLUDED) | (set() if compare_shell_vars else set(SHELL_OWNED))
    names = (set(predicted.env) | set(real.env)) - excluded
    for name in sorted(names):
        mine, theirs = predicted.env.get(name), real.env.get(name)
        if name in SHELL_OWNED and name in predicted.opaque:
            continue  # whether make used the shell (which adds PWD) depended on an opaque value
        if name in predicted.opaque:
            if theirs is None:
                problems.append(f"env {name}: predicted (opaque) present, real absent")
            continue
        if mine != theirs:
            problems.append(f"env {name}: predicted {mine!r}, real {theirs!r}")
    return problems


def compare(trace: MakeTrace, run: RealRun) -> list[str]:
    real = recipe_calls(run)
    problems: list[str] = []
    if len(trace.calls) != len(real):
        problems.append(f"{len(trace.calls)} cargo calls predicted, {len(real)} real: "
                        f"{[c.argv for c in trace.calls]} vs {[('cargo', *c.argv) for c in real]}")
    for index, (mine, theirs) in enumerate(zip(trace.calls, real)):
        problems += [f"call {index} ({' '.join(mine.argv)}): {p}" for p in compare_call(mine, theirs)]
    return problems
