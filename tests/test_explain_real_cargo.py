"""explain and check on binaries that real cargo builds here: Debian's cargo 1.65 (no implicit strip) and rustup's.

One tiny workspace (app + a path dependency) is built four ways. What each binary carries
is whatever cargo and rustc do; the tests only say which cause explain must name for it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers.scenario import buildcheck

from buildcheck.cargo.scan import scan
from buildcheck.elf.inspect import inspect_binary
from buildcheck.causes import derive
from buildcheck.explain import explain as explain_causes

pytestmark = pytest.mark.cargo

DEBIAN_CARGO = Path("/usr/bin/cargo")
DEBIAN_RUSTC = Path("/usr/bin/rustc")
RUSTUP_CARGO = Path.home() / ".cargo" / "bin" / "cargo"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("explain-cargo")
    ws = root / "ws"
    _write(ws / "Cargo.toml", '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n'
                              '[dependencies]\ndep = { path = "dep" }\n\n[workspace]\n')
    _write(ws / "dep" / "Cargo.toml", '[package]\nname = "dep"\nversion = "0.1.0"\nedition = "2021"\n')
    _write(ws / "dep" / "src" / "lib.rs", "pub fn answer(n: usize) -> usize { n * 42 }\n")
    _write(ws / "src" / "main.rs", 'fn main() { println!("{}", dep::answer(std::env::args().count())); }\n')
    home = root / "cargo-home"
    home.mkdir()
    return root, ws, home


def _build(project, name: str, cargo: Path, rustflags: str | None) -> Path:
    root, ws, home = project
    if not cargo.exists():
        pytest.skip(f"{cargo} is not installed")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARGO", "RUSTFLAGS", "RUSTC", "RUSTUP_TOOLCHAIN"))}
    env["CARGO_HOME"] = str(home) if cargo == DEBIAN_CARGO else env.get("CARGO_HOME", str(Path.home() / ".cargo"))
    if cargo == DEBIAN_CARGO and DEBIAN_RUSTC.exists():
        env["RUSTC"] = str(DEBIAN_RUSTC)  # Debian's pair, as a distribution build would use
    if rustflags is not None:
        env["RUSTFLAGS"] = rustflags
    target = root / f"target-{name}"
    done = subprocess.run([str(cargo), "build", "--release", "--offline", "--target-dir", str(target)], cwd=ws,
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return target / "release" / "app"


_RECIPES = {"1.65 -g": ("165g", DEBIAN_CARGO, "-g"), "1.65": ("165", DEBIAN_CARGO, None),
            "new": ("new", RUSTUP_CARGO, None), "new -g": ("newg", RUSTUP_CARGO, "-g")}


class _Binaries:
    """Each binary is built on first use, so a test skips only when its own cargo is missing."""

    def __init__(self, project):
        self.project = project
        self.built: dict[str, Path] = {}

    def __getitem__(self, name: str) -> Path:
        if name not in self.built:
            self.built[name] = _build(self.project, *_RECIPES[name])
        return self.built[name]


@pytest.fixture(scope="module")
def binaries(project):
    return _Binaries(project)


def explain(settings, binary):
    return explain_causes(settings, derive(settings), binary)


def _fix(cause) -> str:
    return cause.cause.remedy.describe().text()


def _settings(project, cargo: Path, **env: str):
    root, ws, home = project
    if cargo == RUSTUP_CARGO:  # the proxy picks this machine's default toolchain, as the build did
        env.setdefault("RUSTUP_HOME", os.environ.get("RUSTUP_HOME", str(Path.home() / ".rustup")))
    return scan(cwd=ws, env={"HOME": str(root / "home"), "CARGO_HOME": str(home), **env}, cargo=str(cargo))


def test_rustflags_g_on_cargo_1_65_is_named_first_with_the_missing_strip(project, binaries):
    result = explain(_settings(project, DEBIAN_CARGO, RUSTFLAGS="-g"), inspect_binary(binaries["1.65 -g"]))
    assert result.cargo_version.startswith("1.65")
    first = result.causes[0]
    assert first.kind == "rustflags-debuginfo" and first.seen_in_binary is True
    assert first.origin.kind == "env" and first.origin.env == "RUSTFLAGS"
    assert "app" in result.binary.crate_names()
    kinds = [c.kind for c in result.causes]
    assert "toolchain-no-strip" in kinds and kinds.index("toolchain-no-strip") > 0
    assert result.contradictions == ()
    assert "RUSTFLAGS" in result.headline.text() and "never strips" in result.headline.text()
    assert result.fix[0] == first.cause.remedy and "RUSTFLAGS" in _fix(first)


def test_plain_build_on_cargo_1_65_is_the_toolchains_missing_strip(project, binaries):
    result = explain(_settings(project, DEBIAN_CARGO), inspect_binary(binaries["1.65"]))
    assert result.binary.std_only and result.binary.std_bytes > 1 << 20
    assert [c.kind for c in result.causes] == ["toolchain-no-strip"]
    assert result.causes[0].seen_in_binary is True and result.causes[0].rule == "BC005"
    assert "STRIP=debuginfo" in _fix(result.causes[0])
    assert result.contradictions == ()
    assert "standard library" in result.headline.text() and "never strips" in result.headline.text()


def test_plain_build_on_the_current_cargo_has_no_debug_info(project, binaries):
    result = explain(_settings(project, RUSTUP_CARGO), inspect_binary(binaries["new"]))
    assert not result.binary.has_dwarf
    assert result.causes == () and result.contradictions == ()
    assert "no debug info" in result.headline.text()


def test_rustflags_g_on_the_current_cargo_is_compiled_but_stripped(project, binaries):
    settings = _settings(project, RUSTUP_CARGO, RUSTFLAGS="-g")
    result = explain(settings, inspect_binary(binaries["new -g"]))
    assert not result.binary.has_dwarf  # cargo >= 1.77 strips: the profile has no debuginfo
    assert [(c.kind, c.seen_in_binary) for c in result.causes] == [("rustflags-debuginfo", False)]
    assert result.contradictions == ()
    assert "stripped" in explain(settings, None).headline.text()


def test_a_binary_built_with_other_flags_contradicts_the_settings(project, binaries):
    report = inspect_binary(binaries["1.65 -g"])
    without_g = explain(_settings(project, DEBIAN_CARGO), report)
    assert any("app" in c.message.text() and "without debug info" in c.message.text()
               for c in without_g.contradictions)
    assert "do not explain" in without_g.headline.text()
    newer = explain(_settings(project, RUSTUP_CARGO), report)
    assert newer.contradictions[0].message.id == "BC103.toolchain"  # built by Debian's rustc, told first
    assert any("leave none" in c.message.text() for c in newer.contradictions)
    assert [f.rule for f in newer.contradiction_findings()] == ["BC103"] * len(newer.contradictions)
    stripped = explain(_settings(project, DEBIAN_CARGO, RUSTFLAGS="-g"), inspect_binary(binaries["new"]))
    assert any("no debug info" in c.message.text() for c in stripped.contradictions)


def test_check_gate_on_the_built_binaries(project, binaries):
    root, ws, home = project
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(root / "home"), "CARGO_HOME": str(home),
           "LANG": "C", "RUSTFLAGS": "-g"}
    done = buildcheck("check", "--cargo", str(DEBIAN_CARGO), "--binary", str(binaries["1.65 -g"]), "--format", "json",
                      cwd=ws, env=env)
    assert done.returncode == 1, done.stderr
    data = json.loads(done.stdout)
    rules = {f["rule"] for f in data["findings"]}
    assert {"BC001", "BC005", "BC100"} <= rules and "BC103" not in rules
    del env["RUSTFLAGS"]
    done = buildcheck("check", "--cargo", str(DEBIAN_CARGO), "--binary", str(binaries["1.65"]), "--format", "json",
                      cwd=ws, env=env)
    assert done.returncode == 0, done.stdout
    assert sorted(f["rule"] for f in json.loads(done.stdout)["findings"]) == ["BC005", "BC102"]
    if shutil.which("strip"):
        stripped = root / "app-stripped"
        subprocess.run(["strip", "--strip-debug", "-o", str(stripped), str(binaries["1.65"])], check=True)
        done = buildcheck("check", "--cargo", str(DEBIAN_CARGO), "--binary", str(stripped), "--format", "json",
                          cwd=ws, env=env)
        findings = json.loads(done.stdout)["findings"]
        assert [f["rule"] for f in findings if f["rule"].startswith("BC1")] == ["BC103"]  # stripped after the build
