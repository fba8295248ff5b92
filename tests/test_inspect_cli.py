"""`buildcheck inspect` end to end through cli.main: JSON contract, text story, bad input as exit 2."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

import elf_synth as es
from buildcheck import cli
from helpers.terminal import FakeTerminal

RUSTC = "clang LLVM (rustc version 1.72.0 (5680fa18f 2023-08-23))"
GCC = "GNU C++17 12.2.0 -mtune=generic -march=x86-64 -g -O3"
REGISTRY = "/home/op/.cargo/registry/src/index.crates.io-6f17d22bba15001f"


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


@pytest.fixture
def binary(tmp_path: Path) -> Path:
    """Three origins: a Rust crate (2 units), the standard library, and C++ built by librocksdb-sys."""
    strs = es.Strings()

    def attrs(name: str, producer: str, comp_dir: str, language: int) -> list[es.Attr]:
        return [es.Attr(es.AT_producer, "strp", strs.add(producer)), es.Attr(es.AT_language, "data2", language),
                es.Attr(es.AT_name, "strp", strs.add(name)), es.Attr(es.AT_comp_dir, "strp", strs.add(comp_dir))]

    abbrev = es.abbrev_table(1, 0x11, attrs("", "", "", 0))
    units = [
        es.unit(version=4, attrs=attrs("src/main.rs/@/damocles_worker.0123456789abcdef-cgu.0", RUSTC,
                                       "/home/op/damocles", 0x1C), abbrev_offset=0, padding=4000),
        es.unit(version=4, attrs=attrs("src/main.rs/@/damocles_worker.0123456789abcdef-cgu.1", RUSTC,
                                       "/home/op/damocles", 0x1C), abbrev_offset=0, padding=2000),
        es.unit(version=4, attrs=attrs("library/std/src/lib.rs/@/std.fedcba9876543210-cgu.0", RUSTC,
                                       "/rustc/5680fa18feaa87f3ff04063800aec256c3d4b4be", 0x1C),
                abbrev_offset=0, padding=3000),
        es.unit(version=4, attrs=attrs(f"{REGISTRY}/librocksdb-sys-0.11.0+8.1.1/rocksdb/db/db_impl.cc", GCC,
                                       "/home/op/damocles", 0x21), abbrev_offset=0, padding=1000),
    ]
    note = struct.pack("<III", 4, 8, 3) + b"GNU\0" + bytes.fromhex("0123456789abcdef")
    data = es.dwarf_elf(units, abbrev, debug_str=bytes(strs.data),
                        extra=[es.Section(".note.gnu.build-id", note, type=es.SHT_NOTE, flags=es.SHF_ALLOC,
                                          align=4)])
    path = tmp_path / "damocles-worker"
    path.write_bytes(data)
    return path


def test_json_contract_for_one_binary(binary, capsys):
    code, out, err = run(["inspect", "--format", "json", str(binary)], capsys)
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert doc["schema_version"] == 1 and doc["command"] == "inspect"
    assert doc["path"] == str(binary) and doc["file_size"] == binary.stat().st_size
    assert doc["elf"] == {"class": 64, "endianness": "little", "type": "EXEC", "machine": "x86_64"}
    for key in ("debug_bytes", "debug_info_bytes", "stripped_size_estimate", "build_id", "debuglink",
                "split_dwarf", "origins", "sections", "warnings"):
        assert key in doc
    assert doc["build_id"] == "0123456789abcdef"
    section = doc["sections"][0]
    assert set(section) >= {"name", "type", "size", "flags", "compressed", "uncompressed_size", "debug"}
    assert section["name"] == ".text"
    origins = {(o["name"], o["kind"]): o for o in doc["origins"]}
    assert set(origins) == {("damocles_worker", "rust"), ("std", "rust-std"), ("librocksdb-sys", "c++")}
    assert origins[("damocles_worker", "rust")]["units"] == 2
    assert origins[("librocksdb-sys", "c++")]["producer"] == GCC
    assert sum(o["debug_info_bytes"] for o in doc["origins"]) == doc["debug_info_bytes"]
    assert [o["debug_info_bytes"] for o in doc["origins"]] == sorted(
        (o["debug_info_bytes"] for o in doc["origins"]), reverse=True)


def test_json_array_for_several_binaries(binary, capsys):
    code, out, _ = run(["inspect", "--format", "json", str(binary), str(binary)], capsys)
    doc = json.loads(out)
    assert code == 0 and isinstance(doc, list) and len(doc) == 2
    assert doc[0] == doc[1]


def test_text_tells_the_size_story(binary, capsys):
    code, out, err = run(["--color", "never", "inspect", str(binary)], capsys)
    assert code == 0 and err == ""
    assert "file size" in out and "debug info" in out and "after strip" in out
    assert "Sections" in out and ".debug_info" in out
    assert "Debug info by origin" in out
    assert "damocles_worker" in out and "librocksdb-sys (build script)" in out
    assert "GNU C++17 12.2.0 -g" in out  # the switch that put debug info there
    assert "rustc 1.72.0" in out
    assert "█" in out
    assert "\x1b[" not in out  # no colour when asked for none


@pytest.mark.parametrize("make,needle", [
    (lambda p: p.write_bytes(b""), "empty"),
    (lambda p: p.write_text("not an elf at all"), "not an ELF"),
    (lambda p: p.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(20)), "truncated"),
    (lambda p: p.mkdir(), "directory"),
    (lambda p: None, "no such file"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, make, needle):
    path = tmp_path / "input"
    make(path)
    code, out, err = run(["inspect", str(path)], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and str(path) in err and needle in err
    assert "Traceback" not in err


def _release_dir(tmp_path: Path, binary: Path) -> tuple[list[Path], dict[str, str]]:
    """What `target/release/*` expands to: binaries, directories, a .d file, a truncated binary; (paths, bad)."""
    release = tmp_path / "release"
    release.mkdir()
    good = release / "worker"
    good.write_bytes(binary.read_bytes())
    for name in ("build", "deps", "examples", "incremental"):
        (release / name).mkdir()
    (release / "worker.d").write_text("worker: src/main.rs\n")
    (release / "half-copied").write_bytes(binary.read_bytes()[:300])
    (release / "other").write_bytes(binary.read_bytes())
    paths = sorted(release.iterdir())
    bad = {"build": "directory", "deps": "directory", "examples": "directory", "incremental": "directory",
           "worker.d": "not an ELF", "half-copied": "truncated"}
    return paths, bad


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_glob_over_a_release_directory_reports_every_readable_binary(binary, tmp_path, capsys, fmt):
    paths, bad = _release_dir(tmp_path, binary)
    code, out, err = run(["--color", "never", "inspect", "--format", fmt, *map(str, paths)], capsys)
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == len(bad), err
    # one line per unreadable path, in argument order, each naming its path and why
    for line, path in zip(lines, [p for p in paths if p.name in bad]):
        assert line.startswith("buildcheck: error: ") and str(path) in line and bad[path.name] in line, line
    assert "Traceback" not in err
    readable = [str(p) for p in paths if p.name not in bad]
    if fmt == "json":
        doc = json.loads(out)
        assert isinstance(doc, list) and [d["path"] for d in doc] == readable
    else:
        for path in readable:
            assert path in out
        for path in paths:
            if path.name in bad:
                assert f"{path}  ELF" not in out


def test_several_paths_give_an_array_even_when_one_is_readable(binary, tmp_path, capsys):
    code, out, err = run(["inspect", "--format", "json", str(binary), str(tmp_path / "missing")], capsys)
    assert code == 2 and "missing" in err and "no such file" in err and err.count("\n") == 1
    doc = json.loads(out)
    assert isinstance(doc, list) and len(doc) == 1 and doc[0]["path"] == str(binary)


def test_several_unreadable_paths(tmp_path, capsys):
    (tmp_path / "dir").mkdir()
    code, out, err = run(["inspect", "--format", "json", str(tmp_path / "dir"), str(tmp_path / "missing")], capsys)
    assert code == 2 and json.loads(out) == [] and err.count("\n") == 2
    code, out, err = run(["inspect", str(tmp_path / "dir"), str(tmp_path / "missing")], capsys)
    assert code == 2 and out == "" and err.count("\n") == 2


def test_damaged_dwarf_still_reports_sections_with_a_warning(binary, capsys):
    data = bytearray(binary.read_bytes())
    at = data.index(b"\x04\x00\x00\x00\x00\x00\x08", 64)  # first unit: version 4, abbrev 0, address size 8
    struct.pack_into("<I", data, at - 4, 0x7FFFFFF0)       # its unit_length
    binary.write_bytes(bytes(data))
    code, out, err = run(["inspect", "--format", "json", str(binary)], capsys)
    doc = json.loads(out)
    assert code == 0 and doc["sections"] and doc["warnings"]
    assert sum(o["debug_info_bytes"] for o in doc["origins"]) == doc["debug_info_bytes"]
    code, out, err = run(["--color", "never", "inspect", str(binary)], capsys)
    assert code == 0 and "warning:" in out


def test_usage_errors(capsys):
    code, _, err = run(["inspect"], capsys)
    assert code == 2 and "BINARY" in err
    code, _, err = run(["inspect", "--format", "xml", "x"], capsys)
    assert code == 2


def test_progress_bar_only_on_a_terminal_and_only_for_long_walks():
    from buildcheck.report.inspect_progress import LONG_WALK_BYTES, walk_progress

    with walk_progress(FakeTerminal(tty=False), "x", enabled=True) as progress:
        assert progress is None
    with walk_progress(FakeTerminal(tty=True), "x", enabled=False) as progress:
        assert progress is None
    small = FakeTerminal(tty=True)
    with walk_progress(small, "x", enabled=True) as progress:
        assert progress is not None
        progress(10, 1000)
        progress(1000, 1000)
    assert small.written == []
    large = FakeTerminal(tty=True)
    with walk_progress(large, "big-binary", enabled=True) as progress:
        progress(LONG_WALK_BYTES // 2, LONG_WALK_BYTES * 2)
        progress(LONG_WALK_BYTES * 2, LONG_WALK_BYTES * 2)
    assert any("big-binary" in chunk for chunk in large.written)
