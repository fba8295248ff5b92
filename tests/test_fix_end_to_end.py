"""`fix --write` and `eval "$(buildcheck flags)"` against real cargo: the build that follows has no debug info.

For each scenario and each cargo (rustup's stable, which strips implicitly, and Debian's 1.65,
which like damocles' pinned 1.72 never does): the build before shows `-C debuginfo`/`-g` in
`cargo build --release -v`; `fix` shows a diff and exits 1; `fix --write` exits 0 and keeps
a backup and the file's comments; the build after passes neither; `scan` then exits 0 with
no error finding. The crate has no dependencies, CARGO_HOME is private, nothing uses the network.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from buildcheck.report.layout import PathStyle

STABLE = os.path.expanduser("~/.cargo/bin/cargo")
DEBIAN = "/usr/bin/cargo"
CARGOS = [pytest.param(STABLE, id="stable"), pytest.param(DEBIAN, id="debian")]
LOTUS_RUSTFLAGS = "-C target-cpu=native -g"

pytestmark = [pytest.mark.cargo,
              pytest.mark.skipif(not shutil.which("readelf"), reason="needs readelf")]

# rustc options that turn debug info on, as cargo -v prints them (a `-C debuginfo=0` is harmless).
_DEBUG_IN_COMMAND = re.compile(r"(?:-C\s*debuginfo=(?!0\b|none\b)\S+|(?<=\s)-g(?=[\s`]|$))")


def _need(cargo: str) -> None:
    if not os.access(cargo, os.X_OK):
        pytest.skip(f"{cargo} is not installed")


def _env(tmp_path: Path, cargo: str, **extra: str) -> dict[str, str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "user"), "CARGO_HOME": str(tmp_path / "user" / ".cargo"),
           "CARGO_NET_OFFLINE": "true", "CARGO_TERM_COLOR": "never", "LANG": "C", "NO_COLOR": "1"}
    if cargo == STABLE:
        env["PATH"] = f"{os.path.dirname(STABLE)}:/usr/bin:/bin"
        env["RUSTUP_HOME"] = os.environ.get("RUSTUP_HOME", os.path.expanduser("~/.rustup"))
        env["RUSTUP_AUTO_INSTALL"] = "0"
    else:
        env["RUSTC"] = "/usr/bin/rustc"
    (tmp_path / "user" / ".cargo").mkdir(parents=True, exist_ok=True)
    return env | extra


def _crate(directory: Path, manifest_extra: str = "") -> Path:
    (directory / "src").mkdir(parents=True)
    (directory / "Cargo.toml").write_text('[package]\nname = "demo"\nversion = "0.1.0"\nedition = "2021"\n'
                                          + manifest_extra)
    (directory / "src" / "main.rs").write_text('fn main() { println!("{:?}", (0..10).collect::<Vec<u64>>()); }\n')
    return directory


def _scenario(name: str, tmp_path: Path) -> tuple[Path, Path, str]:
    """(crate, the file fix must edit, a comment in that file that must survive)."""
    if name == "parent-config-line3":
        config = tmp_path / "parent" / ".cargo" / "config.toml"
        config.parent.mkdir(parents=True)
        config.write_text("# shared by every checkout under this directory\n[profile.release]\ndebug = true\n")
        return _crate(tmp_path / "parent" / "demo"), config, "# shared by every checkout"
    if name == "home-build-rustflags":
        config = tmp_path / "user" / ".cargo" / "config.toml"
        config.parent.mkdir(parents=True)
        config.write_text('[build]\n# from a forum post\nrustflags = ["-C", "opt-level=3", "-g"]\n')
        return _crate(tmp_path / "demo"), config, "# from a forum post"
    crate = _crate(tmp_path / "demo", "\n[profile.release]\ndebug = 2  # backtraces in production\n")
    return crate, crate / "Cargo.toml", "# backtraces in production"


SCENARIOS = ["parent-config-line3", "home-build-rustflags", "manifest-debug-2"]


def _cargo_build(cargo: str, crate: Path, env: dict[str, str], target: str) -> str:
    proc = subprocess.run([cargo, "build", "--release", "-v", "--target-dir", target], cwd=crate, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return "\n".join(line for line in proc.stderr.splitlines() if "--crate-name demo" in line)


def _buildcheck(args: list[str], crate: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "buildcheck", *args], cwd=crate, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("cargo", CARGOS)
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_fix_write_then_real_build_has_no_debug_flags(scenario, cargo, tmp_path):
    _need(cargo)
    crate, config, comment = _scenario(scenario, tmp_path)
    env = _env(tmp_path, cargo)
    before = _cargo_build(cargo, crate, env, "t-before")
    assert _DEBUG_IN_COMMAND.search(before), before  # the scenario really turns debug info on

    shown = _buildcheck(["fix", "--cargo", cargo], crate, env)
    assert shown.returncode == 1, shown.stderr
    # Inside the project git-style `a/` paths, outside it the absolute path, as `diff -u` prints it.
    header = "--- a/Cargo.toml\n" if scenario == "manifest-debug-2" else f"--- {config.resolve()}\n"
    assert shown.stdout.startswith(header) and "\n+" in shown.stdout
    assert config.read_text().count("debug = true") + config.read_text().count("debug = 2") \
        + config.read_text().count('"-g"') == 1  # showing wrote nothing

    original = config.read_text()
    written = _buildcheck(["fix", "--write", "--cargo", cargo], crate, env)
    assert written.returncode == 0, written.stderr
    assert written.stdout == ""
    # named as compilers name paths: relative under the project, `~/` under the home directory
    shown_as = PathStyle(cwd=str(crate), home=env["HOME"]).show(str(config))
    assert f"wrote {shown_as} (backup: {shown_as}.bak)" in written.stderr
    assert Path(str(config) + ".bak").read_text() == original
    assert comment in config.read_text()

    after = _cargo_build(cargo, crate, env, "t-after")
    assert after and not _DEBUG_IN_COMMAND.search(after), after

    scan = _buildcheck(["scan", "--format", "json", "--cargo", cargo], crate, env)
    assert scan.returncode == 0, scan.stdout + scan.stderr
    rules = {f["rule"] for f in json.loads(scan.stdout)["findings"]}
    assert rules <= {"BC005"}, rules
    assert ("BC005" in rules) == (cargo == DEBIAN)
    again = _buildcheck(["fix", "--cargo", cargo], crate, env)
    assert (again.returncode, again.stdout) == (0, "")


def _debug_sections(binary: Path) -> list[str]:
    out = subprocess.run(["readelf", "-S", "-W", str(binary)], capture_output=True, text=True, check=True).stdout
    # .debug_gdb_scripts is rustc's list of gdb pretty-printer scripts, not DWARF: it stays in a stripped binary.
    return [name for line in out.splitlines() if "] ." in line
            for name in [line.split("]", 1)[1].split()[0]]
            if name.startswith((".debug_", ".zdebug_")) and name != ".debug_gdb_scripts"]


@pytest.mark.parametrize("cargo", CARGOS)
def test_eval_flags_from_the_lotus_env_builds_without_debug_sections(cargo, tmp_path):
    _need(cargo)
    crate = _crate(tmp_path / "demo")
    env = _env(tmp_path, cargo, RUSTFLAGS=LOTUS_RUSTFLAGS)
    build = f"{cargo} build --release -q --target-dir"

    subprocess.run(["sh", "-c", f"{build} t-before"], cwd=crate, env=env, check=True, capture_output=True, timeout=600)
    if cargo == DEBIAN:
        # cargo >= 1.77 strips the `-g` build at link time (the profile asks for no debuginfo), so only
        # the old cargo shows the 1-2 GB problem in the binary itself.
        assert ".debug_info" in _debug_sections(crate / "t-before" / "release" / "demo")

    script = (f'eval "$({sys.executable} -m buildcheck flags --cargo {cargo})" || exit 99\n'
              f'printf "%s" "$RUSTFLAGS" > flags.txt\n{build} t-after')
    proc = subprocess.run(["sh", "-c", script], cwd=crate, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (crate / "flags.txt").read_text() == "-C target-cpu=native"
    binary = crate / "t-after" / "release" / "demo"
    assert _debug_sections(binary) == []
    # The CPU summary and the SIGILL warning went to stderr, not into what sh evaluated.
    assert "SIGILL" in proc.stderr
