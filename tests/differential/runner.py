"""Run one case through real cargo and through buildcheck's scanner, and list where they disagree.

Cargo is called directly (never through a rustup proxy), with RUSTC pointing at
the matching rustc, CARGO_HOME inside the case (so the user's ~/.cargo never
leaks in), a minimal environment, --offline and a fresh target directory, so
every unit prints its ``Running `rustc ...` `` line.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

from .case import CARGO_PATH_MODES, Case
from .rustc_argv import RustcCall, normalize_level, parse_running_lines, split_host_and_target

MARKER_PREFIX = "bc_"  # every generated rustflags source starts with `--cfg bc_<source>`
CARGO_TIMEOUT = 120


@dataclass(frozen=True)
class Cargo:
    label: str      # "stable" | "debian"
    cargo: str
    rustc: str
    version: str    # "1.95.0"

    @property
    def version_tuple(self) -> tuple[int, int]:
        major, minor = self.version.split(".")[:2]
        return int(major), int(minor)


KNOWN_CARGOS = {
    "stable": (Path.home() / ".rustup/toolchains/stable-x86_64-unknown-linux-gnu/bin/cargo",
               Path.home() / ".rustup/toolchains/stable-x86_64-unknown-linux-gnu/bin/rustc"),
    "debian": (Path("/usr/bin/cargo"), Path("/usr/bin/rustc")),
}


def find_cargo(label: str) -> Cargo | None:
    """The cargo/rustc pair with that label, or None when it is not installed (tests then skip)."""
    cargo, rustc = KNOWN_CARGOS[label]
    if not (os.access(cargo, os.X_OK) and os.access(rustc, os.X_OK)):
        return None
    out = subprocess.run([str(cargo), "--version"], capture_output=True, text=True, timeout=60,
                         env={"PATH": "/usr/bin:/bin", "RUSTC": str(rustc)})
    match = re.search(r"cargo (\d+\.\d+\.\d+)", out.stdout)
    if out.returncode != 0 or not match:
        return None
    return Cargo(label=label, cargo=str(cargo), rustc=str(rustc), version=match.group(1))


def base_env(root: Path, cargo: Cargo) -> dict[str, str]:
    """The environment both cargo and buildcheck see, before the case adds its own variables."""
    return {
        "PATH": "/usr/bin:/bin",   # cc for linking; no rustup proxies
        "HOME": str(root / "user-home"),
        "CARGO_HOME": str(root / "home"),
        "RUSTC": cargo.rustc,
        "CARGO_NET_OFFLINE": "true",
        "CARGO_TERM_COLOR": "never",
        "LANG": "C",
    }


@dataclass(frozen=True)
class CargoOutcome:
    returncode: int
    stderr: str
    units: dict[tuple[str, bool], RustcCall]
    command: str       # a shell line that reproduces the build


def run_cargo(case: Case, cargo: Cargo, root: Path) -> CargoOutcome:
    env = base_env(root, cargo) | case.env_for(root, cargo.version)
    target_dir = root / "target"
    shutil.rmtree(target_dir, ignore_errors=True)
    argv = [cargo.cargo, *case.cargo_args(), "--target-dir", str(target_dir)]
    proc = subprocess.run(argv, cwd=root / case.cwd, env=env, capture_output=True, text=True,
                          timeout=CARGO_TIMEOUT, stdin=subprocess.DEVNULL)
    units = split_host_and_target(parse_running_lines(proc.stderr)) if proc.returncode == 0 else {}
    command = (f"cd {shlex.quote(str(root / case.cwd))} && env -i "
               + " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items()) + " "
               + " ".join(shlex.quote(a) for a in argv))
    return CargoOutcome(proc.returncode, proc.stderr, units, command)


@dataclass(frozen=True)
class Prediction:
    result: object | None          # buildcheck.cargo.scan.ScanResult
    config_error: str | None       # the ConfigError message, when buildcheck predicts cargo rejects


def run_scan(case: Case, cargo: Cargo, root: Path) -> Prediction:
    from buildcheck.cargo.scan import scan
    from buildcheck.context import RunContext
    from buildcheck.errors import ConfigError

    env = base_env(root, cargo) | case.env_for(root, cargo.version)
    if case.toolchain not in CARGO_PATH_MODES:
        # buildcheck sees the machine a rustup user has: a proxy first on PATH, the pinned toolchain installed
        # (cargo itself was called directly; without the proxy, Debian's /usr/bin/cargo would rightly ignore the pin).
        from helpers.toolchains import rustup

        machine = rustup(root / "machine", [cargo.version])
        env = env | {"PATH": machine["PATH"] + ":" + env["PATH"], "RUSTUP_HOME": machine["RUSTUP_HOME"]}
    try:
        result = scan(cwd=root / case.cwd, env=env, profile=case.profile, target=case.target,
                      config_args=tuple(case.config_args),
                      cargo=cargo.cargo if case.toolchain in CARGO_PATH_MODES else None,
                      # as the CLI does: the host's /proc/cpuinfo, for cfg(target_feature) under target-cpu=native
                      host_cpu_features=RunContext(env={}, cwd=str(root)).host_cpu_features())
    except ConfigError as exc:
        return Prediction(None, str(exc))
    return Prediction(result, None)


def cargo_part(call: RustcCall) -> tuple[str, ...]:
    """The command line up to the first marker flag: what cargo derived itself, without the rustflags."""
    argv = call.argv
    for index in range(len(argv) - 1):
        if argv[index] == "--cfg" and argv[index + 1].startswith(MARKER_PREFIX):
            return argv[:index]
    return argv


def compare(outcome: CargoOutcome, prediction: Prediction) -> list[str]:
    """Every way buildcheck's prediction differs from what cargo did; empty when they agree."""
    if outcome.returncode != 0 or prediction.config_error is not None:
        if outcome.returncode != 0 and prediction.config_error is not None:
            return []
        if outcome.returncode != 0:
            return ["cargo failed but buildcheck accepted the configuration; cargo said:\n"
                    + _tail(outcome.stderr)]
        return [f"cargo built fine but buildcheck raised ConfigError: {prediction.config_error}"]
    if not outcome.units:
        return ["cargo printed no rustc command lines (was the target dir fresh?)"]
    problems = []
    for (package, host), call in sorted(outcome.units.items()):
        where = f"{package} ({'host' if host else 'target'})"
        try:
            unit = prediction.result.unit(package, host=host)
        except Exception as exc:  # the scanner cannot name a unit cargo built: a disagreement too
            problems.append(f"{where}: buildcheck has no such unit: {type(exc).__name__}: {exc}")
            continue
        cargo_flags = cargo_part(call)
        cargo_rustflags = call.argv[len(cargo_flags):]
        cargo_only = replace(call, argv=cargo_flags)
        facts = {
            "profile debuginfo": (cargo_only.final_debuginfo, _level(unit.debuginfo.value)),
            "-C strip": (cargo_only.cargo_strip, str(unit.strip.value)),
            "rustflags": (tuple(cargo_rustflags), tuple(unit.rustflags)),
            "effective debuginfo": (call.final_debuginfo, _level(unit.effective_debuginfo)),
        }
        for what, (actual, predicted) in facts.items():
            if actual != predicted:
                problems.append(f"{where}: {what}: cargo {actual!r}, buildcheck {predicted!r}")
    return problems


def _level(value: object) -> str:
    try:
        return normalize_level(value)
    except ValueError:
        return f"<unrecognised {value!r}>"


def _tail(text: str, lines: int = 12) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def record_disagreement(cargo: Cargo, case: Case, outcome: CargoOutcome, problems: list[str]) -> None:
    """Append a markdown entry to the file named by BC_DIFF_REPORT (for the scanner's engineer), if set."""
    report = os.environ.get("BC_DIFF_REPORT")
    if not report:
        return
    entry = (f"\n### cargo {cargo.version} ({cargo.label}), {case.name}\n\n"
             + "".join(f"- {problem}\n" for problem in problems)
             + f"\n```\n{case.describe(cargo.version)}\n```\n")
    with open(report, "a", encoding="utf-8") as stream:
        stream.write(entry)
