"""Split DWARF is debug info: the .dwp / .dwo files found beside real rustc, cargo and gcc builds.

Every expected number comes from llvm-dwarfdump (units of the split files, DWO ids of their index)
and readelf (unit counts, the size of .debug_info.dwo): `-C split-debuginfo=packed|unpacked` with rustup's
rustc and Debian's 1.63 (where the option is unstable on Linux: built through -Z unstable-options,
as its users must), cargo's layout (the .dwp uplifted beside the binary, .dwo files under deps/),
and gcc -gsplit-dwarf in DWARF 4 and 5, packaged by binutils' dwp and by llvm-dwp.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from buildcheck.binary_evidence import read_evidence
from buildcheck.binary_findings import binary_findings
from buildcheck.elf.inspect import inspect_binary
from helpers import binutils as ref
from helpers.fresh import CARGO, DEBIAN_RUSTC, RUSTC

pytestmark = [pytest.mark.toolchain,
              pytest.mark.skipif(not (ref.READELF and ref.LLVM_DWARFDUMP), reason="readelf and llvm-dwarfdump needed")]

HELLO_RS = 'fn main() {\n    let v: Vec<u32> = (0..10).collect();\n    println!("hello {}", v.iter().sum::<u32>());\n}\n'
ADD_C = "int add(int a, int b) { return a + b; }\n"
MAIN_C = '#include <stdio.h>\nint add(int, int);\nint main(int c, char **v) { printf("%d\\n", add(c, 2)); return 0; }\n'
LLVM_DWP = shutil.which("llvm-dwp-14") or shutil.which("llvm-dwp")
GNU_DWP = shutil.which("dwp")


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, timeout=600)


def rustc_split(rustc: Path, mode: str, work: Path) -> Path:
    """hello.rs with -g and split debug info; Debian's 1.63 needs -Z unstable-options for it on Linux."""
    if not rustc.exists():
        pytest.skip(f"{rustc} is not installed")
    work.mkdir(parents=True)
    (work / "hello.rs").write_text(HELLO_RS)
    argv = [str(rustc), "-g", "-C", f"split-debuginfo={mode}", "hello.rs", "-o", "hello"]
    proc = _run(argv, work)
    if proc.returncode != 0 and "unstable on this platform" in proc.stderr:
        proc = _run([*argv, "-Z", "unstable-options"], work, env={**os.environ, "RUSTC_BOOTSTRAP": "1"})
    if proc.returncode != 0:
        pytest.skip(f"{rustc} cannot build split debug info here: {proc.stderr.strip()[:200]}")
    return work / "hello"


def gcc_split(work: Path, *, dwarf: int, package: str | None) -> Path:
    """Two C units with -gsplit-dwarf, optionally packed into prog.dwp by binutils' dwp or llvm-dwp."""
    if not shutil.which("gcc"):
        pytest.skip("gcc is not installed")
    work.mkdir(parents=True)
    (work / "add.c").write_text(ADD_C)
    (work / "main.c").write_text(MAIN_C)
    for source in ("add.c", "main.c"):
        assert _run(["gcc", f"-gdwarf-{dwarf}", "-O2", "-gsplit-dwarf", "-c", source], work).returncode == 0
    assert _run(["gcc", "add.o", "main.o", "-o", "prog"], work).returncode == 0
    if package:
        tool = {"dwp": GNU_DWP, "llvm-dwp": LLVM_DWP}[package]
        if not tool:
            pytest.skip(f"{package} is not installed")
        proc = _run([tool, "-e", "prog", "-o", "prog.dwp"], work)
        assert proc.returncode == 0, proc.stderr
        for dwo in work.glob("*.dwo"):
            dwo.unlink()  # the package alone must be found
    return work / "prog"


CARGO_TOML = """[package]
name = "splitdemo"
version = "0.1.0"
edition = "2021"

[profile.release]
debug = 2
split-debuginfo = "{mode}"
"""


def cargo_split(mode: str, work: Path) -> Path:
    if not CARGO.exists():
        pytest.skip("cargo is not installed")
    (work / "src").mkdir(parents=True)
    (work / "Cargo.toml").write_text(CARGO_TOML.format(mode=mode))
    (work / "src" / "main.rs").write_text(HELLO_RS)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARGO_", "RUSTFLAGS", "RUSTUP_TOOLCHAIN"))}
    env["CARGO_TARGET_DIR"] = str(work / "target")
    proc = _run([str(CARGO), "build", "--release", "--offline", "--quiet"], work, env=env)
    assert proc.returncode == 0, proc.stderr
    release = work / "target" / "release"
    if not (release / "splitdemo.dwp").exists() and not list((release / "deps").glob("*.dwo")):
        # cargo passes split-debuginfo only where its rustc supports it: Debian's cargo 1.65 with rustc
        # 1.63 (where it is unstable on Linux) silently builds ordinary debug info
        pytest.skip(f"{CARGO} does not split debug info with its rustc here")
    return release / "splitdemo"


BUILDS = {
    "rustc-packed": lambda w: rustc_split(RUSTC, "packed", w),
    "rustc-unpacked": lambda w: rustc_split(RUSTC, "unpacked", w),
    "rustc-1.63-packed": lambda w: rustc_split(DEBIAN_RUSTC, "packed", w),
    "rustc-1.63-unpacked": lambda w: rustc_split(DEBIAN_RUSTC, "unpacked", w),
    "cargo-packed": lambda w: cargo_split("packed", w),
    "cargo-unpacked": lambda w: cargo_split("unpacked", w),
    "gcc-dwarf5-dwo": lambda w: gcc_split(w, dwarf=5, package=None),
    "gcc-dwarf4-dwo": lambda w: gcc_split(w, dwarf=4, package=None),
    "gcc-dwarf5-llvm-dwp": lambda w: gcc_split(w, dwarf=5, package="llvm-dwp"),
    "gcc-dwarf4-dwp": lambda w: gcc_split(w, dwarf=4, package="dwp"),
}
RUST_BUILDS = [name for name in BUILDS if name.startswith(("rustc", "cargo"))]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("split")
    cache: dict[str, Path | BaseException] = {}

    def get(name: str) -> Path:
        if name not in cache:
            try:
                cache[name] = BUILDS[name](root / name)
            except BaseException as exc:  # a skip is remembered as one
                cache[name] = exc
        found = cache[name]
        if isinstance(found, BaseException):
            raise found
        return found

    return get


def split_files(report) -> list[Path]:
    files = [Path(d.path) for d in report.dwo_files if d.exists]
    return files + ([Path(report.dwp_file.path)] if report.dwp_file else [])


def section_size(path: Path, name: str) -> int:
    return sum(s.size for s in ref.readelf_sections(path) if s.name == name)


@pytest.mark.parametrize("name", sorted(BUILDS))
def test_split_units_match_llvm_dwarfdump(built, name):
    binary = built(name)
    report = inspect_binary(binary)
    assert report.split_dwarf and report.warnings == ()
    assert report.split_files_missing == ()
    files = split_files(report)
    assert files, "no .dwp or .dwo file found"
    reference = [unit for path in files for unit in ref.llvm_units(path)]
    assert report.split_units == len(reference) > 0
    # readelf agrees on the count of unit headers. Only the count: binutils 2.40 decodes strx wrongly
    # in .dwo files and ignores a version 5 package's abbreviation bases (it then exits 1: "refers to
    # abbreviation number 6 which does not exist", the mistake this inspector made before reading the index)
    assert report.split_units == sum(
        subprocess.run([ref.READELF, "--debug-dump=info,no-follow-links", str(path)], capture_output=True,
                       text=True, errors="replace").stdout.count("Compilation Unit @") for path in files)
    assert report.split_debug_info_bytes == sum(u.size for u in reference)
    # the units tile .debug_info.dwo of every file: all of the split files' debug info is counted
    assert report.split_debug_info_bytes == sum(section_size(path, ".debug_info.dwo") for path in files)
    assert sum(o.debug_info_bytes for o in report.split_origins) == report.split_debug_info_bytes
    assert sum(o.units for o in report.split_origins) == report.split_units
    producers = {u.producer for u in reference if u.producer}
    assert producers and all(o.producer in producers for o in report.split_origins if o.producer)
    # the skeletons in the binary: one per split compile unit
    skeletons = [u for u in ref.llvm_units(binary) if u.unit_type == "DW_UT_skeleton" or u.producer is None]
    assert len(skeletons) >= len([u for u in reference if u.unit_type in (None, "DW_UT_split_compile")])


@pytest.mark.parametrize("name", ["rustc-packed", "rustc-1.63-packed", "cargo-packed", "gcc-dwarf5-llvm-dwp",
                                  "gcc-dwarf4-dwp"])
def test_the_package_is_matched_by_dwo_id(built, name):
    report = inspect_binary(built(name))
    assert report.dwp_file is not None and report.dwp_file.units == report.split_units
    assert report.dwo_files == ()  # the package holds every skeleton's unit: no .dwo is looked for
    text = ref.run([ref.LLVM_DWARFDUMP, "--debug-cu-index", report.dwp_file.path])
    assert text.count("0x") >= report.split_units  # one signature per unit in the index


@pytest.mark.parametrize("name", RUST_BUILDS)
def test_rust_split_units_are_the_crates_debug_info(built, name):
    report = inspect_binary(built(name))
    crate = "splitdemo" if name.startswith("cargo") else "hello"
    kinds = {(o.name, o.kind) for o in report.split_origins}
    assert (crate, "rust") in kinds
    evidence = read_evidence(report)
    assert crate in evidence.crate_names() and evidence.split_debug_info_bytes == report.split_debug_info_bytes
    (finding,) = [f for f in binary_findings(evidence) if f.rule == "BC100"]
    assert finding.severity == "error" and crate in finding.message.text()


@pytest.mark.parametrize("name", ["gcc-dwarf5-dwo", "gcc-dwarf4-dwo", "gcc-dwarf5-llvm-dwp", "gcc-dwarf4-dwp"])
def test_gcc_split_units_are_native_debug_info_with_their_switch(built, name):
    report = inspect_binary(built(name))
    assert {o.kind for o in report.split_origins} == {"c"}
    native = read_evidence(report).native
    assert native and native[0].debug_switch is not None  # GCC recorded -g... in the .dwo's producer


def test_a_missing_dwo_is_named_and_still_gated(tmp_path):
    binary = gcc_split(tmp_path / "missing", dwarf=5, package=None)
    (binary.parent / "add.dwo").unlink()
    report = inspect_binary(binary)
    missing = report.split_files_missing
    assert [d.path for d in missing] == [str(binary.parent / "add.dwo")] and missing[0].dwo_name == "add.dwo"
    assert report.split_units == 1  # main.dwo still counts
    evidence = read_evidence(report)
    assert evidence.split_files_missing == 1
    (finding,) = [f for f in binary_findings(evidence) if f.rule == "BC100"]
    assert "not found" in finding.message.text()
    proc = subprocess.run([sys.executable, "-m", "buildcheck", "--color", "never", "inspect", str(binary)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0 and "not found" in proc.stdout and "add.dwo" in proc.stdout
    doc = json.loads(subprocess.run([sys.executable, "-m", "buildcheck", "inspect", "--format", "json", str(binary)],
                                    capture_output=True, text=True, cwd=tmp_path).stdout)
    assert [d["exists"] for d in doc["dwo_files"]].count(False) == 1


def test_a_stale_dwo_is_not_counted(tmp_path):
    """A .dwo from another compilation (another DWO id) is reported, not charged."""
    binary = gcc_split(tmp_path / "stale", dwarf=5, package=None)
    work = binary.parent
    (work / "add.c").write_text("int add(int a, int b) { return a - b + 1; }\n")
    assert _run(["gcc", "-gdwarf-5", "-O2", "-gsplit-dwarf", "-c", "add.c", "-o", "other.o"], work).returncode == 0
    shutil.copy(work / "other.dwo", work / "add.dwo")
    report = inspect_binary(binary)
    stale = [d for d in report.dwo_files if d.problem]
    assert len(stale) == 1 and "stale" in stale[0].problem and stale[0].units == 0
    assert any("stale" in w for w in report.warnings)
    assert report.split_units == 1


def test_a_moved_cargo_target_directory_finds_the_dwo_files_under_deps(built, tmp_path):
    """split-debuginfo = "unpacked" records absolute .dwo paths; a target directory copied elsewhere
    (a CI artifact) has them under deps/ beside the binary."""
    binary = built("cargo-unpacked")
    moved = tmp_path / "artifact"
    shutil.copytree(binary.parent, moved, symlinks=True)
    original = binary.parent / "deps"
    hidden = binary.parent / "deps.hidden"
    original.rename(hidden)
    try:
        report = inspect_binary(moved / binary.name)
    finally:
        hidden.rename(original)
    assert report.split_files_missing == () and report.split_units >= 1
    assert all(str(moved / "deps") in d.path for d in report.dwo_files)


def test_explain_sees_the_split_crates(built):
    """explain reads BinaryEvidence: a split build of a crate with `debug = 2` matches the setting."""
    binary = built("cargo-packed")
    project = binary.parents[2]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARGO_", "RUSTFLAGS", "RUSTUP_TOOLCHAIN"))}
    proc = subprocess.run([sys.executable, "-m", "buildcheck", "explain", "--format", "json", str(binary),
                           str(project)], capture_output=True, text=True, env=env, cwd=project)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["contradictions"] == []
    assert any(c["seen_in_binary"] and c["rule"] == "BC002" for c in doc["causes"])
    assert doc["binary"]["crates_with_debug_info"][0]["crate"] == "splitdemo"


def test_fixture_split_dwarf_is_read_from_the_dwo_beside_it():
    """The committed skeleton's comp_dir is the machine it was built on: the .dwo is found beside it."""
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "binaries" / "c-split-dwarf"
    report = inspect_binary(fixture)
    assert [Path(d.path) for d in report.dwo_files] == [fixture.parent / "c-split-dwarf.dwo"]
    assert report.split_units == len(ref.llvm_units(fixture.parent / "c-split-dwarf.dwo"))
    assert {o.kind for o in report.split_origins} == {"c"}


@pytest.mark.parametrize("name", ["gcc-dwarf5-llvm-dwp", "gcc-dwarf4-dwp", "rustc-1.63-packed"])
def test_a_package_inspected_on_its_own_uses_its_index(built, name):
    """`inspect target/release/*` meets the .dwp too: its units decode through their contributions."""
    package = Path(inspect_binary(built(name)).dwp_file.path)
    report = inspect_binary(package)
    reference = ref.llvm_units(package)
    assert report.warnings == () and report.units == len(reference) > 1
    assert sorted(o.producer for o in report.origins for _ in range(o.units) if o.producer) == sorted(
        u.producer for u in reference if u.producer)
