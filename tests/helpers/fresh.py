"""Binaries compiled in the test session with whatever gcc/rustc/cargo this machine (or CI) has.

The committed fixtures pin one toolchain; these recipes make the same kinds of binaries with
the installed one, so the comparison with binutils also holds for the next compiler release.
Each recipe is built on first use into one session directory and reused.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "fixtures" / "binaries" / "src"

RUSTUP_BIN = Path.home() / ".cargo" / "bin"
DEBIAN_RUSTC = Path("/usr/bin/rustc")


def _newest(tool: str) -> Path:
    """rustup's tool when installed (the current stable), else the one on PATH (CI: Debian's)."""
    rustup = RUSTUP_BIN / tool
    return rustup if rustup.exists() else Path(shutil.which(tool) or rustup)


RUSTC = _newest("rustc")
CARGO = _newest("cargo")

HELLO_RS = 'fn main() {\n    println!("hello {}", std::env::args().count());\n}\n'


def _need(tool: str | Path) -> str:
    found = shutil.which(str(tool))
    if not found:
        pytest.skip(f"{tool} is not installed")
    return found


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, timeout=600)
    if proc.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed: {proc.stderr[-2000:]}")


def _gcc(*flags: str, source: str = "hello.c", compiler: str = "gcc") -> Callable[[Path], Path]:
    def build(work: Path) -> Path:
        cc = _need(compiler)
        if "-m32" in flags:
            probe = subprocess.run([cc, "-m32", "-x", "c", "-", "-o", str(work / "m32-probe")],
                                   input="int main(void){return 0;}", capture_output=True, text=True)
            if probe.returncode != 0:
                pytest.skip("gcc -m32 cannot link here (gcc-multilib missing)")
        out = work / "out"
        _run([cc, "-O2", *flags, str(SRC / source), "-o", str(out)], cwd=work)
        return out
    return build


def _then_objcopy(build: Callable[[Path], Path], *args: str) -> Callable[[Path], Path]:
    def wrapped(work: Path) -> Path:
        first = build(work)
        out = work / "objcopied"
        _run([_need("objcopy"), *args, str(first), str(out)], cwd=work)
        return out
    return wrapped


def _split_dwarf(work: Path) -> Path:
    cc = _need("gcc")
    _run([cc, "-O2", "-g", "-gsplit-dwarf", "-c", str(SRC / "hello.c"), "-o", "split.o"], cwd=work)
    _run([cc, "-g", "split.o", "-o", "split"], cwd=work)
    assert (work / "split.dwo").exists()
    return work / "split"


def _ld_r(work: Path) -> Path:
    """Several gcc/g++/as objects merged by `ld -r`: one relocatable object, one unit per input,
    relocations against .debug_info from all of them in one table."""
    gcc, gxx, ld = _need("gcc"), _need("g++"), _need("ld")
    objects = []
    for compiler, source, defines in ((gcc, "hello.c", ["-DNO_MAIN"]), (gcc, "mixc.c", []), (gxx, "greet.cpp", []),
                                      (gcc, "add.S", [])):
        out = work / (source + ".o")
        _run([compiler, "-O2", "-g", *defines, "-c", str(SRC / source), "-o", str(out)], cwd=work)
        objects.append(str(out))
    _run([ld, "-r", *objects, "-o", "merged.o"], cwd=work)
    return work / "merged.o"


def _rustc_object(work: Path) -> Path:
    """A relocatable object written by LLVM (through rustc): its relocation table, not GNU as's."""
    if not RUSTC.exists():
        pytest.skip(f"{RUSTC} is not installed")
    (work / "hello.rs").write_text(HELLO_RS)
    _run([str(RUSTC), "--crate-name", "hello", "-g", "--emit=obj", "-C", "codegen-units=1", "hello.rs", "-o",
          "hello.o"], cwd=work)
    return work / "hello.o"


def _rustc(rustc: Path, *flags: str) -> Callable[[Path], Path]:
    def build(work: Path) -> Path:
        if not rustc.exists():
            pytest.skip(f"{rustc} is not installed")
        (work / "hello.rs").write_text(HELLO_RS)
        _run([str(rustc), "--crate-name", "hello", "-C", "opt-level=s", *flags, "hello.rs", "-o", "hello"], cwd=work)
        return work / "hello"
    return build


_CARGO_TOML = """[package]
name = "cargomix"
version = "0.1.0"
edition = "2021"
build = "build.rs"

[profile.release]
debug = true
"""

# The build script compiles C the way the cc crate would (gcc -g into a static library in
# OUT_DIR), but calls gcc directly: the tests run offline, without the registry.
_BUILD_RS = r'''use std::{env, path::PathBuf, process::Command};

fn main() {
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    let object = out.join("mixc.o");
    let ok = Command::new("gcc").args(["-O2", "-g", "-fPIC", "-c", "native/mixc.c", "-o"]).arg(&object)
        .status().unwrap().success();
    assert!(ok, "gcc failed");
    let ok = Command::new("ar").arg("rcs").arg(out.join("libmixc.a")).arg(&object).status().unwrap().success();
    assert!(ok, "ar failed");
    println!("cargo:rustc-link-search=native={}", out.display());
    println!("cargo:rustc-link-lib=static=mixc");
    println!("cargo:rerun-if-changed=native/mixc.c");
}
'''

_MAIN_RS = """extern "C" {
    fn mix_add(value: i64) -> i64;
}

fn main() {
    let total = unsafe { mix_add(std::env::args().count() as i64) };
    println!("cargomix {total}");
}
"""


def _cargo_mixed(work: Path) -> Path:
    if not CARGO.exists():
        pytest.skip("cargo is not installed")
    _need("gcc")
    project = work / "cargomix"
    (project / "src").mkdir(parents=True)
    (project / "native").mkdir()
    (project / "Cargo.toml").write_text(_CARGO_TOML)
    (project / "build.rs").write_text(_BUILD_RS)
    (project / "src" / "main.rs").write_text(_MAIN_RS)
    shutil.copy(SRC / "mixc.c", project / "native" / "mixc.c")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARGO_", "RUSTFLAGS", "RUSTUP_TOOLCHAIN"))}
    env["CARGO_TARGET_DIR"] = str(project / "target")
    _run([str(CARGO), "build", "--release", "--offline", "--quiet"], cwd=project, env=env)
    return project / "target" / "release" / "cargomix"


RECIPES: dict[str, Callable[[Path], Path]] = {
    "gcc-nodebug": _gcc(),
    "gcc-g": _gcc("-g"),
    "gcc-gdwarf-4": _gcc("-g", "-gdwarf-4"),
    "gcc-gdwarf64": _gcc("-g", "-gdwarf64"),
    "gcc-gz-zlib": _gcc("-g", "-gz=zlib"),
    "objcopy-zlib-gnu": _then_objcopy(_gcc("-g"), "--compress-debug-sections=zlib-gnu"),
    "objcopy-zstd": _then_objcopy(_gcc("-g"), "--compress-debug-sections=zstd"),
    "gcc-gsplit-dwarf": _split_dwarf,
    "gcc-m32-g": _gcc("-m32", "-g"),
    "gcc-c-object": _gcc("-g", "-c"),
    "ld-r-objects": _ld_r,
    "rustc-object": _rustc_object,
    "gcc-shared": _gcc("-g", "-fPIC", "-shared", "-DNO_MAIN"),
    "g++-g": _gcc("-g", source="greet.cpp", compiler="g++"),
    "rustc-std": _rustc(RUSTC),
    "rustc-std-g": _rustc(RUSTC, "-g"),
    "rustc-debian-g": _rustc(DEBIAN_RUSTC, "-g"),
    "cargo-mixed": _cargo_mixed,
}


class FreshBinaries:
    """Builds a recipe on first request, in its own directory under the session's tmp dir."""

    def __init__(self, root: Path):
        self.root = root
        self._built: dict[str, Path] = {}
        self._failed: dict[str, BaseException] = {}

    def __call__(self, name: str) -> Path:
        if name in self._failed:  # a skip or a build failure is reported for every test using it
            raise self._failed[name]
        if name not in self._built:
            work = self.root / name
            work.mkdir()
            try:
                self._built[name] = RECIPES[name](work)
            except BaseException as exc:
                self._failed[name] = exc
                raise
        return self._built[name]
