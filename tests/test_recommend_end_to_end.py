"""The recommendations against real cargo: following them removes the debug info from a release binary.

Uses Debian's cargo 1.65 (/usr/bin/cargo), which like damocles' pinned 1.72 never strips,
so both the `-g` and the standard library's own debug info are visible. The crate has no
dependencies, CARGO_HOME is private, and nothing touches the network.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from buildcheck.recommend.config_edit import SetKey, edit_config_file, write_edited
from buildcheck.recommend.edits import RemoveRustflags
from buildcheck.cargo.scan import scan
from buildcheck.causes import derive
from buildcheck.recommend.flags_plan import flags_plan
from buildcheck.recommend.plan import fix_plan, rustflags_after

OLD_CARGO = "/usr/bin/cargo"
pytestmark = [
    pytest.mark.cargo,
    pytest.mark.skipif(not (os.access(OLD_CARGO, os.X_OK) and shutil.which("readelf")),
                       reason="needs Debian's cargo and readelf"),
]


def _crate(tmp_path: Path) -> Path:
    crate = tmp_path / "demo"
    (crate / "src").mkdir(parents=True)
    (crate / "Cargo.toml").write_text('[package]\nname = "demo"\nversion = "0.1.0"\nedition = "2021"\n')
    (crate / "src" / "main.rs").write_text('fn main() { println!("{:?}", (0..10).collect::<Vec<u64>>()); }\n')
    return crate


def _build(crate: Path, env_script: str, target: str, tmp_path: Path) -> Path:
    """Run `cargo build --release` from sh after `env_script`; return the binary."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "CARGO_HOME": str(tmp_path / "cargo-home"),
           "RUSTFLAGS": "-C target-cpu=native -g"}
    script = f"{env_script}\nexec {OLD_CARGO} build --release --offline -q --target-dir {target}"
    subprocess.run(["sh", "-c", script], cwd=crate, env=env, check=True, capture_output=True, timeout=300)
    return crate / target / "release" / "demo"


def _debug_sections(binary: Path) -> list[str]:
    out = subprocess.run(["readelf", "-S", "-W", str(binary)], capture_output=True, text=True, check=True).stdout
    return [line.split()[1] for line in out.splitlines() if ".debug_" in line and "]" in line]


def test_flags_output_removes_all_debug_info(tmp_path):
    crate = _crate(tmp_path)
    before = _build(crate, "", "t-before", tmp_path)
    assert ".debug_info" in _debug_sections(before)

    # What `buildcheck flags` prints for the Lotus environment on Debian's cargo (which never strips).
    env = {"HOME": str(tmp_path / "home"), "CARGO_HOME": str(tmp_path / "cargo-home"), "RUSTUP_TOOLCHAIN": "1.65.0",
           "RUSTFLAGS": "-C target-cpu=native -g"}
    result = scan(cwd=crate, env=env)
    plan = fix_plan(derive(result))
    lines = flags_plan(plan, rustflags_after(result, plan), env).render("sh").lines
    after = _build(crate, "\n".join(lines), "t-after", tmp_path)
    assert _debug_sections(after) == []
    assert after.stat().st_size < before.stat().st_size / 2


def test_fix_write_on_a_config_file_removes_all_debug_info(tmp_path):
    crate = _crate(tmp_path)
    config = crate / ".cargo" / "config.toml"
    config.parent.mkdir()
    config.write_text('# from a forum post\n[build]\nrustflags = ["-C", "target-cpu=native", "-g"]  # fast\n\n'
                      "[profile.release]\ndebug = true\n")
    before = _build(crate, "unset RUSTFLAGS", "t-before", tmp_path)
    assert ".debug_info" in _debug_sections(before)

    result = edit_config_file(config, [RemoveRustflags(("build", "rustflags")),
                                       SetKey(("profile", "release", "debug"), False),
                                       SetKey(("profile", "release", "strip"), "debuginfo")])
    write_edited(result)
    assert "# fast" in config.read_text() and "# from a forum post" in config.read_text()
    after = _build(crate, "unset RUSTFLAGS", "t-after", tmp_path)
    assert _debug_sections(after) == []


STABLE_CARGO = os.path.expanduser("~/.cargo/bin/cargo")


@pytest.mark.skipif(not os.access(STABLE_CARGO, os.X_OK), reason="needs rustup's stable cargo (>= 1.77)")
def test_strip_none_in_rustflags_undoes_implicit_strip_and_is_removed(tmp_path):
    """Why `-C strip=none` is on the removal list: rustflags come after cargo's implicit `-C strip=debuginfo`."""
    from buildcheck.recommend.rustflags import remove_debug_flags

    crate = _crate(tmp_path)
    env = {"PATH": f"{os.path.dirname(STABLE_CARGO)}:/usr/bin:/bin", "HOME": os.path.expanduser("~"),
           "CARGO_HOME": str(tmp_path / "cargo-home"), "RUSTUP_HOME": os.environ.get(
               "RUSTUP_HOME", os.path.expanduser("~/.rustup")), "RUSTUP_AUTO_INSTALL": "0"}

    def build(flags, target):
        subprocess.run([STABLE_CARGO, "build", "--release", "--offline", "-q", "--target-dir", target],
                       cwd=crate, env={**env, "RUSTFLAGS": " ".join(flags)}, check=True, capture_output=True,
                       timeout=300)
        return crate / target / "release" / "demo"

    flags = ["-C", "strip=none", "-C", "target-cpu=native"]
    assert ".debug_info" in _debug_sections(build(flags, "t-none"))
    assert _debug_sections(build(remove_debug_flags(flags).kept, "t-clean")) == []
