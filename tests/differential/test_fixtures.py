"""The named scenarios in fixtures/cargo/: buildcheck's verdict, and the same scenario built by real cargo.

Each fixture is a directory tree (workspace under parent/ws, parent layers,
home/ used as CARGO_HOME), an env.json with the environment (`{fixture}` stands
for the fixture's copied location) and an expected.json with the verdict. The
tree is copied to a temporary directory first, so no config file above the
repository can leak into it and nothing in the repository is written.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.toolchains import pinned_toolchains, rustup

from .conftest import cargo_or_skip
from .rustc_argv import parse_running_lines, split_host_and_target
from .runner import base_env

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "cargo"
SCENARIOS = sorted(p.name for p in FIXTURES.iterdir() if (p / "expected.json").is_file()) if FIXTURES.is_dir() else []
REQUIRED = {"lotus-g-1.72", "lotus-g-current", "home-config-profile", "make-empty-rustflags", "clean",
            "parent-dir-config-line3", "cflags-g", "broken-toml", "merge-conflict", "no-workspace"}


def test_every_named_scenario_is_present():
    assert REQUIRED <= set(SCENARIOS)


def _copy(scenario: str, tmp_path: Path) -> tuple[Path, dict, dict[str, str]]:
    root = tmp_path / scenario
    shutil.copytree(FIXTURES / scenario, root)
    (root / "home").mkdir(exist_ok=True)   # git keeps no empty directories
    expected = json.loads((root / "expected.json").read_text())
    env = {key: value.replace("{fixture}", str(root))
           for key, value in json.loads((root / "env.json").read_text()).items()}
    return root, expected, env


def _scan_cli(root: Path, expected: dict, env: dict[str, str]) -> subprocess.CompletedProcess:
    # A rustup user's machine with the fixture's toolchain installed (not this machine's rustup or Debian cargo).
    machine = rustup(root / "machine", pinned_toolchains(root, env))
    full_env = {"PATH": machine["PATH"] + ":/usr/bin:/bin", "RUSTUP_HOME": machine["RUSTUP_HOME"],
                "HOME": str(root / "user-home"), "CARGO_HOME": str(root / "home"), "LANG": "C", "NO_COLOR": "1"} | env
    return subprocess.run([sys.executable, "-m", "buildcheck", "scan", "--format", "json"],
                          cwd=root / expected["cwd"], env=full_env, capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)


def _same_location(actual: dict | None, wanted: dict, root: Path, cwd: Path) -> bool:
    if not actual:
        return False
    if "env" in wanted:
        return actual.get("env") == wanted["env"]
    if "path" not in actual:
        return False
    path = Path(actual["path"])
    path = path if path.is_absolute() else cwd / path
    return (os.path.realpath(path) == os.path.realpath(root / wanted["path"])
            and ("line" not in wanted or actual.get("line") == wanted["line"]))


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scan_verdict(scenario, tmp_path):
    root, expected, env = _copy(scenario, tmp_path)
    proc = _scan_cli(root, expected, env)
    context = f"{scenario}: exit {proc.returncode}\nstdout:\n{proc.stdout[:3000]}\nstderr:\n{proc.stderr[-3000:]}"
    assert "Traceback" not in proc.stderr, context
    assert proc.returncode == expected["exit_code"], context
    if expected["exit_code"] == 2:
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("buildcheck: error:"), context
        if "error_location" in expected:
            where = expected["error_location"]
            name = str(root / where["path"])
            relative = os.path.relpath(name, root / expected["cwd"])
            assert f"{name}:{where['line']}" in lines[0] or f"{relative}:{where['line']}" in lines[0], context
        for text in expected.get("error_mentions", []):
            assert text in lines[0], context
        return
    report = json.loads(proc.stdout)
    if "cargo_version" in expected:   # every fixture pins its toolchain: nothing is run to learn it
        assert report["toolchain"]["cargo_version"] == expected["cargo_version"], context
    findings = report["findings"] + (report["make"]["findings"] if report["make"] else [])  # both build paths
    fired = {finding["rule"] for finding in findings}
    assert set(expected["rules"]) <= fired, context
    assert not (set(expected["absent_rules"]) & fired), context
    if "effective_debuginfo" in expected:
        assert report["effective"]["debuginfo"] == expected["effective_debuginfo"], context
    if "debug_sections_expected" in expected:
        assert report["effective"]["debug_sections_expected"] is expected["debug_sections_expected"], context
    cwd = root / expected["cwd"]
    for rule, wanted in expected["locations"].items():
        locations = [f["location"] for f in findings if f["rule"] == rule]
        assert any(_same_location(loc, wanted, root, cwd) for loc in locations), \
            f"{rule} should point at {wanted}, points at {locations}\n{context}"


def _has_dwarf(binary: Path) -> bool:
    from elftools.elf.elffile import ELFFile

    with binary.open("rb") as stream:
        return ELFFile(stream).get_section_by_name(".debug_info") is not None


def _check_units(units, wanted: dict, context: str) -> None:
    for package, facts in wanted.items():
        call = units[(package, False)]
        assert call.final_debuginfo == facts["debuginfo"], f"{package}: {call.argv}\n{context}"
        assert call.cargo_strip == facts["strip"], f"{package}: {call.argv}\n{context}"


REAL_CARGO = [s for s in SCENARIOS if "real_cargo" in json.loads((FIXTURES / s / "expected.json").read_text())]


@pytest.mark.cargo
@pytest.mark.parametrize("scenario", REAL_CARGO)
def test_expectation_holds_with_real_cargo(scenario, tmp_path):
    root, expected, env = _copy(scenario, tmp_path)
    real = expected["real_cargo"]
    cargo = cargo_or_skip(real["cargo"])
    cargo_env = base_env(root, cargo) | env
    target_dir = tmp_path / "target"
    proc = subprocess.run([cargo.cargo, "build", "-v", "--offline", "--release", "--target-dir", str(target_dir)],
                          cwd=root / expected["cwd"], env=cargo_env, capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL)
    context = f"{scenario} with cargo {cargo.version}:\n{proc.stderr[-4000:]}"
    if real.get("fails"):
        assert proc.returncode != 0, context
        return
    assert proc.returncode == 0, context
    _check_units(split_host_and_target(parse_running_lines(proc.stderr)), real["units"], context)
    if "binary_has_dwarf" in real:
        assert _has_dwarf(target_dir / "release" / "app") is real["binary_has_dwarf"], context
    if "under_make" in real:
        if shutil.which("make") is None:
            pytest.skip("make is not installed")
        make_target = tmp_path / "target-make"
        proc = subprocess.run(["make", real["under_make"]["target"], f"CARGO={cargo.cargo}",
                               f"CARGO_ARGS=-v --offline --target-dir {make_target}"],
                              cwd=root / expected["cwd"], env=cargo_env, capture_output=True, text=True,
                              timeout=300, stdin=subprocess.DEVNULL)
        context = f"{scenario} under make with cargo {cargo.version}:\n{proc.stderr[-4000:]}"
        assert proc.returncode == 0, context
        _check_units(split_host_and_target(parse_running_lines(proc.stderr)), real["under_make"]["units"], context)
