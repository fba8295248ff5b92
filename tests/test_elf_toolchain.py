"""The inspector on binaries compiled here with gcc, rustc and cargo, checked against readelf and objcopy.

Each binary is compiled once per session into a temporary directory; every expected
number comes from running the real tool on the same file.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from buildcheck.elf.inspect import inspect_binary

pytestmark = pytest.mark.toolchain

GCC = shutil.which("gcc")
READELF = shutil.which("readelf")
OBJCOPY = shutil.which("objcopy")
RUSTC = shutil.which("rustc") or (str(Path.home() / ".cargo/bin/rustc")
                                  if (Path.home() / ".cargo/bin/rustc").exists() else None)
CARGO = shutil.which("cargo", path=str(Path.home() / ".cargo/bin")) or shutil.which("cargo")

needs_binutils = pytest.mark.skipif(not (GCC and READELF and OBJCOPY), reason="gcc/binutils not installed")

HELLO_C = """#include <stdio.h>
static int counter;
int add(int a, int b) { return a + b + counter++; }
int main(int argc, char **argv) { printf("%d\\n", add(argc, 2)); return 0; }
"""
LIB_CPP = """#include <string>
#include <vector>
std::string join(const std::vector<std::string>& v) { std::string r; for (auto& s : v) r += s; return r; }
"""
MAIN_RS = """fn main() { let v: Vec<u32> = (0..10).collect(); println!("{}", v.iter().sum::<u32>()); }
"""

GCC_BUILDS = {
    "exe-O2": ["gcc", "-g", "-O2", "hello.c", "-o", "{out}"],
    "exe-dwarf4": ["gcc", "-gdwarf-4", "hello.c", "-o", "{out}"],
    "exe-dwarf2": ["gcc", "-gdwarf-2", "hello.c", "-o", "{out}"],
    "exe-dwarf3": ["gcc", "-gdwarf-3", "hello.c", "-o", "{out}"],
    "exe-dwarf64": ["gcc", "-g", "-gdwarf64", "-O1", "hello.c", "-o", "{out}"],
    "exe-split-dwarf4": ["gcc", "-gdwarf-4", "-gsplit-dwarf", "hello.c", "-o", "{out}"],
    "exe-m32": ["gcc", "-m32", "-g", "hello.c", "-o", "{out}"],
    "exe-gz-zlib": ["gcc", "-g", "-gz=zlib", "hello.c", "-o", "{out}"],
    "exe-gz-gnu": ["gcc", "-g", "-gz=zlib-gnu", "hello.c", "-o", "{out}"],
    "exe-split": ["gcc", "-g", "-gsplit-dwarf", "hello.c", "-o", "{out}"],
    "exe-nodebug": ["gcc", "-O2", "hello.c", "-o", "{out}"],
    "obj": ["gcc", "-g", "-c", "hello.c", "-o", "{out}"],
    "obj-m32": ["gcc", "-m32", "-g", "-c", "hello.c", "-o", "{out}"],
    "shared-cxx": ["g++", "-g", "-shared", "-fPIC", "lib.cpp", "-o", "{out}"],
}


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict[str, Path]:
    if not GCC:
        pytest.skip("gcc not installed")
    work = tmp_path_factory.mktemp("elf-toolchain")
    (work / "hello.c").write_text(HELLO_C)
    (work / "lib.cpp").write_text(LIB_CPP)
    out: dict[str, Path] = {}
    for name, argv in GCC_BUILDS.items():
        target = work / name
        result = subprocess.run([a.format(out=target) for a in argv], cwd=work, capture_output=True)
        if result.returncode == 0:  # -m32 needs gcc-multilib; skip the case, not the session
            out[name] = target
    return out


def _case(built: dict[str, Path], name: str) -> Path:
    if name not in built:
        pytest.skip(f"could not build {name} here")
    return built[name]


def readelf_sections(path: Path) -> list[tuple[str, str, int, str]]:
    text = subprocess.run([READELF, "-S", "-W", str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in text.splitlines():
        m = re.match(r"\s*\[\s*(\d+)\]\s+(\S+)\s+(\S+)\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+(\S*?)\s*"
                     r"\d+\s+\d+\s+\d+$", line)
        if m and m.group(1) != "0":
            rows.append((m.group(2), m.group(3), int(m.group(4), 16), m.group(5)))
    return rows


def objcopy_stripped_size(path: Path, tmp_path: Path) -> int:
    out = tmp_path / (path.name + ".stripped")
    subprocess.run([OBJCOPY, "--strip-debug", str(path), str(out)], check=True, capture_output=True)
    return out.stat().st_size


def readelf_unit_count(path: Path) -> int:
    # no-follow-links: count this file's units, not those of the .dwo files it points at
    text = subprocess.run([READELF, "--debug-dump=info,no-follow-links", str(path)], capture_output=True,
                          text=True).stdout
    return len(re.findall(r"^\s+Compilation Unit @ offset", text, re.M))


@needs_binutils
@pytest.mark.parametrize("name", list(GCC_BUILDS))
def test_gcc_builds_match_binutils(built, name, tmp_path):
    path = _case(built, name)
    report = inspect_binary(path)
    assert [(s.name, s.type, s.size, s.flags) for s in report.sections] == readelf_sections(path)
    assert report.stripped_size_estimate == objcopy_stripped_size(path, tmp_path)
    assert report.units == readelf_unit_count(path)
    assert sum(o.debug_info_bytes for o in report.origins) == report.debug_info_bytes
    assert report.warnings == ()
    if name == "exe-nodebug":
        assert report.debug_bytes == 0 and report.origins == ()
        return
    # GCC records its switches; the -g that put the debug info there shows in the producer
    producers = [o.producer for o in report.origins if o.producer]
    if not name.startswith("exe-split"):
        assert producers and all(" -g" in p for p in producers)
        assert {o.kind for o in report.origins} == ({"c++"} if name == "shared-cxx" else {"c"})


@needs_binutils
def test_relocatable_object_reads_relocated_strings(built):
    report = inspect_binary(_case(built, "obj"))
    (origin,) = report.origins
    assert origin.producer.startswith("GNU C17") and origin.kind == "c"
    assert report.elf.type == "REL"


@needs_binutils
def test_compressed_sections_report_both_sizes(built, tmp_path):
    path = _case(built, "exe-gz-zlib")
    plain = inspect_binary(_case(built, "exe-O2"))
    report = inspect_binary(path)
    info = next(s for s in report.sections if s.name == ".debug_info")
    assert info.compressed and info.compression == "zlib" and info.flags.endswith("C")
    decompressed = tmp_path / "decompressed"
    subprocess.run([OBJCOPY, "--decompress-debug-sections", str(path), str(decompressed)], check=True)
    want = {s[0]: s[2] for s in readelf_sections(decompressed)}
    for s in report.sections:
        assert s.uncompressed_size == want[s.name], s.name
    assert report.debug_info_bytes == want[".debug_info"]
    assert plain.origins and report.origins[0].units == 1


@needs_binutils
def test_split_dwarf_finds_the_dwo(built):
    report = inspect_binary(_case(built, "exe-split"))
    assert report.split_dwarf
    (dwo,) = report.dwo_files
    assert dwo.exists and dwo.path.endswith(".dwo") and dwo.size == os.path.getsize(dwo.path)
    assert report.origins[0].name == "split DWARF skeleton"


@needs_binutils
def test_the_dwo_itself_is_walked(built):
    """A .dwo keeps the unit GCC's skeleton lacks: producer, name, language."""
    report = inspect_binary(_case(built, "exe-split"))
    dwo = inspect_binary(report.dwo_files[0].path)
    (origin,) = dwo.origins
    assert origin.kind == "c" and origin.producer.startswith("GNU C17") and "-gsplit-dwarf" in origin.producer
    info = next(s for s in dwo.sections if s.name == ".debug_info.dwo")
    assert dwo.debug_info_bytes == info.size == origin.debug_info_bytes


@needs_binutils
def test_build_id_and_debuglink_match_readelf(built, tmp_path):
    path = _case(built, "exe-O2")
    debug_file = tmp_path / "hello.debug"
    linked = tmp_path / "linked"
    subprocess.run([OBJCOPY, "--only-keep-debug", str(path), str(debug_file)], check=True)
    subprocess.run([OBJCOPY, "--strip-debug", f"--add-gnu-debuglink={debug_file}", str(path), str(linked)],
                   check=True, cwd=tmp_path)
    notes = subprocess.run([READELF, "-n", str(linked)], capture_output=True, text=True).stdout
    build_id = re.search(r"Build ID: ([0-9a-f]+)", notes).group(1)
    report = inspect_binary(linked)
    assert report.build_id == build_id
    assert report.debuglink == "hello.debug"
    import zlib
    assert report.debuglink_crc32 == zlib.crc32(debug_file.read_bytes())
    assert report.debug_bytes == 0


@pytest.fixture(scope="session")
def rust_binaries(tmp_path_factory) -> dict[str, Path]:
    if not RUSTC:
        pytest.skip("rustc not installed")
    work = tmp_path_factory.mktemp("elf-rust")
    (work / "main.rs").write_text(MAIN_RS)
    out = {}
    for name, flags in {"rust-g": ["-g", "-O"], "rust-nog": ["-O"]}.items():
        subprocess.run([RUSTC, *flags, "main.rs", "-o", name], cwd=work, check=True, capture_output=True)
        out[name] = work / name
    return out


@needs_binutils
def test_rustc_with_and_without_g(rust_binaries, tmp_path):
    with_g = inspect_binary(rust_binaries["rust-g"])
    without = inspect_binary(rust_binaries["rust-nog"])
    for report, path in ((with_g, rust_binaries["rust-g"]), (without, rust_binaries["rust-nog"])):
        assert report.stripped_size_estimate == objcopy_stripped_size(path, tmp_path)
        assert [(s.name, s.type, s.size, s.flags) for s in report.sections] == readelf_sections(path)
        assert report.units == readelf_unit_count(path)
    # the prebuilt standard library carries debug info either way; -g adds the crate's own
    assert any(o.kind == "rust-std" for o in without.origins)
    assert not any(o.kind == "rust" for o in without.origins)
    main = next(o for o in with_g.origins if o.kind == "rust")
    assert main.name == "main" and "rustc version" in main.producer


CARGO_TOML = """[package]
name = "mixed-demo"
version = "0.1.0"
edition = "2021"

[profile.release]
debug = 2
strip = "none"
"""
BUILD_RS = r"""use std::{env, fs, path::PathBuf, process::Command};
fn main() {
    // No registry here, so no `cc` crate: call gcc directly the way cc would, from OUT_DIR.
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    let src = out.join("gen_native.c");
    fs::write(&src, "int native_add(int a, int b) { return a + b; }\n").unwrap();
    let obj = out.join("gen_native.o");
    assert!(Command::new("gcc").args(["-g", "-O2", "-fPIC", "-c"]).arg(&src).arg("-o").arg(&obj)
        .status().unwrap().success());
    assert!(Command::new("ar").arg("crs").arg(out.join("libnative.a")).arg(&obj).status().unwrap().success());
    println!("cargo:rustc-link-search=native={}", out.display());
    println!("cargo:rustc-link-lib=static=native");
}
"""
CARGO_MAIN = """extern "C" { fn native_add(a: i32, b: i32) -> i32; }
fn main() { println!("{}", unsafe { native_add(2, 3) }); }
"""


@pytest.mark.cargo
@needs_binutils
@pytest.mark.skipif(not CARGO, reason="cargo not installed")
def test_cargo_build_script_c_is_charged_to_its_crate(tmp_path_factory):
    work = tmp_path_factory.mktemp("elf-cargo")
    (work / "src").mkdir()
    (work / "Cargo.toml").write_text(CARGO_TOML)
    (work / "build.rs").write_text(BUILD_RS)
    (work / "src" / "main.rs").write_text(CARGO_MAIN)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARGO_", "RUST"))}
    env["CARGO_TARGET_DIR"] = str(work / "target")
    subprocess.run([CARGO, "build", "--release", "--offline", "-q"], cwd=work, env=env, check=True,
                   capture_output=True)
    report = inspect_binary(work / "target" / "release" / "mixed-demo")
    kinds = {(o.name, o.kind): o for o in report.origins}
    c_code = kinds[("mixed-demo", "c")]
    assert c_code.crate == "mixed-demo" and c_code.units == 1 and " -g" in c_code.producer
    assert ("mixed_demo", "rust") in kinds
    assert ("std", "rust-std") in kinds
    assert sum(o.debug_info_bytes for o in report.origins) == report.debug_info_bytes
