"""Ground truth for `inspect --isa` and `check --runs-on`: real CPUs, emulated by qemu-user.

Test programs whose hot path needs what they were compiled for (Rust at target-cpu x86-64 / -v2 /
-v3 / native, the same work behind is_x86_feature_detected!, SHA-NI behind a check, C with -mavx2,
__builtin_cpu_supports, target_clones) run under `qemu-x86_64 -cpu MODEL`; qemu kills a binary with
SIGILL on an instruction the model lacks. Each model's real flags come from a CPUID program run
under it (TCG drops what it cannot emulate: no AVX-512, no SHA-NI in qemu 7.2). Required: the
analysis' `required` fits a model's flags exactly when qemu runs the binary cleanly, and
`check --runs-on <that model's cpuinfo>` exits 1 exactly when qemu reports SIGILL.

Needs gcc, a rustc and qemu-user (Debian: qemu-user); each part skips without its tool.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from buildcheck.isa.report import inspect_isa
from buildcheck.runs_on import parse_cpuinfo

pytestmark = pytest.mark.toolchain

SOURCES = Path(__file__).resolve().parent / "isa_programs"
QEMU = shutil.which("qemu-x86_64")
GCC = shutil.which("gcc")
MODELS = ("Conroe", "Nehalem", "SandyBridge", "Haswell", "Skylake-Client", "EPYC")


def _rustc() -> str | None:
    for candidate in (os.path.expanduser("~/.cargo/bin/rustc"), shutil.which("rustc"), "/usr/bin/rustc"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


RUSTC = _rustc()
needs_qemu = pytest.mark.skipif(QEMU is None, reason="needs qemu-user (Debian package qemu-user)")


def _host_flags() -> frozenset[str]:
    try:
        return parse_cpuinfo(Path("/proc/cpuinfo").read_text(), "host").flags
    except (OSError, Exception):
        return frozenset()


@pytest.fixture(scope="module")
def programs(tmp_path_factory) -> dict[str, Path]:
    """Every test program this machine can build, by name."""
    out = tmp_path_factory.mktemp("isa-programs")
    built: dict[str, Path] = {}
    if RUSTC:
        for cpu in ("x86-64", "x86-64-v2", "x86-64-v3", "native"):
            built[f"rust-{cpu}"] = _run_build([RUSTC, "-O", "-C", f"target-cpu={cpu}", str(SOURCES / "work.rs"),
                                               "-o", str(out / f"rust-{cpu}")], out / f"rust-{cpu}")
        built["rust-dispatch"] = _run_build([RUSTC, "-O", str(SOURCES / "dispatch.rs"), "-o",
                                             str(out / "rust-dispatch")], out / "rust-dispatch")
        built["rust-dispatch-native"] = _run_build([RUSTC, "-O", "-C", "target-cpu=native",
                                                    str(SOURCES / "dispatch.rs"), "-o",
                                                    str(out / "rust-dispatch-native")], out / "rust-dispatch-native")
        built["rust-sha"] = _run_build([RUSTC, "-O", str(SOURCES / "sha.rs"), "-o", str(out / "rust-sha")],
                                       out / "rust-sha")
        built["rust-sha-native"] = _run_build([RUSTC, "-O", "-C", "target-cpu=native", str(SOURCES / "sha.rs"),
                                               "-o", str(out / "rust-sha-native")], out / "rust-sha-native")
    if GCC:
        built["c-mavx2"] = _run_build([GCC, "-O3", "-mavx2", str(SOURCES / "c_avx2.c"), "-o", str(out / "c-mavx2")],
                                      out / "c-mavx2")
        built["c-builtin"] = _run_build([GCC, "-O3", str(SOURCES / "c_builtin.c"), "-o", str(out / "c-builtin")],
                                        out / "c-builtin")
        built["c-clones"] = _run_build([GCC, "-O3", str(SOURCES / "c_clones.c"), "-o", str(out / "c-clones")],
                                       out / "c-clones")
    return {name: path for name, path in built.items() if path is not None}


def _run_build(args: list[str], output: Path) -> Path | None:
    result = subprocess.run(args, capture_output=True, text=True, timeout=300)
    return output if result.returncode == 0 and output.exists() else None


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> dict[str, Path]:
    """cpuinfo files for the qemu models, written from CPUID as each model answers it."""
    if QEMU is None or GCC is None:
        pytest.skip("needs qemu-user and gcc")
    out = tmp_path_factory.mktemp("qemu-models")
    probe = out / "cpuid_flags"
    subprocess.run([GCC, "-O2", str(SOURCES / "cpuid_flags.c"), "-o", str(probe)], check=True, timeout=120)
    found = {}
    for model in MODELS:
        result = subprocess.run([QEMU, "-cpu", model, str(probe)], capture_output=True, text=True, timeout=60)
        if result.returncode == 0 and "flags" in result.stdout:
            path = out / model
            path.write_text(f"model name\t: qemu {model}\n" + result.stdout)
            found[model] = path
    if len(found) < 3:
        pytest.skip("this qemu knows too few of the CPU models")
    return found


def _sigill(binary: Path, model: str) -> bool:
    result = subprocess.run([QEMU, "-cpu", model, str(binary), "1000"], capture_output=True, timeout=120)
    assert result.returncode in (0, -signal.SIGILL), (binary, model, result.returncode, result.stderr[-300:])
    return result.returncode == -signal.SIGILL


def _check_exit(binary: Path, cpuinfo: Path, directory: Path) -> int:
    result = subprocess.run([sys.executable, "-m", "buildcheck", "check", str(directory), "--binary", str(binary),
                             "--runs-on", str(cpuinfo)], capture_output=True, text=True, timeout=300,
                            stdin=subprocess.DEVNULL)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode


@needs_qemu
def test_required_fits_a_model_exactly_when_qemu_runs_the_binary(programs, models, tmp_path):
    if not programs:
        pytest.skip("no compiler built a test program")
    outcomes = []
    for name, binary in sorted(programs.items()):
        required = inspect_isa(binary).required_features
        for model, cpuinfo in sorted(models.items()):
            flags = parse_cpuinfo(cpuinfo.read_text(), model).flags
            dies = _sigill(binary, model)
            fits = required <= flags
            assert fits == (not dies), f"{name} on {model}: required {sorted(required - flags)} missing, SIGILL {dies}"
            exit_code = _check_exit(binary, cpuinfo, tmp_path)
            assert exit_code == (1 if dies else 0), f"check --runs-on {model} for {name}: exit {exit_code}"
            outcomes.append(dies)
    # the set must contain both outcomes, or it proves nothing
    assert any(outcomes) and not all(outcomes)


@pytest.mark.skipif(RUSTC is None and GCC is None, reason="needs rustc or gcc")
def test_what_each_program_requires_and_dispatches(programs):
    def analysed(name):
        if name not in programs:
            pytest.skip(f"{name} was not built here")
        return inspect_isa(programs[name])

    levels = {"x86-64": "x86-64", "x86-64-v2": "x86-64-v2", "x86-64-v3": "x86-64-v3"}
    for cpu, level in levels.items():
        report = analysed(f"rust-{cpu}")
        assert report.level == level, (cpu, report.required_features)
    dispatched = analysed("rust-dispatch")
    assert dispatched.level == "x86-64" and not dispatched.required
    assert {"avx2", "bmi2"} <= {e.feature for e in dispatched.dispatched}
    if "avx2" in _host_flags():
        # native on an AVX2 host: the same source, the check compiled away
        assert {"avx2", "bmi2"} <= analysed("rust-dispatch-native").required_features
    sha = analysed("rust-sha")
    assert "sha_ni" in {e.feature for e in sha.dispatched} and "sha_ni" not in sha.required_features
    if "sha_ni" in _host_flags():
        assert "sha_ni" in analysed("rust-sha-native").required_features
    assert {"avx", "avx2"} <= analysed("c-mavx2").required_features
    for name in ("c-builtin", "c-clones"):
        report = analysed(name)
        assert not report.required and "avx2" in {e.feature for e in report.dispatched}, name
    assert "avx512f" in {e.feature for e in analysed("c-clones").dispatched}


def _third_party() -> list[Path]:
    """Real binaries with runtime dispatch: rustup's cargo (static OpenSSL, blake3, memchr, sha2)
    and the system's libcrypto."""
    found = []
    toolchains = Path(os.path.expanduser("~/.rustup/toolchains"))
    if toolchains.is_dir():
        found += sorted(toolchains.glob("*/bin/cargo"))[:1]
    for directory in ("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/lib/x86_64-linux-gnu"):
        candidates = sorted(Path(directory).glob("libcrypto.so.3*")) if Path(directory).is_dir() else []
        if candidates:
            found.append(candidates[0])
            break
    return found


@pytest.mark.parametrize("binary", _third_party(), ids=lambda p: p.name)
def test_dispatched_crypto_does_not_make_a_real_binary_unportable(binary):
    report = inspect_isa(binary)
    dispatched = {e.feature for e in report.dispatched}
    present = dispatched | {e.feature for e in report.unproven}
    # it is a real dispatch example: variants beyond any level, or AVX-512, are in there...
    assert present & {"avx512f", "sha_ni", "vaes", "adx", "avx2"}, present
    # ...and none of it is required
    assert report.required == () and report.level == "x86-64", report.required_features


@needs_qemu
def test_rustups_cargo_really_runs_on_the_oldest_model():
    cargos = [p for p in _third_party() if p.name == "cargo"]
    if not cargos:
        pytest.skip("no rustup toolchain here")
    result = subprocess.run([QEMU, "-cpu", "Conroe", str(cargos[0]), "--version"], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0 and result.stdout.startswith("cargo ")
