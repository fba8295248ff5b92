"""The x86 feature table against the real rustc: Debian's 1.63 and rustup's stable, whichever are installed.

For every target-cpu level and every `-C target-feature=+X` that rustc lists, the features
`cfg(target_feature)` shows must be exactly what buildcheck.x86_features predicts for that version.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from buildcheck.x86_features import (
    CFG_STABLE_SINCE,
    CPUINFO_TO_RUSTC,
    LEVEL_CPUINFO,
    LEVEL_NAMES,
    LEVEL_RUSTC_FEATURES,
    RUSTC_TO_CPUINFO,
    codegen_features,
    level_of,
    parse_rustc_version,
    rustc_features,
    with_implied,
)

TARGET = "x86_64-unknown-linux-gnu"


def _rustcs() -> list[str]:
    found = []
    for candidate in ("/usr/bin/rustc", os.path.expanduser("~/.cargo/bin/rustc"), shutil.which("rustc")):
        if candidate and os.access(candidate, os.X_OK) and candidate not in found:
            try:
                subprocess.run([candidate, "--version"], capture_output=True, check=True, timeout=60)
            except (OSError, subprocess.SubprocessError):
                continue
            found.append(candidate)
    return found


RUSTCS = _rustcs()
needs_rustc = pytest.mark.skipif(not RUSTCS, reason="needs a rustc (Debian's rustc or rustup)")


def _version(rustc: str):
    out = subprocess.run([rustc, "--version"], capture_output=True, text=True, check=True, timeout=60).stdout
    return parse_rustc_version(out)


def _cfg(rustc: str, *args: str) -> set[str]:
    out = subprocess.run([rustc, "--print", "cfg", "--target", TARGET, *args], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    return {line.split('"')[1] for line in out.splitlines() if line.startswith("target_feature=")}


def test_levels_nest_and_name_cpuinfo_flags():
    for lower, higher in zip(LEVEL_NAMES, LEVEL_NAMES[1:]):
        assert LEVEL_CPUINFO[lower] < LEVEL_CPUINFO[higher]
        assert LEVEL_RUSTC_FEATURES[lower] < LEVEL_RUSTC_FEATURES[higher]
    # every rustc name of a level has its cpuinfo twin in the same level
    for name in LEVEL_NAMES:
        assert {RUSTC_TO_CPUINFO[f] for f in LEVEL_RUSTC_FEATURES[name]} <= LEVEL_CPUINFO[name]
    assert "sha_ni" not in LEVEL_CPUINFO["x86-64-v4"] and "adx" not in LEVEL_CPUINFO["x86-64-v4"]


def test_level_of_cpuinfo_flags():
    v3 = LEVEL_CPUINFO["x86-64-v3"] | {"sha_ni"}
    assert level_of(v3) == "x86-64-v3"
    assert level_of(LEVEL_CPUINFO["x86-64-v2"] - {"popcnt"}) == "x86-64"
    assert level_of({"sse2"}) is None


def test_versions_parse():
    assert parse_rustc_version("rustc 1.95.0 (59807616e 2026-04-14)") == (1, 95)
    assert parse_rustc_version("1.72.0") == (1, 72)
    assert parse_rustc_version("1.80.0-nightly") == (1, 80)
    assert parse_rustc_version("stable") is None


def test_cfg_hides_names_not_stable_at_that_version():
    v3 = [("target-cpu", "x86-64-v3")]
    old = codegen_features(v3, rustc_version=(1, 63), host_features=None).cfg
    new = codegen_features(v3, rustc_version=(1, 95), host_features=None).cfg
    assert {"cmpxchg16b", "f16c", "movbe"} & old == set()
    assert {"cmpxchg16b", "f16c", "movbe"} <= new
    assert "lahfsahf" not in new  # still unstable
    v4 = [("target-cpu", "x86-64-v4")]
    assert "avx512f" not in codegen_features(v4, rustc_version=(1, 88), host_features=None).cfg
    assert "avx512f" in codegen_features(v4, rustc_version=(1, 89), host_features=None).cfg
    # damocles pins 1.72: f16c, cmpxchg16b and movbe are stable there
    assert {"f16c", "cmpxchg16b", "movbe"} <= codegen_features(v3, rustc_version=(1, 72), host_features=None).cfg


def test_implications_changed_in_1_82():
    assert "sse4.2" not in with_implied({"avx"}, (1, 81))
    assert "sse4.2" in with_implied({"avx"}, (1, 82))
    assert "avx2" not in with_implied({"vaes"}, (1, 63)) and "avx2" in with_implied({"vaes"}, (1, 95))


@needs_rustc
@pytest.mark.parametrize("rustc", RUSTCS)
@pytest.mark.parametrize("cpu", [*LEVEL_NAMES])
def test_levels_match_rustc(rustc, cpu):
    version = _version(rustc)
    predicted = codegen_features([("target-cpu", cpu)], rustc_version=version, host_features=None).cfg
    assert predicted == _cfg(rustc, "-C", f"target-cpu={cpu}")


def _listed_features(rustc: str) -> list[str]:
    out = subprocess.run([rustc, "--print", "target-features", "--target", TARGET], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    listed = []
    for line in out.splitlines():
        if line.startswith("Code-generation features"):
            break
        if line.startswith("    ") and line.split():
            listed.append(line.split()[0])
    return [f for f in listed if f not in ("crt-static",)]


@needs_rustc
@pytest.mark.parametrize("rustc", RUSTCS)
def test_every_single_target_feature_matches_rustc(rustc):
    """`-C target-feature=+X` for every X the newest installed rustc lists (older ones warn and ignore)."""
    version = _version(rustc)
    names = set()
    for other in RUSTCS:
        names.update(_listed_features(other))
    names |= set(CFG_STABLE_SINCE)
    mismatches = {}
    for name in sorted(names):
        predicted = codegen_features([("target-feature", "+" + name)], rustc_version=version,
                                     host_features=None).cfg
        real = _cfg(rustc, "-C", f"target-feature=+{name}")
        if predicted != real:
            mismatches[name] = (sorted(predicted ^ real))
    assert mismatches == {}


@needs_rustc
@pytest.mark.parametrize("rustc", RUSTCS)
@pytest.mark.skipif(not Path("/proc/cpuinfo").exists(), reason="needs /proc/cpuinfo")
def test_native_matches_rustc_on_this_host(rustc):
    from buildcheck.recommend.cpu_features import cpuinfo_flags, read_cpuinfo

    host = rustc_features(cpuinfo_flags(read_cpuinfo()))
    predicted = codegen_features([("target-cpu", "native")], rustc_version=_version(rustc), host_features=host).cfg
    real = _cfg(rustc, "-C", "target-cpu=native")
    # LLVM asks CPUID, Linux's cpuinfo may hide a flag; only names we map from cpuinfo can be compared
    comparable = set(CPUINFO_TO_RUSTC.values())
    assert predicted & comparable == real & comparable


def _cargo_pairs() -> list[tuple[str, str]]:
    """(cargo, rustc) that belong together: Debian's pair, and rustup's stable pair."""
    pairs = []
    if os.access("/usr/bin/cargo", os.X_OK) and os.access("/usr/bin/rustc", os.X_OK):
        pairs.append(("/usr/bin/cargo", "/usr/bin/rustc"))
    home = Path(os.path.expanduser("~/.rustup/toolchains"))
    for toolchain in sorted(home.glob("stable-*")) if home.is_dir() else []:
        if (toolchain / "bin" / "cargo").exists() and (toolchain / "bin" / "rustc").exists():
            pairs.append((str(toolchain / "bin" / "cargo"), str(toolchain / "bin" / "rustc")))
            break
    return pairs


@pytest.mark.cargo
@pytest.mark.parametrize("cargo,rustc", _cargo_pairs(), ids=lambda p: p.split("/")[-3] if "toolchains" in p else p)
def test_scanner_cfg_keys_follow_the_rustc_version_as_cargo_does(cargo, rustc, tmp_path):
    """movbe is in cfg from rustc 1.70: under x86-64-v3 a `cfg(target_feature = "movbe")` key applies on
    rustup's stable and not on Debian's 1.63, for real cargo and for buildcheck's scan alike."""
    import json
    import sys

    (tmp_path / "src").mkdir()
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "cfgtest"\nversion = "0.1.0"\nedition = "2018"\n')
    (tmp_path / "src" / "main.rs").write_text("fn main() {}\n")
    (tmp_path / ".cargo").mkdir()
    (tmp_path / ".cargo" / "config.toml").write_text(
        '[build]\nrustflags = ["-C", "target-cpu=x86-64-v3"]\n'
        '[target.\'cfg(target_feature = "movbe")\']\nrustflags = ["-C", "target-cpu=x86-64-v3", "--cfg", "saw_movbe"]\n')
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "RUSTC": rustc,
           "CARGO_HOME": str(tmp_path / "cargo-home"), "CARGO_TARGET_DIR": str(tmp_path / "target")}
    built = subprocess.run([cargo, "build", "-v"], cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=300)
    assert built.returncode == 0, built.stderr[-500:]
    real = "saw_movbe" in built.stderr
    scanned = subprocess.run([sys.executable, "-m", "buildcheck", "scan", str(tmp_path), "--cargo", cargo,
                              "--format", "json"], env=env, capture_output=True, text=True, timeout=120)
    assert scanned.returncode in (0, 1), scanned.stderr
    ours = "saw_movbe" in json.loads(scanned.stdout)["effective"]["rustflags"]
    assert ours == real
    assert real == (_version(rustc) >= (1, 70))
