"""`buildcheck inspect` on the committed fixtures and on corrupt inputs made from them.

Runs the real CLI in a subprocess (exit codes, stderr lines and the absence of tracebacks are
what a user sees). Bad ELF must end in exit 2 with one stderr line naming the file; corrupt
DWARF inside a good ELF must still report the sections, with a warning; garbage lengths must
not make the run hang or grow its memory.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from helpers import binutils as ref
from helpers import corrupt

pytestmark = pytest.mark.skipif(not ref.READELF, reason="readelf (binutils) is not installed")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "binaries"
# A hang is a failure, not a wait: every run gets this much, far above a normal run's time.
HANG_GUARD_SECONDS = 120


def run_inspect(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BUILDCHECK_TRACEBACK", "FORCE_COLOR")}
    env["NO_COLOR"] = "1"
    return subprocess.run([sys.executable, "-m", "buildcheck", "inspect", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=HANG_GUARD_SECONDS)


def inspect_json(*paths: str | Path):
    proc = run_inspect("--format", "json", *paths)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def assert_one_line_error(proc: subprocess.CompletedProcess[str], path: Path) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stdout[:500], proc.stderr)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert str(path) in lines[0] or path.name in lines[0], lines[0]
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr


# --- good input ---

def test_json_for_one_binary_is_the_library_report() -> None:
    from buildcheck.elf.inspect import inspect_binary

    path = FIXTURES / "rust-tiny-debug"
    got = inspect_json(path)
    assert isinstance(got, dict)
    assert got["schema_version"] == 1 and got["command"] == "inspect"
    assert got == json.loads(json.dumps(inspect_binary(path).to_json()))


def test_json_for_several_binaries_is_an_array_in_argument_order() -> None:
    names = ["c-debug", "c-m32-debug", "be64-s390x.o", "mixed-rust-c"]
    got = inspect_json(*(FIXTURES / n for n in names))
    assert isinstance(got, list) and len(got) == len(names)
    for name, one in zip(names, got):
        assert one == inspect_json(FIXTURES / name)


@pytest.mark.parametrize("name", ["c-debug", "rust-tiny-debug", "mixed-rust-c", "c-split-dwarf", "be32-ppc.o",
                                  "c-nodebug"])
def test_text_names_the_file_and_its_origins(name: str) -> None:
    path = FIXTURES / name
    proc = run_inspect(path)
    assert proc.returncode == 0, proc.stderr
    assert str(path) in proc.stdout
    assert "\x1b[" not in proc.stdout  # not a terminal, NO_COLOR: no escape codes
    # Long names (paths, labels with spaces) may be wrapped inside the table's cells.
    short = [o["name"] for o in inspect_json(path)["origins"][:3] if len(o["name"]) <= 20 and not set(" /") & set(o["name"])]
    for name in short:
        assert name in proc.stdout, name


def test_text_for_several_binaries_covers_each() -> None:
    paths = [FIXTURES / "c-debug", FIXTURES / "cxx-debug"]
    proc = run_inspect(*paths)
    assert proc.returncode == 0, proc.stderr
    for path in paths:
        assert str(path) in proc.stdout


# --- bad ELF: exit 2, one line naming the file ---

def _bad_inputs(tmp: Path) -> dict[str, Path]:
    c_debug = (FIXTURES / "c-debug").read_bytes()
    made = {name: data for name, data in corrupt.truncations(c_debug).items()}
    made["shoff-past-end"] = corrupt.shoff_past_end(c_debug)
    made["shnum-65535"] = corrupt.shnum_absurd(c_debug)
    made["shnum-extended-2**40"] = corrupt.shnum_extended_huge(c_debug)
    made["shstrndx-out-of-range"] = corrupt.shstrndx_out_of_range(c_debug)
    made["empty"] = b""
    made["text-file"] = b"#!/bin/sh\necho this is not an ELF file\n"
    made["elf-magic-only"] = b"\x7fELF"
    paths = {name: corrupt.write(tmp / name, data) for name, data in made.items()}
    directory = tmp / "a-directory"
    directory.mkdir()
    paths["directory"] = directory
    paths["missing"] = tmp / "does-not-exist"
    return paths


BAD_NAMES = ["truncated-at-4", "truncated-at-16", "truncated-at-40", "truncated-at-63", "truncated-at-64",
             f"truncated-at-{(FIXTURES / 'c-debug').stat().st_size // 2}",
             f"truncated-at-{(FIXTURES / 'c-debug').stat().st_size - 1}",
             "shoff-past-end", "shnum-65535", "shnum-extended-2**40", "shstrndx-out-of-range",
             "empty", "text-file", "elf-magic-only", "directory", "missing"]


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _bad_inputs(tmp_path_factory.mktemp("bad-elf"))


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_elf_is_one_line_and_exit_2(bad_inputs: dict[str, Path], name: str, fmt: str) -> None:
    path = bad_inputs[name]
    assert_one_line_error(run_inspect("--format", fmt, path), path)


# Headers that point outside the file (or a note or compression header outside its section). Each
# is refused or reported by at least one of binutils and LLVM's tools (readelf warns about notes
# and compression headers, objcopy refuses sections past the end, llvm-objcopy segments);
# buildcheck refuses them all.
OUTSIDE = {
    "section-size-past-end": ("c-debug", corrupt.section_size_past_end),
    "section-offset-past-end": ("c-debug", corrupt.section_offset_past_end),
    "note-segment-past-end": ("c-debug", corrupt.segment_filesz_past_end),
    "note-past-its-section": ("c-debug", corrupt.note_descsz_past_section),
    "chdr-larger-than-section": ("c-gz-zlib", corrupt.chdr_larger_than_section),
}
LLVM_OBJCOPY = shutil.which("llvm-objcopy-14") or shutil.which("llvm-objcopy")


def reference_complaints(path: Path, tmp_path: Path) -> list[str]:
    """What readelf, objcopy and llvm-objcopy say is wrong with the file (errors and warnings only)."""
    said: list[str] = []
    for args in (["-a", "-W"], ["--debug-dump=info,no-follow-links"]):
        proc = subprocess.run([ref.READELF, *args, str(path)], capture_output=True, text=True, errors="replace")
        said += [line for line in proc.stderr.splitlines() if "Warning:" in line or "Error:" in line]
    for tool in (ref.OBJCOPY, LLVM_OBJCOPY):
        if tool:
            proc = subprocess.run([tool, "--strip-debug", str(path), str(tmp_path / "copy")], capture_output=True,
                                  text=True, errors="replace")
            said += [line for line in proc.stderr.splitlines() if proc.returncode or "warning" in line]
    return said


@pytest.mark.parametrize("name", sorted(OUTSIDE))
def test_headers_pointing_outside_are_exit_2_where_the_real_tools_complain(tmp_path: Path, name: str) -> None:
    fixture, damage = OUTSIDE[name]
    path = corrupt.write(tmp_path / name, damage((FIXTURES / fixture).read_bytes()))
    assert reference_complaints(path, tmp_path), f"binutils and LLVM accept {name}: not the corruption meant"
    for fmt in ("text", "json"):
        proc = run_inspect("--format", fmt, path)
        assert_one_line_error(proc, path)
        assert proc.stdout == ""


def test_bad_file_among_good_ones_is_named(bad_inputs: dict[str, Path]) -> None:
    bad = bad_inputs["shoff-past-end"]
    proc = run_inspect("--format", "json", FIXTURES / "c-debug", bad, FIXTURES / "c-nodebug")
    assert_one_line_error(proc, bad)
    # the readable ones are still reported, in argument order
    assert [doc["path"] for doc in json.loads(proc.stdout)] == [str(FIXTURES / "c-debug"), str(FIXTURES / "c-nodebug")]


# --- corrupt DWARF inside a good ELF: exit 0, warning, sections still reported ---

def _corrupt_dwarf_cases() -> dict[str, tuple[str, bytes]]:
    c_debug = (FIXTURES / "c-debug").read_bytes()
    rust = (FIXTURES / "rust-tiny-debug").read_bytes()
    zlib = (FIXTURES / "c-gz-zlib").read_bytes()
    zlib_info = corrupt.section(zlib, ".debug_info")
    return {
        "length64-past-end": ("c-debug", corrupt.debug_info_length(c_debug, 0xFFFFFFFF, 1 << 62)),
        "length64-all-ones": ("c-debug", corrupt.debug_info_length(c_debug, 0xFFFFFFFF, (1 << 64) - 1)),
        "length-zero": ("c-debug", corrupt.debug_info_length(c_debug, 0)),
        "length-reserved": ("c-debug", corrupt.debug_info_length(c_debug, 0xFFFFFFF0)),
        "length-past-end": ("c-debug", corrupt.debug_info_length(c_debug, 0x7FFFFFFF)),
        "fourth-unit-zero": ("rust-tiny-debug", corrupt.debug_info_length(rust, 0, unit=3)),
        "fourth-unit-past-end": ("rust-tiny-debug", corrupt.debug_info_length(rust, 0xFFFFFFFF, 1 << 40, unit=3)),
        "abbrev-garbage": ("c-debug", corrupt.debug_abbrev_garbage(c_debug)),
        "chdr-size-1TiB": ("c-gz-zlib", corrupt.compressed_size_absurd(zlib)),
        "zlib-stream-garbage": ("c-gz-zlib", corrupt.patched(zlib, zlib_info.offset + 24, "<Q", 0x0123456789ABCDEF)),
    }


CORRUPT_DWARF = _corrupt_dwarf_cases()


@pytest.fixture(scope="module")
def corrupt_dwarf(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("bad-dwarf")
    return {name: corrupt.write(tmp / name, data) for name, (_, data) in CORRUPT_DWARF.items()}


@pytest.mark.parametrize("name", sorted(CORRUPT_DWARF))
def test_corrupt_dwarf_keeps_sections_and_warns(corrupt_dwarf: dict[str, Path], name: str) -> None:
    path = corrupt_dwarf[name]
    got = inspect_json(path)
    assert got["warnings"], "corrupt DWARF must produce a warning"
    expected = [(s.name, s.type, s.size, s.flags) for s in ref.readelf_sections(path)[1:]]
    assert [(s["name"], s["type"], s["size"], s["flags"]) for s in got["sections"]] == expected
    assert sum(o["debug_info_bytes"] for o in got["origins"]) == got["debug_info_bytes"]


@pytest.mark.parametrize("name", sorted(CORRUPT_DWARF))
def test_corrupt_dwarf_text_output(corrupt_dwarf: dict[str, Path], name: str) -> None:
    proc = run_inspect(corrupt_dwarf[name])
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


# Peak RSS from /proc/self/status (VmHWM, this process's own high-water mark), not ru_maxrss, which
# Linux carries over from the parent through fork and exec (getrusage(2)): a child of a large pytest
# process would start at the parent's peak and hide any growth below it.
_MEASURE = textwrap.dedent("""
    import re, sys
    from buildcheck.elf.inspect import inspect_binary

    def peak_kib():
        with open("/proc/self/status") as status:
            return int(re.search(r"VmHWM:\\s+(\\d+) kB", status.read()).group(1))

    inspect_binary(sys.argv[1])              # warm-up: imports, caches
    before = peak_kib()
    for _ in range(3):
        inspect_binary(sys.argv[2])
    print(peak_kib() - before)
""")


@pytest.mark.parametrize("name", ["length64-past-end", "length64-all-ones", "fourth-unit-past-end",
                                  "chdr-size-1TiB", "abbrev-garbage"])
def test_garbage_lengths_do_not_grow_memory(corrupt_dwarf: dict[str, Path], name: str) -> None:
    """Peak RSS (VmHWM, KiB) may not grow by more than 32 MiB while the garbage
    file is read three times: a reader that trusts a 2**62 length or a 1 TiB ch_size would
    allocate or loop far beyond that (or be killed by the hang guard)."""
    original = FIXTURES / CORRUPT_DWARF[name][0]
    if not Path("/proc/self/status").exists():
        pytest.skip("needs Linux's /proc/self/status")
    proc = subprocess.run([sys.executable, "-c", _MEASURE, str(original), str(corrupt_dwarf[name])],
                          capture_output=True, text=True, timeout=HANG_GUARD_SECONDS)
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout.strip()) < 32 * 1024


# --- `buildcheck inspect target/release/*` on a real cargo target directory ---------------------------

@pytest.mark.cargo
def test_glob_over_a_real_cargo_release_directory(tmp_path_factory: pytest.TempPathFactory) -> None:
    from helpers.fresh import FreshBinaries

    binary = FreshBinaries(tmp_path_factory.mktemp("release-glob"))("cargo-mixed")
    entries = sorted(binary.parent.iterdir())  # what the shell's `target/release/*` gives
    proc = run_inspect("--format", "json", *entries)
    assert proc.returncode == 2, proc.stderr
    reported = [doc["path"] for doc in json.loads(proc.stdout)]
    assert str(binary) in reported
    refused = proc.stderr.splitlines()
    assert len(refused) + len(reported) == len(entries)
    for entry in entries:
        if entry.is_dir():
            assert any(str(entry) in line and "directory" in line for line in refused), entry
        elif entry.suffix == ".d":
            assert any(str(entry) in line and "not an ELF" in line for line in refused), entry
    assert "Traceback" not in proc.stderr
